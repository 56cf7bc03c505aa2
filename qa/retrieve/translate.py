"""Questions across languages for BM25: the question's words with their dictionary translations added.

BM25 matches a Chinese question to an English passage only by the Latin-script terms it names (commands,
file names, options: "call", "LinuxCNC"), and an English question to a Chinese passage the same way. With
CC-CEDICT (qa.retrieve.dictionary), each content word also brings its translations: "十六进制" adds
"hexadecimal", "default" adds "默认". Measured against the other candidates in
results/cross-lingual-candidates.md.
"""

from __future__ import annotations

from qa.text import CJK_STOP, cjk_count, is_cjk, is_content, words

# Translations added per word. English senses come in CC-CEDICT's order (the common ones first); a word's
# Chinese words have no such order, so all of them are added: those the index lacks weigh nothing in BM25.
ENGLISH_SENSES = 3
CHINESE_WORDS = 8


def translated(query: str, chinese_passages: bool = True) -> str:
    """The query with its words' translations appended: English for a Chinese query; Chinese for an
    English one when chinese_passages (the index holds Chinese passages). Unchanged without a dictionary."""
    from qa.retrieve import dictionary

    if not dictionary.available():
        return query
    extra: list[str] = []
    if is_cjk(query):
        for w in dict.fromkeys(w for w in words(query) if cjk_count(w) and w not in CJK_STOP and len(w) > 1):
            extra += list(dictionary.english(w)[:ENGLISH_SENSES])
    elif chinese_passages:
        for w in dict.fromkeys(w for w in words(query) if is_content(w) and not w[0].isdigit()):
            extra += list(dictionary.chinese(w)[:CHINESE_WORDS])
    return f"{query} {' '.join(dict.fromkeys(extra))}" if extra else query
