"""Qdrant's engine embedded through qdrant-edge-py: one shard folder per collection, in one process."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from qa.errors import BackendUnavailable
from qa.index.store.protocol import RowFilter
from qa.index.store.qdrant_server import SCROLL_PAGE, conditions, missing, scroll_pages, vectors_of


class EdgeEngine:
    """Qdrant's engine embedded through qdrant-edge-py: one shard folder per collection under path.

    A shard is open in one process at a time (its write-ahead log is locked): the embedded engine serves one
    process; several app servers share a Qdrant server or cluster instead (QA_QDRANT_URL).
    """

    def __init__(self, path):
        try:
            import qdrant_edge
        except ImportError:
            raise missing(f"the embedded Qdrant in {path}") from None
        self.q = qdrant_edge
        self.path = Path(path)
        self.where = f"the embedded Qdrant in {self.path}"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackendUnavailable(f"{self.where} cannot be used ({exc})") from None
        self._shards: dict[str, Any] = {}  # qdrant_edge.EdgeShard, imported lazily
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
                        raise BackendUnavailable(
                            f"{self.where}: collection {coll} is open in another process; the "
                            "embedded engine serves one process at a time (several processes "
                            "share a Qdrant server: QA_QDRANT_URL)"
                        ) from None
                    raise BackendUnavailable(f"{self.where}: collection {coll} cannot be loaded ({exc})") from None
            return shard

    def collections(self) -> list[str]:
        return sorted(p.name for p in self.path.iterdir() if (p / "qa-dims.json").is_file())

    def create(self, coll: str, dims: dict[str, int], sparse: str | None, indexes: dict[str, str]) -> None:
        """A shard with these dense vectors, an optional sparse one, and payload indexes (field: kind)."""
        q = self.q
        config = q.EdgeConfig(
            vectors={n: q.EdgeVectorParams(size=d, distance=q.Distance.Dot) for n, d in dims.items()},
            sparse_vectors={sparse: q.EdgeSparseVectorParams()} if sparse else None,
        )
        with self._lock:
            self._shards[coll] = shard = q.EdgeShard.create(str(self.path / coll), config)
        for field, kind in indexes.items():
            shard.update(q.UpdateOperation.create_field_index(field, getattr(q.PayloadSchemaType, kind.title())))
        self._pending = {**getattr(self, "_pending", {}), coll: dims}

    def upsert(self, coll: str, points: list) -> None:
        q = self.q
        sparse = lambda s: q.SparseVector(indices=s[0], values=s[1])  # noqa: E731
        self._shard_unchecked(coll).update(
            q.UpdateOperation.upsert_points([q.Point(r, vectors_of(dense, s, sparse), p) for r, dense, s, p in points])
        )

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

    def _filter(self, where: RowFilter | dict | None):
        q = self.q
        must = [
            q.FieldCondition(key=k, match=q.MatchAny(any=v) if isinstance(v, list) else q.MatchValue(v))
            for k, v in conditions(where)
        ]
        return q.Filter(must=must) if must else None

    def scroll(self, coll: str, where: dict, vector: str | None = None) -> list:
        """(id, vector or None, payload) of every point matching where."""
        return scroll_pages(
            lambda offset: self._shard(coll).scroll(
                self.q.ScrollRequest(
                    offset=offset,
                    limit=SCROLL_PAGE,
                    filter=self._filter(where),
                    with_payload=True,
                    with_vector=[vector] if vector else False,
                )
            ),
            vector,
        )

    def query(self, coll: str, using: str, vector, k: int, where: RowFilter | None, exact: bool):
        q = self.q
        v = q.SparseVector(indices=vector[0], values=vector[1]) if isinstance(vector, tuple) else vector
        got = self._shard(coll).query(
            q.QueryRequest(
                limit=k,
                query=q.Query.Nearest(v, using=using),
                filter=self._filter(where),
                with_payload=False,
                params=q.SearchParams(exact=exact),
            )
        )
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
