"""One settings object for the whole library, overridable by environment variables."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_args, get_type_hints

from qa.errors import InvalidSetting

PROJECT_DIR = Path(__file__).resolve().parent.parent

OCR_CHOICES = ("auto", "rapidocr", "tesseract", "off")
BACKENDS = ("faiss", "qdrant")  # where generations are served from: the local folders, or Qdrant


def _default_corpus() -> Path:
    return PROJECT_DIR / "corpus"


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live and how documents are cut, embedded and searched."""

    corpus_dir: Path = field(default_factory=_default_corpus)
    index_dir: Path | None = None  # None: an index/ folder beside the corpus
    chunk_tokens: int = 128  # target chunk size in model tokens (measured: see search.DENSE_WEIGHT)
    max_chunk_tokens: int = 250  # hard limit: the model reads 256 tokens including 2 specials
    # Chinese documents' target, in the multilingual model's tokens. Measured on dev-zh (hybrid, Chinese
    # questions): 128 tokens gave R@5 0.79 / MRR@10 0.64-0.69; 200 gave 0.93-1.00 / 0.66-0.67.
    cjk_chunk_tokens: int = 200
    max_chunk_chars: int = 1100
    overlap_sentences: int = 1
    max_file_bytes: int = 50 * 1024 * 1024
    # What one file may become, whatever the route (EPUB spine repeats, entities, huge pages): its extracted text at
    # most max_text_chars and at most max_text_per_byte characters per byte of the file (or 1 MiB of text, for small
    # files), and at most max_passages passages. Measured on the 119 files of ../shared/docs and the review
    # (results/text-growth.md, python -m bench.text_growth): at most 1.1 characters per byte (an EPUB), 2.1 M
    # characters and 6,178 passages (octave.pdf, 1,158 pages); the defaults leave 18, 9 and 8 times that.
    max_text_chars: int = 20_000_000
    max_text_per_byte: float = 20.0
    max_passages: int = 50_000
    # Bounds on every parser's child process (PDF, HTML, EPUB, DOCX): seconds and address space.
    parse_timeout_s: float = 60.0
    parse_memory_bytes: int = 2 * 1024**3
    # The names these limits had when only PDFs were parsed in a child; still read (QA_PDF_TIMEOUT_S, ...) and
    # moved onto parse_timeout_s / parse_memory_bytes, after which they read None.
    pdf_timeout_s: float | None = None
    pdf_memory_bytes: int | None = None
    # Pages without a text layer and image files (.png, .jpg) are read by OCR (qa/ingest/pdf/ocr.py): "auto" (the first
    # engine installed), "rapidocr", "tesseract" or "off"; each page read by OCR adds ocr_page_timeout_s to parse_timeout_s.
    ocr: str = "auto"
    ocr_page_timeout_s: float = 180.0  # measured: 1-2 min a page on a loaded 2-core machine (results/ocr-engines.md)
    max_question_chars: int = 2000
    max_k: int = 50  # the most passages one search returns
    candidates: int = 50  # per retriever, before fusion
    batch_size: int = 32
    keep_generations: int = 2
    # The web server's own limits (QA_QUEUE_SIZE, ...) are ui.settings.WebSettings: only `qa serve` reads them.
    page_dpi: int = 200  # resolution of page images ("Show on page"): sharp at full width on a 2x screen
    onnx_threads: int = 0  # threads per ONNX question embedding; 0: up to 2 (see qa.embed.onnx.onnx_threads)
    query_cache: int = 4096  # question and sentence vectors kept per process; 0: no cache
    # Where passages are served from (qa/index/store/): "faiss" (the local generation) or "qdrant", reached at
    # qdrant_url (a server or cluster; "local:PATH" or ":memory:": qdrant-client's local mode) with
    # qdrant_api_key, or embedded in qdrant_path (qdrant-edge-py). Collections are named <qdrant_collection>-gen-*.
    backend: str = "faiss"
    qdrant_url: str = ""
    qdrant_api_key: str = field(default="", repr=False)  # never shown in reprs or logs
    qdrant_path: str = ""
    qdrant_collection: str = "qa"
    qdrant_shards: int = 0  # a cluster: shards per collection (0: the server's default, 1)
    qdrant_replicas: int = 0  # a cluster: copies of each shard (0: the server's default, 1)

    def __post_init__(self) -> None:
        check_ranges(self, RANGES)
        self._move_old_names()
        _check_chunking(self)
        _check_choices(self)

    def _move_old_names(self) -> None:
        """QA_PDF_TIMEOUT_S and QA_PDF_MEMORY_BYTES onto their new names, unless those are given too."""
        for old, new in (("pdf_timeout_s", "parse_timeout_s"), ("pdf_memory_bytes", "parse_memory_bytes")):
            if getattr(self, old) is not None:
                if getattr(self, new) == _DEFAULTS[new]:  # the new name wins where both are given
                    object.__setattr__(self, new, getattr(self, old))
                object.__setattr__(self, old, None)

    @property
    def index_path(self) -> Path:
        """The index folder: explicit, or index/ beside the corpus."""
        return Path(self.index_dir) if self.index_dir else Path(self.corpus_dir).resolve().parent / "index"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Settings from QA_* environment variables (QA_CORPUS_DIR, QA_INDEX_DIR, QA_CHUNK_TOKENS, ...)."""
        return cls(**{**env_values(cls), **overrides})

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)


_GIB = 1024**3
# Every numeric setting's valid range, checked when Settings is made (so at start, with one sentence).
RANGES: dict[str, tuple[float, float]] = {
    "chunk_tokens": (16, 254),
    "max_chunk_tokens": (16, 254),
    "cjk_chunk_tokens": (16, 254),
    "max_chunk_chars": (100, 100_000),
    "overlap_sentences": (0, 2),
    "max_file_bytes": (1, 64 * _GIB),
    "max_text_chars": (1000, 2_000_000_000),
    "max_text_per_byte": (1, 100_000),
    "max_passages": (1, 10_000_000),
    "parse_timeout_s": (0.001, 86_400),
    "parse_memory_bytes": (16 * 1024**2, 1024 * _GIB),
    "ocr_page_timeout_s": (0, 86_400),
    "pdf_timeout_s": (0.001, 86_400),
    "pdf_memory_bytes": (16 * 1024**2, 1024 * _GIB),
    "max_question_chars": (1, 1_000_000),
    "max_k": (1, 1000),
    "candidates": (1, 100_000),
    "batch_size": (1, 4096),
    "keep_generations": (1, 100),
    "page_dpi": (36, 1200),
    "onnx_threads": (0, 1024),
    "query_cache": (0, 100_000_000),
    "qdrant_shards": (0, 10_000),
    "qdrant_replicas": (0, 100),
}


def _check_chunking(s: Settings) -> None:
    if not 16 <= s.chunk_tokens <= s.max_chunk_tokens <= 254:
        raise InvalidSetting(
            f"chunk_tokens={s.chunk_tokens} and max_chunk_tokens={s.max_chunk_tokens} must satisfy "
            "16 <= chunk_tokens <= max_chunk_tokens <= 254 (the model reads at most 256 tokens)"
        )
    if not 16 <= s.cjk_chunk_tokens <= 254:
        raise InvalidSetting(f"cjk_chunk_tokens={s.cjk_chunk_tokens} must be between 16 and 254")
    if s.overlap_sentences not in (0, 1, 2):
        raise InvalidSetting(f"overlap_sentences={s.overlap_sentences}; valid choices: 0, 1, 2")


def _check_choices(s: Settings) -> None:
    if s.ocr not in OCR_CHOICES:
        raise InvalidSetting(f"QA_OCR={s.ocr!r}; valid choices: {', '.join(OCR_CHOICES)}")
    if s.backend not in BACKENDS:
        raise InvalidSetting(f"QA_BACKEND={s.backend!r}; valid choices: {', '.join(BACKENDS)}")
    if s.backend == "qdrant" and not (s.qdrant_url or s.qdrant_path):
        raise InvalidSetting(
            "QA_BACKEND=qdrant needs QA_QDRANT_URL (a server or cluster) or QA_QDRANT_PATH (the embedded engine)"
        )


def check_ranges(values: object, ranges: dict[str, tuple[float, float]]) -> None:
    """Each of values' fields named in ranges within its range, or one sentence naming its variable."""
    for name, (low, high) in ranges.items():
        _check_range(name, getattr(values, name), low, high)


def env_values(cls: type) -> dict[str, object]:
    """The set QA_<FIELD> environment variables of a settings dataclass, each as its field's declared type."""
    values: dict[str, object] = {}
    types = get_type_hints(cls)
    for f in fields(cls):
        raw = os.environ.get(f"QA_{f.name.upper()}")
        if raw not in (None, ""):
            values[f.name] = _parse(f"QA_{f.name.upper()}", raw, types[f.name])
    return values


def _check_range(name: str, value: object, low: float, high: float) -> None:
    """One sentence naming the variable, its value and its range, for a value that is not a finite number in it."""
    if value is None:
        return
    whole = isinstance(low, int) and isinstance(high, int)
    ok = (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (not whole or float(value).is_integer())
        and low <= value <= high
    )
    if not ok:
        kind = "a whole number" if whole else "a number"
        raise InvalidSetting(f"QA_{name.upper()}={value!r} is out of range; it must be {kind} from {low:,} to {high:,}")


def _parse(name: str, raw: str, kind: object) -> object:
    """An environment variable's value as its field's declared type (Path, str, int or float)."""
    base: Any = next((a for a in get_args(kind) if a is not type(None)), kind)  # Path | None -> Path
    if base in (Path, str):
        return base(raw)
    try:
        return base(raw.strip())
    except ValueError:
        what = "a whole number" if base is int else "a number"
        raise InvalidSetting(f"{name}={raw!r} is not {what}") from None


_DEFAULTS = {f.name: f.default for f in fields(Settings)}
