"""Example questions made from the indexed documents' own section titles, so they change with the corpus."""

from __future__ import annotations

import html
import re

import qa
from qa.present import messages

from .render import esc

MAX_EXAMPLES = 4
# Headings that name a part of the book, not a subject to ask about.
_GENERIC = re.compile(
    r"^(contents|table of contents|index|references|bibliography|preface|foreword|acknowledg\w*|"
    r"appendix|copyright|license|licence|abstract|introduction|summary|glossary|notes?|"
    r"目录|索引|参考文献|前言|序言|致谢|附录|版权|许可|摘要|简介|概述)$",
    re.IGNORECASE,
)


def _subject(title: str) -> str | None:
    """A section title as the subject of a question: numbering dropped; None when it names no subject."""
    bare = re.sub(r"^[\s\dA-Z]{0,3}([.\d]+\s+|\d+\s*[.)、]\s*|第.{1,4}[章节部分]\s*)", "", title.strip()).strip(" .:：")
    bare = re.sub(r"^(the|a|an)\s+", "", bare, flags=re.IGNORECASE)
    cjk = bool(re.search(r"[\u4e00-\u9fff]", bare))
    size = len(bare) if cjk else len(bare.split())
    if not bare or _GENERIC.match(bare) or not (2 <= size <= (16 if cjk else 7)) or not re.search(r"\w", bare):
        return None
    return bare


def _chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def questions(titles_by_document: list[list[str]], limit: int = MAX_EXAMPLES, lang: str = "en") -> list[str]:
    """Up to limit questions in lang (qa.present.messages), taken in turn from each document's sections (spread through each).

    Subjects in the page's language come first: an English page asks about English sections while it has any, and
    a Chinese page about Chinese ones; the other language's subjects only fill the places left.
    """
    pools, others = [], []
    for titles in titles_by_document:
        subjects = list(dict.fromkeys(s for s in map(_subject, titles) if s))
        step = max(1, len(subjects) // limit)
        spread = subjects[step // 2 :: step]
        own = [x for x in spread if _chinese(x) == (lang == "zh")]
        pools.append(own)
        others.append([x for x in spread if x not in own])
    out = _take_turns(pools, limit)
    out += _take_turns(others, limit - len(out))
    return [messages.text(lang, "example_question", subject=subject) for subject in out]


def _take_turns(pools: list[list[str]], limit: int) -> list[str]:
    out: list[str] = []
    while any(pools) and len(out) < limit:
        for pool in pools:
            if pool and len(out) < limit:
                out.append(pool.pop(0))
    return out


def section_titles(assistant: "qa.Assistant", sources: list[str]) -> list[list[str]]:
    """Each indexed document's section titles, in order ([] where the index cannot say)."""
    try:
        return [assistant.section_titles(source) for source in sources]
    except (qa.errors.QAError, OSError):
        return []


def examples_html(assistant: "qa.Assistant", sources: list[str], lang: str = "en") -> str:
    """The example questions as buttons that ask them (assets/evidence.js sends them to the chat)."""
    asked = questions(section_titles(assistant, sources), lang=lang)
    return "".join(
        f'<button type="button" class="qa-example" value="{html.escape(q, quote=True)}">{esc(q)}</button>' for q in asked
    )
