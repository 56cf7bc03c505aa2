"""The ingest tests' shared fixture: an index over one good file, built before any bad file arrives."""

from __future__ import annotations

import pytest

from qa import Assistant, Settings
from support.good_corpus import GOOD


@pytest.fixture
def built(tmp_path, corpus, fake_embedder):
    """An index over one good text file (support.good_corpus.GOOD), built with the fake embedder."""
    (corpus / "good.txt").write_text(GOOD)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assistant = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder)
    assistant.build_index()
    return assistant
