"""Back matter: reference lists, citation lines, licences, indexes and author affiliations.

They are kept (a reference entry still resolves "[17]"), but they say who and where, not what; search
ranks them below body text that matches as well (qa/retrieve/search.py).
"""

from __future__ import annotations

import re

from qa.ingest.pdf.outline import PATH_SEPARATOR

# Section titles of back matter, in the words books and papers use (an outline's or a heading's).
_TITLES = re.compile(
    r"^(?:(?:appendix\s+)?[\dA-Z]{0,3}[.:]?\s*)?(?:references|bibliography|works cited|literature cited|reference list"
    r"|(?:concept |function |operator |general |subject )?index|indices|glossary of terms"
    r"|(?:the )?(?:gnu )?(?:free documentation |general public |lesser general public )?licen[cs]e\b.*"
    r"|copying(?: conditions)?|copyright(?: notice)?|author(?:s|'s)? (?:information|affiliations?)|affiliations?"
    r"|about the authors?|colophon|参考文献|索引|许可证?|版权(?:声明)?|致谢)\s*$",
    re.I,
)
# Lines that cite or place the work rather than say anything: "Citation Format: …", affiliations.
_LINES = re.compile(
    r"^(?:citation format|cite (?:this|as)|how to cite|authors?|corresponding author|received|accepted|published"
    r"|doi|e-?mail)\s*:"
    r"|^[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡]+\s*\S.*(?:universit|institut|academy|college|school|department|laborator|centre|center)",
    re.I,
)


def is_back_matter_section(label: str | None) -> bool:
    """True when a section label (or any part of its chapter path) names back matter."""
    if not label:
        return False
    parts = label.split(" [")[0].split(PATH_SEPARATOR)
    return any(_TITLES.match(p.strip()) for p in parts)


def is_back_matter_text(text: str) -> bool:
    """True when most lines of a passage cite the work or place its authors."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return bool(lines) and sum(bool(_LINES.match(ln)) for ln in lines) >= 0.5 * len(lines)


def is_back_matter(section: str | None, text: str) -> bool:
    """True for a passage of back matter, by its section or its own lines."""
    return is_back_matter_section(section) or is_back_matter_text(text)
