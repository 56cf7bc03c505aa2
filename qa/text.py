"""Text: the one idea of a word — scripts, words, stems, stop words and BM25's terms, English and Chinese.

Every matcher reads words through this module: `words` (one tokeniser), `stem` (Snowball, the stemmer
BM25 indexes with), `STOP_WORDS` (bm25s' English list, which BM25 drops, plus the words that only phrase
a question, which matching also drops) and `content_terms`.

English terms are exactly bm25s' (lower-cased, English stop words dropped, Snowball-stemmed), so English
indexes and rankings are what they were before Chinese support. A run of Chinese characters, which bm25s
would keep as one unmatchable "word" the length of a clause, becomes matchable terms instead: jieba's
words. Measured against overlapping character bigrams (`python -m bench.chinese_choice bm25`, final
chunking): the hybrid ties (dev-zh MRR@10 0.640 vs 0.643, R@5 0.94 both; dev-translated-zh equal), BM25
alone is one dev-zh question better with bigrams (R@5 0.76 vs 0.71). jieba is kept because its words are
also the units of answer-sentence overlap and of the routed verdict's coverage feature; bigrams would
tokenise about 3x faster.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from qa.errors import MissingDependency

# CJK Unified Ideographs with extension A and the compatibility block: the characters Chinese is written in.
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")  # a run of Chinese characters
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Function words that match everywhere and so rank nothing (question words included: 什么, 怎样, ...).
CJK_STOP = frozenset(
    """的 了 是 在 和 与 及 或 也 就 都 而 把 被 这 那 个 之 其 有 吗 呢 吧 啊 么 将 对 为 以 于 中 上 下 等 能 会
可以 可 要 该 如果 时 我 你 他 它 我们 您 什么 怎么 怎样 如何 哪 哪些 哪个 哪一个 为什么 多少 几 是否 还是
一个 这个 那个 这些 那些 就是 只 又 还 但 并 让 用 由 从 到 给 说 里 后 前 来 去 没有 不 没 所 着 过 个 呀 哦
吗 呢 干 干什么 是什么 请""".split()
)

# A token: letters and digits joined by inner apostrophes, dots, commas, hyphens and percent signs
# ("judges'", "3.189", "5,000", "update-mime-database", "58.4%"), or a run of Chinese characters, whose
# words jieba finds (Chinese is written without spaces).
_WORD = re.compile(f"[A-Za-z0-9][A-Za-z0-9'’.,%-]*[A-Za-z0-9%]|[A-Za-z0-9]|[{CJK_CHARS}]+")


def _bm25s_stop_words() -> frozenset[str]:
    """bm25s' own English stop words (bm25s.stopwords.STOPWORDS_EN), which its tokenizer drops.

    Read from the file without importing bm25s: its package imports scipy, 0.25 s more for every `import qa`
    (`qa --help` and `qa status` included), which needs no index.
    """
    import importlib.util

    package = importlib.util.find_spec("bm25s")
    if package is None or not package.submodule_search_locations:
        raise MissingDependency(
            "bm25s is not installed, so there are no BM25 terms; install it with `pip install bm25s` "
            "(a dependency of this package)"
        )
    spec = importlib.util.spec_from_file_location("bm25s.stopwords", Path(package.submodule_search_locations[0]) / "stopwords.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOPWORDS_EN)


BM25_STOP_WORDS = _bm25s_stop_words()
# Words that say nothing of a fact: BM25's, plus function and question words.
STOP_WORDS = BM25_STOP_WORDS | frozenset(
    """of from were been being do does did what which who whom whose why how when
where whether those its about them his her he she we our you your i me my can could should would may might must has
have had yes so also any all each more most much many very via per between among over under up out than according article
paper document documents say says said mention mentions mentioned""".split()
)

DEFAULT_CJK_STYLE = "jieba"


def cjk_count(text: str) -> int:
    """Number of Chinese characters in text."""
    return len(_CJK.findall(text))


def is_cjk(text: str) -> bool:
    """True when text is mostly Chinese: at least as many Chinese characters as Latin words.

    A Chinese question naming an option or variable ("MAN_DISABLE_SECCOMP 这个环境变量是干什么的？") is
    Chinese; an English question quoting a Chinese term ("What is 智慧法院?") is English.
    """
    n = cjk_count(text)
    return n > 0 and n >= len(_LATIN_WORD.findall(text))


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer
    except ImportError:  # unstemmed queries against a stemmed index would quietly find less: refuse instead
        raise MissingDependency(
            "PyStemmer is not installed, so English words cannot be stemmed as the index "
            "was; install it with `pip install PyStemmer` (a dependency of this package)"
        ) from None
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a lower-cased English word, as BM25 indexes it."""
    return _stemmer().stemWord(word)


def tokens(text: str) -> list[str]:
    """The words and numbers of a text as written (case kept), in order."""
    return _WORD.findall(text)


def word(token: str) -> str:
    """A token as a word: lower-cased, without a possessive, a percent sign or trailing punctuation."""
    return token.lower().strip(".,%").removesuffix("'s").removesuffix("’s").rstrip("'’")


def words(text: str) -> list[str]:
    """The lower-cased words and numbers of a text, in order; Chinese runs as jieba's words."""
    out: list[str] = []
    for token in _WORD.findall(text):
        if _CJK.match(token):
            out.extend(jieba_cutter().lcut(token))  # the words themselves; BM25's cjk_terms add their parts too
        elif w := word(token):
            out.append(w)
    return out


def word_set(text: str) -> frozenset[str]:
    """The distinct words of a text."""
    return frozenset(words(text))


def is_content(w: str) -> bool:
    """True for a word that can carry a fact: not a stop word, and a number or longer than one letter."""
    return w not in STOP_WORDS and (len(w) > 1 or w.isdigit())


def content_terms(text: str) -> set[str]:
    """The stems of a text's English content words and numbers; for Chinese text, also jieba's words."""
    found = {stem(w) for w in words(text) if is_content(w) and not _CJK.match(w)}
    return found | set(cjk_terms(text)) if cjk_count(text) else found


@lru_cache(maxsize=1)
def jieba_cutter():  # the loaded jieba module, initialised once (its dictionary takes ~2.7 s)
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs dictionary loading at INFO; the library never prints
    jieba.initialize()
    return jieba


def cjk_terms(text: str, style: str = DEFAULT_CJK_STYLE) -> list[str]:
    """Matchable terms of the Chinese runs in text: jieba words (search mode) or character bigrams."""
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        if style in ("bigrams", "both"):
            out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
        if style == "precise":
            out.extend(w for w in jieba_cutter().cut(run) if w not in CJK_STOP)
        elif style in ("jieba", "both"):
            out.extend(w for w in jieba_cutter().cut_for_search(run) if w not in CJK_STOP)
    return [t for t in out if t not in CJK_STOP]


# bm25s' token pattern (scikit-learn's): words of two or more word characters
_BM25_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _english(texts: Sequence[str]) -> list[list[str]]:
    """The terms bm25s.tokenize(texts, stopwords="en", stemmer=..., return_ids=False) gives, without importing
    bm25s (its package imports scipy: 0.2 s of a cold question): lower-cased words, stop words dropped, stemmed."""
    docs = [[t for t in _BM25_TOKEN.findall(x.lower()) if t not in BM25_STOP_WORDS] for x in texts]
    unique = list(dict.fromkeys(t for d in docs for t in d))
    stems = dict(zip(unique, _stemmer().stemWords(unique), strict=True))
    return [[stems[t] for t in d] for d in docs]


def terms_of(texts: Sequence[str], cjk: str = DEFAULT_CJK_STYLE) -> list[list[str]]:
    """The BM25 terms of each text: bm25s' English terms of its other words, then its Chinese terms."""
    texts = list(texts)
    if not texts:
        return []
    has = [bool(_CJK.search(t)) for t in texts]
    english = _english([CJK_RUN.sub(" ", t) if h else t for t, h in zip(texts, has, strict=False)])
    out = []
    for t, h, en in zip(texts, has, english, strict=False):
        if not h:
            out.append(en)
            continue
        en = [w for w in en if w]  # bm25s marks an empty text with "", which a Chinese one is not
        out.append(en + cjk_terms(t, cjk))
    return out


def terms(text: str, cjk: str = DEFAULT_CJK_STYLE) -> list[str]:
    """The stemmed, stopword-free terms BM25 sees in one text."""
    return terms_of([text], cjk)[0]
