"""The question as retrieval and answering read it, decided once at the library's entry.

Its text (cleaned), language, shape (what kind of answer it asks for), the text BM25 reads (with dictionary
translations when it may cross languages), how many hits, which mode and which documents. Everything after
the entry reads these fields instead of deciding them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.index.store.protocol import ServingGeneration
from qa.retrieve.params import checked, sources_value
from qa.retrieve.shape import QuestionShape, shape
from qa.text import is_cjk

# BM25 reads a question with its words' dictionary translations (qa.retrieve.translate): "chinese" translates
# Chinese questions only, "both" English ones too, "none" neither. Chosen by results/cross-lingual-candidates.md:
# translating English questions found more Chinese passages for them (cross-lingual EN→ZH R@5 0.375 → 0.500)
# but cost English questions over English text more (gnuplot MRR@10 0.711 → 0.623 in the mixed corpus).
TRANSLATE = "chinese"


@dataclass(frozen=True)
class Query:
    """One question, decided once: every stage after the entry reads it."""

    text: str
    chinese: bool  # written in Chinese (qa.text.is_cjk): decides the dense routes and the answerer
    shape: QuestionShape  # what kind of answer it asks for (qa.retrieve.shape)
    lexical: str  # the text BM25 reads: the question, with dictionary translations when it may cross languages
    k: int = 5
    mode: str = "hybrid"
    sources: tuple[str, ...] | None = None  # the documents asked for (None: all)

    @property
    def language(self) -> str:
        """ "zh" or "en"."""
        return "zh" if self.chinese else "en"


def make_query(
    question: object,
    gen: ServingGeneration,
    k: object = 5,
    mode: object = "hybrid",
    sources: object = None,
    max_chars: int = 2000,
    max_k: int = 50,
    translate: str = TRANSLATE,
) -> Query:
    """The Query for a question over a generation; k, mode and sources checked (qa.retrieve.params)."""
    text, k, mode = checked(question, k, mode, max_chars, max_k)
    asked = sources_value(sources, gen.sources)
    chinese = is_cjk(text)
    return Query(
        text,
        chinese,
        shape(text),
        lexical_text(gen, text, chinese, translate),
        k,
        mode,
        tuple(sorted(set(asked))) if asked else None,
    )


def lexical_text(gen: ServingGeneration, text: str, chinese: bool, translate: str = TRANSLATE) -> str:
    """The query BM25 reads: with its words' translations when it may cross languages."""
    cjk = gen.cjk_rows
    chinese_rows = bool(cjk.any())
    if translate == "none" or (not chinese and (translate != "both" or not chinese_rows)):
        return text
    if chinese and chinese_rows and bool(cjk.all()):
        return text  # Chinese question, Chinese passages only: nothing to cross
    from qa.retrieve.translate import translated

    return translated(text, chinese_rows)
