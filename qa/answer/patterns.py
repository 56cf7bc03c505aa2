"""What the English and Chinese answerers share: how many passages they read, and the names of answer kinds."""

from __future__ import annotations

SENTENCE_HITS = 3  # the verdict's evidence: this many top hits
CANDIDATE_HITS = 5  # answer sentences are drawn from this many top hits (every sentence of them is read)

# How a reply names the kind of answer a question asks for (qa.retrieve.shape KINDS, qa.retrieve.chinese_shape),
# when the passages lack it.
KIND_NAMES = {
    "en": {
        "quantity": "a number",
        "time": "a date or time",
        "version": "a version",
        "person": "a name",
        "place": "a place",
        "entity": "a name",
    },
    "zh": {
        "quantity": "数量",
        "time": "具体时间",
        "version": "具体版本",
        "person": "是谁",
        "place": "在哪里",
        "entity": "具体是哪一个",
    },
}
