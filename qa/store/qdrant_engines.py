"""The two ways to reach Qdrant's engine: qdrant-client (a server or cluster) and qdrant-edge-py (embedded).

Both offer the same few calls to qa/store/qdrant.py; points are (row, {set: vector}, (term ids, weights),
payload). Failures become BackendUnavailable naming the server or folder and what went wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import warnings
from pathlib import Path

from ..errors import BackendUnavailable
from .protocol import RowFilter

_PREVIOUS = "-previous"  # alias (or pointer entry) of the generation current before


def _missing(what: str) -> BackendUnavailable:
    return BackendUnavailable(f"{what}: the Qdrant extra is not installed; install it with: pip install '.[qdrant]'")


class ClientEngine:
    """A Qdrant server or cluster through qdrant-client ("local:PATH" / ":memory:" use its local mode)."""

    def __init__(self, url: str, api_key: str | None = None, timeout: int = 10, shards: int = 0, replicas: int = 0):
        try:
            from qdrant_client import QdrantClient, models
        except ImportError:
            raise _missing(f"Qdrant at {url}") from None
        self.models = models
        self.where = f"Qdrant at {url}"
        self.layout = {k: v for k, v in (("shard_number", shards), ("replication_factor", replicas)) if v}
        try:
            if url == ":memory:":
                self.client = QdrantClient(location=":memory:")
            elif url.startswith("local:"):
                self.client = QdrantClient(path=url[len("local:"):])
            else:
                self.client = QdrantClient(url=url, api_key=api_key, timeout=timeout, check_compatibility=False)
        except Exception as exc:
            raise self._error(exc) from None
        self._call(self.client.get_collections)  # unreachable or a refused key: said now, before any work

    def _error(self, exc: Exception) -> BackendUnavailable:
        status = getattr(exc, "status_code", None)
        if status in (401, 403):
            return BackendUnavailable(f"{self.where} refused the API key (HTTP {status}); check QA_QDRANT_API_KEY")
        if status == 404:
            return BackendUnavailable(f"{self.where}: not found (HTTP 404): {str(exc)[:200]}")
        text = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        if "not found" in text.lower():
            return BackendUnavailable(f"{self.where}: {text}")
        return BackendUnavailable(f"{self.where} cannot be reached or failed ({exc.__class__.__name__}: {text}); "
                                  "check QA_QDRANT_URL and that the server is running")

    def _call(self, fn, *args, **kwargs):
        try:
            with warnings.catch_warnings():  # local mode says its payload indexes and search params do nothing
                warnings.filterwarnings("ignore", message="(Payload indexes|Local mode)", category=UserWarning)
                return fn(*args, **kwargs)
        except BackendUnavailable:
            raise
        except Exception as exc:
            raise self._error(exc) from None

    def collections(self) -> list[str]:
        return [c.name for c in self._call(self.client.get_collections).collections]

    def create(self, coll: str, dims: dict[str, int], sparse: str) -> None:
        m = self.models
        self._call(self.client.create_collection, coll,
                   vectors_config={n: m.VectorParams(size=d, distance=m.Distance.DOT) for n, d in dims.items()},
                   sparse_vectors_config={sparse: m.SparseVectorParams()}, **self.layout)
        self._call(self.client.create_payload_index, coll, "source", m.PayloadSchemaType.KEYWORD)
        self._call(self.client.create_payload_index, coll, "cjk", m.PayloadSchemaType.INTEGER)

    def upsert(self, coll: str, points: list) -> None:
        m = self.models
        self._call(self.client.upsert, coll, wait=True, points=[
            m.PointStruct(id=r, vector=dense | {"bm25": m.SparseVector(indices=s[0], values=s[1])}, payload=p)
            for r, dense, s, p in points])

    def finish(self, coll: str) -> None:
        pass

    def drop(self, coll: str) -> None:
        self._call(self.client.delete_collection, coll)

    def count(self, coll: str) -> int:
        return self._call(self.client.count, coll, exact=True).count

    def dims(self, coll: str) -> dict[str, int]:
        vectors = self._call(self.client.get_collection, coll).config.params.vectors
        return {n: v.size for n, v in vectors.items()}

    def _filter(self, where: RowFilter | None):
        m = self.models
        must = []
        if where is not None and where.sources is not None:
            must.append(m.FieldCondition(key="source", match=m.MatchAny(any=list(where.sources))))
        if where is not None and where.cjk is not None:
            must.append(m.FieldCondition(key="cjk", match=m.MatchValue(value=int(where.cjk))))
        return m.Filter(must=must) if must else None

    def query(self, coll: str, using: str, vector, k: int, where: RowFilter | None, exact: bool):
        m = self.models
        q = m.SparseVector(indices=vector[0], values=vector[1]) if isinstance(vector, tuple) else vector
        got = self._call(self.client.query_points, coll, query=q, using=using, limit=k,
                         query_filter=self._filter(where), with_payload=False,
                         search_params=m.SearchParams(exact=exact))
        return [(int(p.id), float(p.score)) for p in got.points]

    def retrieve(self, coll: str, rows: list[int], vector: str | None, payload: bool):
        got = self._call(self.client.retrieve, coll, rows, with_payload=payload,
                         with_vectors=[vector] if vector else False)
        return [(int(p.id), (p.vector or {}).get(vector) if vector else None, p.payload) for p in got]

    def get_pointer(self, prefix: str) -> dict:
        aliases = {a.alias_name: a.collection_name for a in self._call(self.client.get_aliases).aliases}
        head = f"{prefix}-"
        return {k: aliases[a][len(head):] for k, a in (("current", prefix), ("previous", prefix + _PREVIOUS))
                if a in aliases and aliases[a].startswith(head)}

    def set_pointer(self, prefix: str, coll: str, name: str, prev_coll: str | None, prev_name: str | None) -> None:
        m = self.models
        existing = {a.alias_name for a in self._call(self.client.get_aliases).aliases}
        ops = [m.DeleteAliasOperation(delete_alias=m.DeleteAlias(alias_name=a))
               for a in (prefix, prefix + _PREVIOUS) if a in existing]
        ops.append(m.CreateAliasOperation(create_alias=m.CreateAlias(collection_name=coll, alias_name=prefix)))
        if prev_coll:
            ops.append(m.CreateAliasOperation(create_alias=m.CreateAlias(collection_name=prev_coll,
                                                                         alias_name=prefix + _PREVIOUS)))
        self._call(self.client.update_collection_aliases, change_aliases_operations=ops)  # one request

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass


class EdgeEngine:
    """Qdrant's engine embedded through qdrant-edge-py: one shard folder per collection under path.

    A shard is open in one process at a time (its write-ahead log is locked): the embedded engine serves one
    process; several app servers share a Qdrant server or cluster instead (QA_QDRANT_URL).
    """

    def __init__(self, path):
        try:
            import qdrant_edge
        except ImportError:
            raise _missing(f"the embedded Qdrant in {path}") from None
        self.q = qdrant_edge
        self.path = Path(path)
        self.where = f"the embedded Qdrant in {self.path}"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackendUnavailable(f"{self.where} cannot be used ({exc})") from None
        self._shards: dict[str, object] = {}
        self._lock = threading.Lock()

    def _shard(self, coll: str):
        with self._lock:
            shard = self._shards.get(coll)
            if shard is None:
                if not (self.path / coll / "qa-dims.json").is_file():
                    raise BackendUnavailable(f"{self.where}: collection {coll} does not exist")
                try:
                    shard = self._shards[coll] = self.q.EdgeShard.load(str(self.path / coll))
                except Exception as exc:
                    if "WouldBlock" in str(exc):
                        raise BackendUnavailable(f"{self.where}: collection {coll} is open in another process; the "
                                                 "embedded engine serves one process at a time (several processes "
                                                 "share a Qdrant server: QA_QDRANT_URL)") from None
                    raise BackendUnavailable(f"{self.where}: collection {coll} cannot be loaded ({exc})") from None
            return shard

    def collections(self) -> list[str]:
        return sorted(p.name for p in self.path.iterdir() if (p / "qa-dims.json").is_file())

    def create(self, coll: str, dims: dict[str, int], sparse: str) -> None:
        q = self.q
        config = q.EdgeConfig(vectors={n: q.EdgeVectorParams(size=d, distance=q.Distance.Dot) for n, d in dims.items()},
                              sparse_vectors={sparse: q.EdgeSparseVectorParams()})
        with self._lock:
            self._shards[coll] = shard = q.EdgeShard.create(str(self.path / coll), config)
        shard.update(q.UpdateOperation.create_field_index("source", q.PayloadSchemaType.Keyword))
        shard.update(q.UpdateOperation.create_field_index("cjk", q.PayloadSchemaType.Integer))
        self._pending = {**getattr(self, "_pending", {}), coll: dims}

    def upsert(self, coll: str, points: list) -> None:
        q = self.q
        self._shard_unchecked(coll).update(q.UpdateOperation.upsert_points([
            q.Point(r, dense | {"bm25": q.SparseVector(indices=s[0], values=s[1])}, p) for r, dense, s, p in points]))

    def _shard_unchecked(self, coll: str):
        with self._lock:
            return self._shards[coll]

    def finish(self, coll: str) -> None:
        """Flush and close the written shard: a shard open in one process cannot be opened in another."""
        with self._lock:
            shard = self._shards.pop(coll)
        shard.flush()
        shard.close()
        (self.path / coll / "qa-dims.json").write_text(json.dumps(self._pending.pop(coll)))  # marks it complete

    def drop(self, coll: str) -> None:
        with self._lock:
            shard = self._shards.pop(coll, None)
        if shard is not None:
            shard.close()
        shutil.rmtree(self.path / coll, ignore_errors=True)

    def count(self, coll: str) -> int:
        return int(self._shard(coll).count(self.q.CountRequest()))

    def dims(self, coll: str) -> dict[str, int]:
        return json.loads((self.path / coll / "qa-dims.json").read_text())

    def _filter(self, where: RowFilter | None):
        q = self.q
        must = []
        if where is not None and where.sources is not None:
            must.append(q.FieldCondition(key="source", match=q.MatchAny(any=list(where.sources))))
        if where is not None and where.cjk is not None:
            must.append(q.FieldCondition(key="cjk", match=q.MatchValue(int(where.cjk))))
        return q.Filter(must=must) if must else None

    def query(self, coll: str, using: str, vector, k: int, where: RowFilter | None, exact: bool):
        q = self.q
        v = q.SparseVector(indices=vector[0], values=vector[1]) if isinstance(vector, tuple) else vector
        got = self._shard(coll).query(q.QueryRequest(limit=k, query=q.Query.Nearest(v, using=using),
                                                     filter=self._filter(where), with_payload=False,
                                                     params=q.SearchParams(exact=exact)))
        return [(int(p.id), float(p.score)) for p in got]

    def retrieve(self, coll: str, rows: list[int], vector: str | None, payload: bool):
        got = self._shard(coll).retrieve(rows, with_payload=payload, with_vector=[vector] if vector else False)
        return [(int(p.id), (p.vector or {}).get(vector) if vector else None, p.payload) for p in got]

    def _pointer_file(self, prefix: str) -> Path:
        return self.path / f"{prefix}.CURRENT.json"

    def get_pointer(self, prefix: str) -> dict:
        try:
            raw = json.loads(self._pointer_file(prefix).read_text())
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in raw.items() if k in ("current", "previous") and isinstance(v, str)}

    def set_pointer(self, prefix: str, coll: str, name: str, prev_coll: str | None, prev_name: str | None) -> None:
        target = self._pointer_file(prefix)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"current": name, "previous": prev_name}))
        os.replace(tmp, target)  # the one atomic step

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()
