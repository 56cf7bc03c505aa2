"""Qdrant through qdrant-client: a server or cluster (its local mode stands in for one in tests).

This engine and the embedded one (qa/index/store/qdrant_embedded.py) offer the same few calls to qa/index/store/qdrant.py:
points are (id, {set: vector}, (term ids, weights) or None, payload); filters are a RowFilter or {payload field:
value or list of values}. Failures become BackendUnavailable naming the server or folder and what went wrong.
"""

from __future__ import annotations

import warnings

from qa.errors import BackendUnavailable
from qa.index.store.protocol import RowFilter

_PREVIOUS = "-previous"  # alias (or pointer entry) of the generation current before
SCROLL_PAGE = 256


def scroll_pages(page, vector: str | None) -> list:
    """(id, vector or None, payload) of every point, reading page(offset) -> (points, next offset) to the end."""
    out, offset = [], None
    while True:
        got, offset = page(offset)
        out += [(int(p.id), (p.vector or {}).get(vector) if vector else None, p.payload) for p in got]
        if offset is None:
            return out


def conditions(where: RowFilter | dict | None) -> list[tuple[str, object]]:
    """(payload field, value or list of values) pairs that must all hold."""
    if isinstance(where, dict):
        return [(k, list(v) if isinstance(v, (list, tuple)) else v) for k, v in where.items()]
    out: list[tuple[str, object]] = []
    if where is not None and where.sources is not None:
        out.append(("source", list(where.sources)))
    if where is not None and where.cjk is not None:
        out.append(("cjk", int(where.cjk)))  # qdrant-edge-py 0.9 matches no boolean values
    return out


def vectors_of(dense: dict, sparse, make_sparse) -> dict:
    """A point's vectors: the dense ones and, when given, its BM25 sparse vector."""
    return dense if sparse is None else dense | {"bm25": make_sparse(sparse)}


def missing(what: str) -> BackendUnavailable:
    """The error for a Qdrant engine whose package is not installed."""
    return BackendUnavailable(f"{what}: the Qdrant extra is not installed; install it with: pip install '.[qdrant]'")


class ClientEngine:
    """A Qdrant server or cluster through qdrant-client ("local:PATH" / ":memory:" use its local mode)."""

    def __init__(self, url: str, api_key: str | None = None, timeout: int = 10, shards: int = 0, replicas: int = 0):
        try:
            from qdrant_client import QdrantClient, models
        except ImportError:
            raise missing(f"Qdrant at {url}") from None
        self.models = models
        self.where = f"Qdrant at {url}"
        self.layout = {k: v for k, v in (("shard_number", shards), ("replication_factor", replicas)) if v}
        try:
            if url == ":memory:":
                self.client = QdrantClient(location=":memory:")
            elif url.startswith("local:"):
                self.client = QdrantClient(path=url[len("local:") :])
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
        return BackendUnavailable(
            f"{self.where} cannot be reached or failed ({exc.__class__.__name__}: {text}); "
            "check QA_QDRANT_URL and that the server is running"
        )

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

    def create(self, coll: str, dims: dict[str, int], sparse: str | None, indexes: dict[str, str]) -> None:
        """A collection with these dense vectors, an optional sparse one, and payload indexes (field: kind)."""
        m = self.models
        self._call(
            self.client.create_collection,
            coll,
            vectors_config={n: m.VectorParams(size=d, distance=m.Distance.DOT) for n, d in dims.items()},
            sparse_vectors_config={sparse: m.SparseVectorParams()} if sparse else None,
            **self.layout,
        )
        for field, kind in indexes.items():
            self._call(self.client.create_payload_index, coll, field, getattr(m.PayloadSchemaType, kind.upper()))

    def upsert(self, coll: str, points: list) -> None:
        m = self.models
        sparse = lambda s: m.SparseVector(indices=s[0], values=s[1])  # noqa: E731
        self._call(
            self.client.upsert,
            coll,
            wait=True,
            points=[m.PointStruct(id=r, vector=vectors_of(dense, s, sparse), payload=p) for r, dense, s, p in points],
        )

    def finish(self, coll: str) -> None:
        pass

    def drop(self, coll: str) -> None:
        self._call(self.client.delete_collection, coll)

    def count(self, coll: str) -> int:
        return self._call(self.client.count, coll, exact=True).count

    def dims(self, coll: str) -> dict[str, int]:
        vectors = self._call(self.client.get_collection, coll).config.params.vectors
        return {n: v.size for n, v in vectors.items()}

    def _filter(self, where: RowFilter | dict | None):
        m = self.models
        must = [
            m.FieldCondition(key=k, match=m.MatchAny(any=v) if isinstance(v, list) else m.MatchValue(value=v))
            for k, v in conditions(where)
        ]
        return m.Filter(must=must) if must else None

    def scroll(self, coll: str, where: dict, vector: str | None = None) -> list:
        """(id, vector or None, payload) of every point matching where."""
        return scroll_pages(
            lambda offset: self._call(
                self.client.scroll,
                coll,
                scroll_filter=self._filter(where),
                limit=SCROLL_PAGE,
                offset=offset,
                with_payload=True,
                with_vectors=[vector] if vector else False,
            ),
            vector,
        )

    def query(self, coll: str, using: str, vector, k: int, where: RowFilter | None, exact: bool):
        m = self.models
        q = m.SparseVector(indices=vector[0], values=vector[1]) if isinstance(vector, tuple) else vector
        got = self._call(
            self.client.query_points,
            coll,
            query=q,
            using=using,
            limit=k,
            query_filter=self._filter(where),
            with_payload=False,
            search_params=m.SearchParams(exact=exact),
        )
        return [(int(p.id), float(p.score)) for p in got.points]

    def retrieve(self, coll: str, rows: list[int], vector: str | None, payload: bool):
        got = self._call(self.client.retrieve, coll, rows, with_payload=payload, with_vectors=[vector] if vector else False)
        return [(int(p.id), (p.vector or {}).get(vector) if vector else None, p.payload) for p in got]

    def get_pointer(self, prefix: str) -> dict:
        aliases = {a.alias_name: a.collection_name for a in self._call(self.client.get_aliases).aliases}
        head = f"{prefix}-"
        return {
            k: aliases[a][len(head) :]
            for k, a in (("current", prefix), ("previous", prefix + _PREVIOUS))
            if a in aliases and aliases[a].startswith(head)
        }

    def set_pointer(self, prefix: str, coll: str, name: str, prev_coll: str | None, prev_name: str | None) -> None:
        m = self.models
        existing = {a.alias_name for a in self._call(self.client.get_aliases).aliases}
        ops = [
            m.DeleteAliasOperation(delete_alias=m.DeleteAlias(alias_name=a))
            for a in (prefix, prefix + _PREVIOUS)
            if a in existing
        ]
        ops.append(m.CreateAliasOperation(create_alias=m.CreateAlias(collection_name=coll, alias_name=prefix)))
        if prev_coll:
            ops.append(
                m.CreateAliasOperation(create_alias=m.CreateAlias(collection_name=prev_coll, alias_name=prefix + _PREVIOUS))
            )
        self._call(self.client.update_collection_aliases, change_aliases_operations=ops)  # one request

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass
