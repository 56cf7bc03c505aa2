"""The storage seam's contract, one suite for every backend: FAISS (the local generation), the embedded
Qdrant engine (qdrant-edge-py) and qdrant-client (its local mode stands in for a server here)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from qa import Assistant, Settings
from qa.errors import BackendUnavailable, IndexNotFound
from qa import index as store
from qa.hits import search
from qa.store import BackedGeneration, FaissPassages, LocalGenerations, RowFilter
from conftest import FakeEmbedder

DOCS = {
    "rivers.txt": "Rivers\n\n" + "\n\n".join(
        f"The {r} river floods every {n} years and carries silt to the delta near the old mill."
        for r, n in [("grey", 3), ("amber", 5), ("swift", 7), ("quiet", 11), ("long", 13)]),
    "forests.md": "# Forests\n\n" + "\n\n".join(
        f"The {t} forest holds {n} kinds of moss; rangers count the moss each spring along the river."
        for t, n in [("pine", 40), ("oak", 12), ("birch", 9), ("cedar", 21)]),
    "notes-zh.txt": "笔记\n\n" + "\n\n".join(
        f"第{n}条河流每年春天泛滥，{w}的村民在河边种植水稻。" for n, w in [("一", "南方"), ("二", "北方"), ("三", "东方")]),
}
BACKENDS = ["faiss", "qdrant-edge", "qdrant-client"]
QUERIES = ["Which river floods every 7 years?", "moss kinds counted by rangers", "河流 水稻", "silt delta mill"]
FILTERS = [None, RowFilter(("rivers.txt",)), RowFilter(("forests.md", "notes-zh.txt")), RowFilter(cjk=True),
           RowFilter(cjk=False), RowFilter(("rivers.txt", "notes-zh.txt"), cjk=False), RowFilter(("missing.txt",))]


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """A small generation (English and Chinese documents) built with the fake embedder."""
    root = tmp_path_factory.mktemp("store")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text)
    fake = FakeEmbedder()
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", chunk_tokens=16, max_chunk_tokens=32,
                        cjk_chunk_tokens=16)
    Assistant(settings, embedder=fake, build_embedder=lambda: fake, multilingual=FakeEmbedder()).build_index()
    gen = store.open_current(settings.index_path, model_hash=None)
    assert gen.manifest.n_chunks >= 10 and 0 < gen.cjk_rows.sum() < gen.manifest.n_chunks
    return gen


def _qdrant(kind: str, tmp_path):
    from qa.qdrant_store import QdrantGenerations

    if kind == "qdrant-edge":
        pytest.importorskip("qdrant_edge")
        from qa.qdrant_engines import EdgeEngine

        return QdrantGenerations(EdgeEngine(tmp_path / "edge"), "t")
    pytest.importorskip("qdrant_client")
    from qa.qdrant_engines import ClientEngine

    return QdrantGenerations(ClientEngine(":memory:"), "t")


@pytest.fixture(params=BACKENDS)
def passages(request, local, tmp_path):
    if request.param == "faiss":
        return FaissPassages(local)
    gens = _qdrant(request.param, tmp_path)
    gens.make_current(gens.write(local))
    return gens.open(local.path.name).bind(local)


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
    vectors = np.asarray(local.vectors if vector_set == "dense" else local.multi_vectors)
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
    everything = local.bm25.retriever.get_scores([t for t in __import__("qa.bm25").bm25.terms(query)
                                                   if t in local.bm25.retriever.vocab_dict] or ["-"])
    if len(rows):
        np.testing.assert_allclose(everything[rows], scores, rtol=1e-5)
    assert mask[rows].all()


def test_vectors_and_chunk_rows_come_back_by_id_in_the_order_asked(passages, local):
    rows = [7, 0, 3, local.manifest.n_chunks - 1, 3]
    assert np.array_equal(passages.vectors("dense", rows), np.asarray(local.vectors[rows]))
    assert np.array_equal(passages.vectors("multi", rows), np.asarray(local.multi_vectors[rows]))
    assert passages.chunks(rows) == local.chunks(rows)
    assert passages.chunks([]) == [] and passages.vectors("dense", []).shape == (0, local.manifest.dim)


@pytest.mark.parametrize("k", [0, 1, 1000])
def test_k_bounds(passages, local, k):
    q = np.asarray(local.vectors[2])
    scores, rows = passages.dense("dense", q, k)
    assert len(rows) == min(k, local.manifest.n_chunks)
    if k:
        assert rows[0] == 2 and scores[0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize("sources", [None, ["forests.md"], ["rivers.txt", "notes-zh.txt"]])
def test_search_gives_the_same_hits_through_every_backend(passages, local, mode, sources):
    gen = BackedGeneration(local, passages)
    fake = FakeEmbedder()
    settings = Settings(corpus_dir=local.path.parent)
    for query in QUERIES:
        want = search(local, fake, query, 4, settings, mode, sources, multilingual=fake)
        got = search(gen, fake, query, 4, settings, mode, sources, multilingual=fake)
        assert [(h.chunk_id, h.citation) for h in got] == [(h.chunk_id, h.citation) for h in want]
        np.testing.assert_allclose([h.score for h in got], [h.score for h in want], rtol=1e-5, atol=1e-6)


class Renamed:
    """The generation under another name (its folder copied there): the same rows, a new generation."""

    def __init__(self, gen, path):
        self._gen, self.path = gen, path

    def __getattr__(self, name):
        return getattr(self._gen, name)


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
        copy = tmp_path / "elsewhere" / f"gen-2026010{i}-000000-1-aaaaaa"
        shutil.copytree(local.path, copy)
        names.append(gens.write(Renamed(local, copy)))
        assert names[-1] == copy.name and gens.current() == (names[-2] if i else None)  # written, not current
        gens.make_current(names[-1])
        assert gens.current() == names[-1]
    assert gens.generations() == names[-2:]
    assert gens.open(names[-1]).chunks([0, 1]) == local.chunks([0, 1])
    with pytest.raises((BackendUnavailable, IndexNotFound), match=f"{names[0]} .*(does not exist|is not in)"):
        gens.open(names[0])
    with pytest.raises((BackendUnavailable, IndexNotFound), match=f"{names[0]}"):
        gens.make_current(names[0])


def _pointer(gens, kind):
    if kind == "faiss":
        from qa.generations import read_pointer

        return read_pointer(gens.root)
    return gens.engine.get_pointer("t")


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_pointer_names_the_current_and_the_previous_generation(local, tmp_path, kind):
    gens = _writer(kind, tmp_path)
    (tmp_path / "index").mkdir()
    copies = [tmp_path / "elsewhere" / f"gen-2099010{i}-000000-1-bbbbbb" for i in (1, 2)]
    for c in copies:
        shutil.copytree(local.path, c)
    first = gens.write(Renamed(local, copies[0]))
    gens.make_current(first)
    assert _pointer(gens, kind) == {"current": first}
    second = gens.write(Renamed(local, copies[1]))
    gens.make_current(second)
    assert _pointer(gens, kind) == {"current": second, "previous": first}
    gens.make_current(second)  # again: the previous one stays
    assert _pointer(gens, kind) == {"current": second, "previous": first}
