"""qa.index.bm25: bm25s builds the score matrix; reading and scoring need neither bm25s nor scipy."""

from __future__ import annotations

import subprocess
import sys

import bm25s
import numpy as np
import pytest

from qa.index.bm25 import Bm25Index, _tokenize, idf, terms

TEXTS = [
    "The printer queue holds jobs until the printer is ready.",
    "Restart the printer service after changing the queue.",
    "A network printer needs its address in the settings.",
    "打印机 队列 在 设置 中",
    "Nothing about that here.",
]


def test_search_ranks_rows_by_score_and_drops_rows_without_the_terms():
    index = Bm25Index.build(TEXTS)
    scores, rows = index.search("printer queue", k=5)
    assert rows.tolist() == [0, 1, 2]
    assert scores.dtype == np.float32 and list(scores) == sorted(scores, reverse=True)


def test_scores_equal_bm25s_own_scores_with_and_without_a_mask():
    index = Bm25Index.build(TEXTS * 7)
    reference = bm25s.BM25()
    reference.index(_tokenize(TEXTS * 7), show_progress=False)
    ids = [index.vocab[t] for t in ("printer", "queue", "printer")]
    mask = (np.arange(35) % 3 == 0).astype(np.float32)
    for m in (None, mask):
        assert np.array_equal(index.scores(ids, m), reference.get_scores(ids, weight_mask=m))


def test_a_mask_keeps_only_the_rows_it_allows():
    index = Bm25Index.build(TEXTS)
    mask = np.array([0, 1, 1, 1, 1], np.float32)
    assert index.search("printer queue", k=5, mask=mask)[1].tolist() == [1, 2]


def test_unknown_terms_find_nothing():
    assert Bm25Index.build(TEXTS).search("zebra", k=3)[1].tolist() == []


def test_saved_index_loads_back_equal_and_bm25s_reads_it(tmp_path):
    index = Bm25Index.build(TEXTS)
    index.save(tmp_path)
    back = Bm25Index.load(tmp_path, len(TEXTS))
    assert back.vocab == index.vocab and back.n == index.n
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(back, name), getattr(index, name))
    assert bm25s.BM25.load(str(tmp_path)).vocab_dict == index.vocab


def test_an_index_bm25s_wrote_loads(tmp_path):
    reference = bm25s.BM25()
    reference.index(_tokenize(TEXTS), show_progress=False)
    reference.save(str(tmp_path), show_progress=False)
    assert Bm25Index.load(tmp_path, len(TEXTS)).search("network", k=2)[1].tolist() == [2]


def test_loading_files_of_another_row_count_is_an_error(tmp_path):
    Bm25Index.build(TEXTS).save(tmp_path)
    with pytest.raises(ValueError, match="6 rows|5 rows"):
        Bm25Index.load(tmp_path, 6)


def test_idf_gives_unknown_words_the_highest_weight():
    index = Bm25Index.build(TEXTS)
    words = terms("printer service zebra")  # stems: printer, servic, zebra
    got = index.idf(words)
    assert got.tolist() == idf(words, index.vocab, index.document_frequencies(), 5).tolist()
    assert got[0] < got[1] < got[2]


def test_loading_and_searching_import_neither_bm25s_nor_scipy(tmp_path):
    Bm25Index.build(TEXTS).save(tmp_path)
    code = (
        "import sys; from pathlib import Path; from qa.index.bm25 import Bm25Index; "
        f"Bm25Index.load(Path({str(tmp_path)!r}), 5).search('printer', 3); "
        "print(sorted(m for m in ('bm25s', 'scipy') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
