"""Shared fixtures: a deterministic fake embedder, small corpora, and one real-model index per session."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from qa import Assistant, Settings  # noqa: E402
from support.good_corpus import GOOD  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SEED = PROJECT / "corpus" / "it-and-national-governance-review.txt"
DEV_SET = PROJECT / "tests" / "data" / "eval" / "dev.jsonl"  # copies of ../shared/eval, so no test skips
DEV_UNANSWERABLE = PROJECT / "tests" / "data" / "eval" / "dev-unanswerable.jsonl"


class FakeEmbedder:
    """Deterministic bag-of-words vectors: equal texts give equal vectors, shared words give similarity."""

    dim = 384

    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed(self, texts):
        texts = list(texts)
        self.calls.extend(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            out[i, 0] += 1e-3  # never the zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def seed_corpus(root: Path, *extra: Path) -> Path:
    """A corpus folder under root holding the review and any extra files."""
    corpus = root / "corpus"
    corpus.mkdir()
    for f in (SEED, *extra):
        shutil.copy(f, corpus / f.name)
    return corpus


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty corpus folder of its own."""
    d = tmp_path / "corpus"
    d.mkdir()
    return d


@pytest.fixture
def fake_assistant(tmp_path: Path, corpus: Path, fake_embedder: FakeEmbedder) -> Assistant:
    """An Assistant over a temporary corpus and index, using the fake embedder for builds and queries."""
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    return Assistant(
        settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder, multilingual=FakeEmbedder()
    )  # its own: tests count the MiniLM stand-in's calls


@pytest.fixture
def built(tmp_path: Path, corpus: Path, fake_embedder: FakeEmbedder) -> Assistant:
    """An index over one good text file (support.good_corpus.GOOD), built before any bad file arrives."""
    (corpus / "good.txt").write_text(GOOD)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assistant = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder)
    assistant.build_index()
    return assistant


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Settings:
    """The default corpus indexed once with the real model (and its ONNX export) for the whole run."""
    root = tmp_path_factory.mktemp("real")
    settings = Settings(corpus_dir=seed_corpus(root), index_dir=root / "index")
    Assistant(settings).build_index()
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_index: Settings) -> Assistant:
    return Assistant(real_index)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (tests/support/ui_server.py: chromium)."""
    from support.ui_server import chromium

    with chromium() as b:
        yield b


def pytest_terminal_summary(terminalreporter):
    """One closing line saying how many tests were skipped and why (the -ra lines above give each one)."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    parts = "; ".join(f"{n} × {r}" for r, n in sorted(reasons.items(), key=lambda x: -x[1]))
    terminalreporter.write_line(f"skipped {len(skipped)} tests: {parts}")
