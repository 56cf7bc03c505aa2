"""The one plain sentence a reply carries about its level, in the question's language."""

from __future__ import annotations

from qa.answer.levels import Choice, same_language
from qa.answer.verdicts import Verdict
from qa.retrieve.query import Query

_MAY_ANSWER = {
    "en": "These passages may answer this, but no sentence in them clearly does.",
    "zh": "这些段落可能包含答案，但没有哪一句明确回答了这个问题。",
}
_WEAK = {
    "en": "The passages found match the question only weakly; they may not answer it.",
    "zh": "找到的段落与问题只是弱相关，可能没有回答这个问题。",
}
_NO_WORDS = {"en": "The question has no words to look for; ask it in words.", "zh": "问题里没有可以查找的词语；请用文字提问。"}
_OTHER_LANGUAGE = {"en": "The answer comes from a Chinese passage.", "zh": "答案出自英文段落。"}


def no_words(query: Query) -> str:
    """Why a question made only of punctuation or emoji gets no answer."""
    return _NO_WORDS[query.language]


def level_reason(query: Query, label: str, verdict: Verdict, choice: Choice) -> str:
    """The reason shown with a reply: a note on the answer's language, or why no sentence is claimed."""
    if label == "answered":
        first = choice.candidates[0].text
        return "" if same_language(query, first) else _OTHER_LANGUAGE[query.language]
    if verdict.label != "answered":
        return verdict.reason  # the route's own account of what the passages lack
    return _WEAK[query.language] if choice.weak else _MAY_ANSWER[query.language]
