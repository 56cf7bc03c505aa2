"""Questions: what a question asks for — the kind of answer, its focus words and the facts it pins down.

"Which company made the drones?" asks for an organisation (focus: company); "How many satellites were
in orbit in 2015?" asks for a number of satellites (focus: satellites) and pins the year 2015. A
passage answers only when it holds that kind of answer next to those words, which is what tells an
answered question from one whose topic is present but whose fact is not. The rules read the shape
of English questions (wh-words and the noun after them), never particular questions or topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text import STOP_WORDS, cjk_count, is_content, tokens
from qa.text import words as text_words

KINDS = ("quantity", "time", "person", "place", "entity", "description")

# The auxiliaries and prepositions that end the noun phrase after "how many" / "which".
_PHRASE_END = set(
    """is are was were be been do does did has have had can could will would should shall may might must
of in on at by for to from with about into over under during after before since than that which who whom whose
per via as among between within without through against across""".split()
)
# Nouns that ask for a measurement when they follow "what"/"which" ("what share of cases ...").
_QUANTITY_NOUNS = set(
    """share percentage percent proportion fraction rate ratio number amount accuracy size cost price
budget fine fines fee fees salary salaries length value weight volume speed count total sum growth level score
height depth width distance duration frequency population capacity revenue income limit maximum minimum""".split()
)
_TIME_NOUNS = set("year years date dates day days month months time decade century era period".split())
_PLACE_NOUNS = set(
    """city cities country countries province provinces place places region regions town towns state
states county counties location locations capital continent district village""".split()
)
_PERSON_NOUNS = set("person people man woman author authors chair chairman president director founder inventor".split())
_DETERMINERS = set("the a an its their this these those his her".split())
_SORT_NOUNS = set("kind kinds type types sort sorts form forms way ways manner means aspect aspects".split())
_HOW_QUANTITY = set("many much large big long far old often quickly fast high tall small heavy wide deep soon".split())
_PREPOSITIONS = set("in by at on for from to of between during after before since under with".split())
_IRREGULAR_PLURALS = set("people children men women staff police".split())
NUMBER_WORDS = set(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
hundred hundreds thousand thousands million millions billion billions trillion dozen dozens half twice once""".split()
)
# Verbs that can follow "what" directly ("what happens to ..."): the question asks for a description.
_WHAT_VERBS = set("happens happened happen causes caused makes made means meant explains".split())


@dataclass(frozen=True)
class QuestionShape:
    """What a question asks for: the kind of answer, the words naming it, and the facts it fixes."""

    kind: str  # one of KINDS
    focus: tuple[str, ...]  # lower-cased words naming what is asked for ("company"), may be empty
    anchors: tuple[str, ...]  # numbers and years the answer must be about ("2015")
    terms: tuple[str, ...]  # lower-cased content words, in question order
    names: tuple[str, ...] = ()  # lower-cased proper names and acronyms the question mentions ("windows")

    @property
    def head(self) -> str | None:
        """The focus's head noun ("institutions" of "data trading institutions")."""
        return self.focus[-1] if self.focus else None

    @property
    def factoid(self) -> bool:
        """True when the answer is a particular fact (a number, date, name, place or thing)."""
        return self.kind != "description"


def question_words(question: str) -> list[str]:
    """The question's words and numbers, lower-cased, in order."""
    return [w for w in text_words(question) if not cjk_count(w)]


def _plural(word: str) -> bool:
    return word in _IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3)


def _noun_phrase(words: list[str], i: int) -> tuple[str, ...]:
    """The content words of the noun phrase at words[i]: up to an auxiliary, a preposition, a verb in
    -ed, or through its first plural noun ("data trading institutions did ..." gives all three)."""
    out: list[str] = []
    for w in words[i : i + 6]:
        if w in _PHRASE_END or w in _WHAT_VERBS or (out and w.endswith("ed") and len(w) > 4):
            break
        if w in _DETERMINERS and out:
            if len(out) > 1:
                out.pop()  # "which ministry ran the survey": the word before "the" is the verb
            break
        if w in STOP_WORDS or w in NUMBER_WORDS or w[0].isdigit():
            continue
        out.append(w)
        if _plural(w) or len(out) == 3:
            break
    return tuple(out)


def _kind_of_noun(noun: str) -> str | None:
    for kind, nouns in (("quantity", _QUANTITY_NOUNS), ("time", _TIME_NOUNS), ("place", _PLACE_NOUNS), ("person", _PERSON_NOUNS)):
        if noun in nouns or (noun.endswith("s") and noun[:-1] in nouns):
            return kind
    return None


def _clause_starts(question: str) -> list[list[str]]:
    """The words of each clause (split at commas), with a leading preposition dropped ("in which ...")."""
    clauses = []
    for part in re.split(r"[,;:]\s", question):
        words = question_words(part)
        while words and words[0] in _PREPOSITIONS | {"and", "but", "so", "then"}:
            words = words[1:]
        if words:
            clauses.append(words)
    return clauses


# Question words whose kind needs nothing after them.
_WH_KINDS = {"when": "time", "who": "person", "whom": "person", "whose": "person", "where": "place", "why": "description"}


def _ask(words: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """(kind, focus) when the clause opens with a question word, else None."""
    w, nxt = words[0], words[1] if len(words) > 1 else ""
    if w == "how":
        if nxt in _HOW_QUANTITY:
            return "quantity", _noun_phrase(words, 2) if nxt in ("many", "much") else ()
        return "description", ()
    if w in _WH_KINDS:
        return _WH_KINDS[w], ()
    if w not in ("which", "what"):
        return None
    return _ask_which_what(w, words[1:])


def _ask_which_what(w: str, rest: list[str]) -> tuple[str, tuple[str, ...]]:
    """(kind, focus) of a "which ..." or "what ..." clause, from the noun phrase after it."""
    if rest[:1] and rest[0] in ("is", "are", "was", "were") and rest[1:2] and rest[1] in ("the", "a", "an"):
        rest = rest[2:]  # "what is the maximum length of X": asks like "what maximum length of X"
    phrase = _noun_phrase(rest, 0)
    if not phrase:
        return "description", ()
    after_of = _noun_phrase(rest, rest.index("of") + 1) if "of" in rest[:4] else ()
    noun_kind = next((k for k in map(_kind_of_noun, phrase) if k), None)
    if noun_kind == "quantity":  # "what share of X": the number stands by "share", not by X
        return "quantity", next((p,) for p in phrase if _kind_of_noun(p) == "quantity")
    if noun_kind:
        return noun_kind, phrase[:1] if noun_kind == "person" else ()
    if phrase[0] in _SORT_NOUNS:
        return "description", after_of  # "what kind of X": X, described
    if w == "which":
        return "entity", phrase
    return "description", phrase if len(phrase) <= 2 else ()


def shape(question: str) -> QuestionShape:
    """The question's kind of answer, focus words, anchors and content terms."""
    words = question_words(question)
    terms = tuple(w for w in words if is_content(w))
    anchors = tuple(dict.fromkeys(w for w in words if any(c.isdigit() for c in w)))
    kind, focus = "description", tuple[str, ...]()
    for clause in _clause_starts(question):
        asked = _ask(clause)
        if asked:
            kind, focus = asked
            break
    # Capitalised words after the first are names; the first word of a question is capitalised anyway.
    names = tuple(
        dict.fromkeys(
            w.lower() for w in tokens(question)[1:] if w[0].isupper() and len(w) > 1 and not any(c.isdigit() for c in w)
        )
    )
    return QuestionShape(
        kind,
        tuple(f for f in focus if not f[0].isdigit()),
        anchors,
        terms,
        tuple(n.removesuffix("'s").removesuffix("’s") for n in names),
    )
