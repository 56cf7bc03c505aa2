"""The passage re-ranking evidence measured by scripts/fit_chinese_ranking.py: answer units and features."""

from __future__ import annotations

import numpy as np

from qa.ingest.chunking import Citation
from qa.retrieve.hits import Hit
from scripts.chinese_passage_features import answer_units, best_unit, rerank_features, scaled, search_features


def hit(rank: int, text: str, dense: float, lexical: float) -> Hit:
    return Hit(
        rank,
        1.0 / rank,
        text,
        Citation("man-zh.txt", "man", "主要操作方式", None, 0, len(text)),
        f"c{rank}",
        dense,
        lexical,
        model="multilingual",
    )


def test_an_option_entry_s_label_sentence_is_also_a_unit_with_the_sentence_that_explains_it():
    text = "-l, --local-file 启用“本地”方式。格式化并显示本地手册文件，而非搜索系统手册集。\n-w, --where 不实际显示手册页。"
    assert answer_units(text) == [
        "-l, --local-file 启用“本地”方式。",
        "-l, --local-file 启用“本地”方式。格式化并显示本地手册文件，而非搜索系统手册集。",
        "格式化并显示本地手册文件，而非搜索系统手册集。",
        "-w, --where 不实际显示手册页。",
    ]


def test_an_environment_variable_entry_is_joined_but_two_labels_are_not():
    assert answer_units("MANWIDTH 如果设置了 $MANWIDTH，用作行长度。否则使用终端宽度。") == [
        "MANWIDTH 如果设置了 $MANWIDTH，用作行长度。",
        "MANWIDTH 如果设置了 $MANWIDTH，用作行长度。否则使用终端宽度。",
        "否则使用终端宽度。",
    ]
    assert answer_units("-a, --all 显示全部。\n-k, --apropos 等同于 apropos。") == [
        "-a, --all 显示全部。",
        "-k, --apropos 等同于 apropos。",
    ]


def test_scaling_maps_the_range_to_0_1_and_a_constant_to_ones():
    assert scaled([0.2, 0.4, 0.3]).round(6).tolist() == [0.0, 1.0, 0.5]
    assert scaled([0.3, 0.3]).tolist() == [1.0, 1.0]


class Keyword:
    """A stand-in embedder: a text's vector says whether it holds the word 本地 (the question's direction)."""

    def embed(self, texts):
        return np.array([[1.0, 0.0] if "本地" in t else [0.0, 1.0] for t in texts])

    def clear_cache(self):
        pass


HITS = [
    hit(1, "概述 man 是系统的手册分页程序。", 0.5, 4.0),
    hit(2, "描述 其他内容。-l, --local-file 启用“本地”方式。", 0.3, 2.0),
    hit(3, "描述 其他内容。", 0.4, 0.0),
]


def test_the_search_s_evidence_is_scaled_as_its_fusion_scales_it():
    f = search_features(HITS)
    assert {k: v.round(6).tolist() for k, v in f.items()} == {"dense": [1.0, 0.0, 0.5], "bm25": [1.0, 0.5, 0.0]}


def test_a_passage_scores_by_its_best_unit_not_by_its_whole_text():
    assert best_unit(HITS, np.array([1.0, 0.0]), Keyword().embed).tolist() == [0.0, 1.0, 0.0]
    feats, ms = rerank_features("怎样打开本地文件？", HITS, Keyword())
    assert sorted(feats) == ["bm25", "dense", "units"] and feats["units"].tolist() == [0.0, 1.0, 0.0]
    assert list(ms) == ["units"] and isinstance(ms["units"], float) and ms["units"] > 0
