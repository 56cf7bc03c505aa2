"""The storage seam's contract, one suite for every backend: FAISS (the local generation), the embedded
Qdrant engine (qdrant-edge-py) and qdrant-client (its local mode stands in for a server here)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import FakeEmbedder
from qa import Assistant, Settings
from qa.errors import BackendUnavailable, IndexNotFound
from qa.index import bm25
from qa.index.store.faiss_backend import LocalGenerations, as_new
from qa.index.store.protocol import RowFilter
from qa.index.store.reader import open_current
from qa.retrieve.query import make_query
from qa.retrieve.search import search
from support.pdfs import minimal_pdf

DOCS = {
    "rivers.txt": "Rivers\n\n"
    + "\n\n".join(
        f"The {r} river floods every {n} years and carries silt to the delta near the old mill."
        for r, n in [("grey", 3), ("amber", 5), ("swift", 7), ("quiet", 11), ("long", 13)]
    ),
    "forests.md": "# Forests\n\n"
    + "\n\n".join(
        f"The {t} forest holds {n} kinds of moss; rangers count the moss each spring along the river."
        for t, n in [("pine", 40), ("oak", 12), ("birch", 9), ("cedar", 21)]
    ),
    "notes-zh.txt": "笔记\n\n"
    + "\n\n".join(
        f"第{n}条河流每年春天泛滥，{w}的村民在河边种植水稻。" for n, w in [("一", "南方"), ("二", "北方"), ("三", "东方")]
    ),
    "cited.md": "# Cited notes\n\n## Floods\n\nThe grey river flooded the mill twice [1], and the delta grew [2, 3].\n\n"
    "## References\n\n[1] A. Miller. Floods of the grey river. 1990.\n\n[2] B. Stone. Deltas. 2001.\n\n"
    "[3] C. Reed. Silt. 2010.\n",
}
PDF_PAGES = [
    ["Harbour log", "", "The harbour master counted forty ships in the spring."],
    ["The harbour master counted ninety ships in the autumn storms."],
]
BACKENDS = ["faiss", "qdrant-edge", "qdrant-client"]
QUERIES = ["Which river floods every 7 years?", "moss kinds counted by rangers", "河流 水稻", "silt delta mill"]
FILTERS = [
    None,
    RowFilter(("rivers.txt",)),
    RowFilter(("forests.md", "notes-zh.txt")),
    RowFilter(cjk=True),
    RowFilter(cjk=False),
    RowFilter(("rivers.txt", "notes-zh.txt"), cjk=False),
    RowFilter(("missing.txt",)),
]


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """A small generation (English and Chinese documents) built with the fake embedder."""
    root = tmp_path_factory.mktemp("store")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    (corpus / "harbour.pdf").write_bytes(minimal_pdf(PDF_PAGES))
    fake = FakeEmbedder()
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", chunk_tokens=16, max_chunk_tokens=32, cjk_chunk_tokens=16)
    Assistant(settings, embedder=fake, build_embedder=lambda: fake, multilingual=FakeEmbedder()).build_index()
    gen = open_current(settings.index_path, model_hash=None)
    assert gen.manifest.n_chunks >= 10 and 0 < gen.cjk_rows.sum() < gen.manifest.n_chunks
    assert len(gen.document("cited.md").references) == 3 and len(gen.document("harbour.pdf").pages) == 2
    return gen


def _qdrant(kind: str, tmp_path):
    from qa.index.store.qdrant import QdrantGenerations

    if kind == "qdrant-edge":
        pytest.importorskip("qdrant_edge")
        from qa.index.store.qdrant_embedded import EdgeEngine

        return QdrantGenerations(EdgeEngine(tmp_path / "edge"), "t")
    pytest.importorskip("qdrant_client")
    from qa.index.store.qdrant_server import ClientEngine

    return QdrantGenerations(ClientEngine(":memory:"), "t")


@pytest.fixture(params=BACKENDS)
def served(request, local, tmp_path):
    """The generation written through the seam into each backend, then read back as an app server reads it."""
    name = local.path.name
    if request.param == "faiss":
        gens = LocalGenerations(tmp_path / "index")
        gens.make_current(gens.write(as_new(local)))
        return open_current(tmp_path / "index", model_hash=None)
    gens = _qdrant(request.param, tmp_path)
    gens.make_current(gens.write(as_new(local)))
    return gens.open_generation(name, None)


@pytest.fixture
def passages(served):
    return served.passages


def _allowed(gen, where: RowFilter | None) -> np.ndarray:
    ok = np.ones(gen.manifest.n_chunks, bool)
    if where is not None and where.sources is not None:
        ok &= np.isin(np.array(gen.sources)[gen.row_source], where.sources)
    if where is not None and where.cjk is not None:
        ok &= gen.cjk_rows == where.cjk
    return ok


@pytest.mark.parametrize("vector_set", ["dense", "multi"])
@pytest.mark.parametrize("where", FILTERS, ids=str)
def test_dense_top_k_is_the_exact_top_k_of_the_allowed_rows(passages, local, vector_set, where):
    vectors = np.asarray(local.passages.dense_vectors if vector_set == "dense" else local.passages.multi_vectors)
    q = FakeEmbedder().embed(["river floods moss 河流"])[0]
    ok = _allowed(local, where)
    expected = np.sort((vectors @ q)[ok])[::-1][:4]
    scores, rows = passages.dense(vector_set, q, 4, where)
    np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-6)
    assert ok[rows].all() and len(set(rows.tolist())) == len(rows)
    np.testing.assert_allclose(vectors[rows] @ q, scores, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("where", FILTERS, ids=str)
def test_lexical_top_k_gives_the_bm25_scores_of_the_allowed_rows(passages, local, query, where):
    mask = _allowed(local, where)
    expected_scores, expected_rows = local.bm25.search(query, 5, mask.astype(np.float32))
    scores, rows = passages.lexical(query, 5, where)
    np.testing.assert_allclose(scores, expected_scores, rtol=1e-5)
    everything = local.bm25.scores([local.bm25.vocab[t] for t in bm25.terms(query) if t in local.bm25.vocab])
    if len(rows):
        np.testing.assert_allclose(everything[rows], scores, rtol=1e-5)
    assert mask[rows].all()


def test_vectors_and_chunk_rows_come_back_by_id_in_the_order_asked(passages, local):
    rows = [7, 0, 3, local.manifest.n_chunks - 1, 3]
    assert np.array_equal(passages.vectors("dense", rows), np.asarray(local.passages.dense_vectors[rows]))
    assert np.array_equal(passages.vectors("multi", rows), np.asarray(local.passages.multi_vectors[rows]))
    assert passages.chunks(rows) == local.chunks(rows)
    assert passages.chunks([]) == [] and passages.vectors("dense", []).shape == (0, local.manifest.dim)


@pytest.mark.parametrize("k", [0, 1, 1000])
def test_k_bounds(passages, local, k):
    q = np.asarray(local.passages.dense_vectors[2])
    scores, rows = passages.dense("dense", q, k)
    assert len(rows) == min(k, local.manifest.n_chunks)
    if k:
        assert rows[0] == 2 and scores[0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize("sources", [None, ["forests.md"], ["rivers.txt", "notes-zh.txt"]])
def test_search_gives_the_same_hits_through_every_backend(served, local, mode, sources):
    gen = served
    fake = FakeEmbedder()
    settings = Settings(corpus_dir=local.path.parent)
    for query in QUERIES:
        want = search(local, fake, make_query(query, local, 4, mode, sources), settings, multilingual=fake)
        got = search(gen, fake, make_query(query, gen, 4, mode, sources), settings, multilingual=fake)
        assert [(h.rank, h.chunk_id, h.text, h.citation, h.references, h.model) for h in got] == [
            (h.rank, h.chunk_id, h.text, h.citation, h.references, h.model) for h in want
        ]
        for field in ("score", "dense", "lexical"):
            np.testing.assert_allclose([getattr(h, field) for h in got], [getattr(h, field) for h in want], rtol=1e-5, atol=1e-6)


def test_an_app_server_reads_everything_answers_need_from_the_backend_alone(served, local):
    """Documents, texts, pages, references, word vectors, row attributes, BM25 idf: as the local generation has them."""
    assert served.documents() == local.documents()
    for source in local.sources:
        assert served.document(source) == local.document(source)
        assert served.document_text(source) == local.document_text(source)
        text = local.document_text(source)
        for offset in (0, len(text) // 2, len(text) - 1):
            assert served.page_at(source, offset) == local.page_at(source, offset)
        assert served.references(source, [3, 1, 9]) == local.references(source, [3, 1, 9])
    assert served.page_at("harbour.pdf", len(local.document_text("harbour.pdf")) - 1) == 2
    assert [r.number for r in served.references("cited.md", [1, 2])] == [1, 2]
    words = ["river", "moss", "harbour", "not-a-word-here"]
    got, want = served.word_vectors(words), local.word_vectors(words)
    assert sorted(got) == sorted(want) == ["harbour", "moss", "river"]
    for w in want:
        np.testing.assert_array_equal(got[w], want[w])
    for attr in ("row_source", "cjk_rows", "section_run", "repeat_group"):
        np.testing.assert_array_equal(getattr(served, attr), getattr(local, attr))
    assert served.sources == local.sources and served.manifest == local.manifest
    np.testing.assert_array_equal(served.bm25.idf(["river", "moss", "zzz"]), local.bm25.idf(["river", "moss", "zzz"]))


def test_a_generation_built_with_other_weights_is_refused_by_every_backend(served, local, tmp_path):
    """The manifest check names both weights and the rebuild command, in Qdrant as on disk."""
    from qa.errors import IndexCorrupt

    message = (
        f"built with model {local.manifest.model} \\(weights {local.manifest.model_hash}\\) but the "
        "installed model's weights are 0000; rebuild it with: qa index --full"
    )
    with pytest.raises(IndexCorrupt, match=message):
        if isinstance(served, type(local)):
            open_current(tmp_path / "index", model_hash="0000")
        else:
            type(served)(served.generations, served.name, "0000")


def renamed(local, name: str):
    """The generation as a NewGeneration under another name: the same rows, a new generation."""
    return replace(as_new(local), name=name)


def _writer(kind: str, tmp_path):
    if kind == "faiss":
        return LocalGenerations(tmp_path / "index")
    return _qdrant(kind, tmp_path)


@pytest.mark.parametrize("kind", BACKENDS)
def test_make_current_keeps_the_previous_generation_and_drops_older_ones(local, tmp_path, kind):
    gens = _writer(kind, tmp_path)
    (tmp_path / "index").mkdir()
    assert gens.current() is None and gens.generations() == []
    names = []
    for i in range(4):
        name = f"gen-2026010{i}-000000-1-aaaaaa"
        names.append(gens.write(renamed(local, name)))
        assert names[-1] == name and gens.current() == (names[-2] if i else None)  # written, not current
        gens.make_current(names[-1])
        assert gens.current() == names[-1]
    assert gens.generations() == names[-2:]
    assert gens.open(names[-1]).chunks([0, 1]) == local.chunks([0, 1])
    with pytest.raises((BackendUnavailable, IndexNotFound), match=f"{names[0]} .*(does not exist|is not in)"):
        gens.open(names[0])
    with pytest.raises((BackendUnavailable, IndexNotFound), match=f"{names[0]}"):
        gens.make_current(names[0])


@pytest.mark.parametrize("kind", BACKENDS[1:])
def test_qdrant_keeps_two_collections_per_kept_generation_and_drops_interrupted_writes(local, tmp_path, kind):
    from qa.index.store.qdrant_generation import write_side

    gens = _writer(kind, tmp_path)
    first, second = (f"gen-2026020{i}-000000-1-cccccc" for i in (1, 3))
    gens.make_current(gens.write(renamed(local, first)))
    write_side(gens.engine, gens.side("gen-20260202-000000-1-cccccc"), renamed(local, "x"))  # killed after this
    gens.make_current(gens.write(renamed(local, second)))
    assert sorted(gens.engine.collections()) == sorted([f"t-{first}", f"t-{second}", f"t-side-{first}", f"t-side-{second}"])


def _pointer(gens, kind):
    if kind == "faiss":
        from qa.index.store.pointer import read_pointer

        return read_pointer(gens.root)
    return gens.engine.get_pointer("t")


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_pointer_names_the_current_and_the_previous_generation(local, tmp_path, kind):
    gens = _writer(kind, tmp_path)
    (tmp_path / "index").mkdir()
    copies = [f"gen-2099010{i}-000000-1-bbbbbb" for i in (1, 2)]
    first = gens.write(renamed(local, copies[0]))
    gens.make_current(first)
    assert _pointer(gens, kind) == {"current": first}
    second = gens.write(renamed(local, copies[1]))
    gens.make_current(second)
    assert _pointer(gens, kind) == {"current": second, "previous": first}
    gens.make_current(second)  # again: the previous one stays
    assert _pointer(gens, kind) == {"current": second, "previous": first}
