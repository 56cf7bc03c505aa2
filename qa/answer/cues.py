"""Cues: words a question asks with that its answer tends to hold in return, in English and Chinese.

"What is the default …?" is answered by a sentence saying "default"; "Why …?" by one giving a reason
("because", "since", "因为"); "Is there …?" / "Can I …?" often by one that says no ("not", "no", "cannot",
"不"). These are properties of the languages, not of any document.
"""

from __future__ import annotations

import re

_ASKED = {
    "default": re.compile(r"\bdefaults?\b|默认|缺省", re.I),
    "reason": re.compile(r"^\s*why\b|\bwhy (?:do|does|is|are|did|would|should|can)\b|为什么|为何|原因", re.I),
    "yes_no": re.compile(
        r"^\s*(?:is|are|can|could|does|do|did|should|must|will|may|has|have)\b|吗[？?]?\s*$|是否|能否|可否", re.I
    ),
}
_HELD = {
    "default": re.compile(r"\bdefaults?\b|\bby default\b|默认|缺省", re.I),
    "reason": re.compile(
        r"\bbecause\b|\bsince\b|\bso that\b|\bdue to\b|\bin order to\b|\botherwise\b|因为|由于|所以|以便|为了", re.I
    ),
    "yes_no": re.compile(r"\bnot?\b|n't\b|\bnever\b|\bcannot\b|\bonly\b|\bmust\b|\bno longer\b|不|没有|无法|只能|必须", re.I),
}


def asked(question: str) -> str | None:
    """The cue a question asks with ("default", "reason", "yes_no"), or None."""
    return next((name for name, pattern in _ASKED.items() if pattern.search(question)), None)


def held(cue: str, sentence: str) -> bool:
    """True when the sentence holds the words that answer that cue."""
    return bool(_HELD[cue].search(sentence))
