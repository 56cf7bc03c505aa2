"""Over the real manuals indexed together with the review, no top-10 hit of a development question is a contents
or index page (the eval sets of ../shared/eval; builds a big index with the real model: minutes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEED
from qa import Assistant, Settings
from qa.ops.evaluation import load_questions
from qa.ops.pdf_truth import truths
from support.shared_docs import DOCS, PDFS, needs_docs

EVAL = DOCS.parent / "eval"
SETS = ("gnuplot", "octave", "debian-edu-zh", "linuxcnc-zh", "cross-lingual")
pytestmark = [
    pytest.mark.model,
    pytest.mark.slow,
    needs_docs,
    pytest.mark.skipif(not EVAL.is_dir(), reason=f"the shared eval sets are not here ({EVAL})"),
]


def test_no_top_10_hit_of_any_development_question_is_a_navigation_page(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in (SEED, *(DOCS / name for name in PDFS)):
        shutil.copy(f, corpus / f.name)
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", pdf_timeout_s=300))
    assistant.build_index()
    nav = {name: t.navigation for name, t in truths(corpus, set(PDFS)).items()}
    assert all(nav.values())  # every manual has contents or index pages that could be hit
    on_nav = []
    for q in (q for s in SETS for q in load_questions(EVAL / f"{s}.jsonl")):
        hits = assistant.ask(q.question, k=10).hits
        on_nav += [
            (q.id, h.citation.source, h.citation.page)
            for h in hits
            if h.citation.page in nav.get(Path(h.citation.source).name, ())
        ]
    assert on_nav == []
