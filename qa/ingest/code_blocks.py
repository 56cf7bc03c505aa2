"""Code and examples as text: literal blocks kept whole between ``` fences, and questions that ask for them.

Code keeps its lines: it is never cut into sentences, and it is not quoted as the answer over prose unless the
question asks for a command, an example or code.
"""

from __future__ import annotations

import re
from typing import Iterator

_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
# A shell session starts with a prompt: "$ " or "user@host:~# ". A bare "# " or "> " is a Markdown heading or quote
# as often as a root prompt, so it does not count.
_PROMPT = re.compile(r"^[ \t]*(?:\$|\w[\w.-]*@[\w.-]+:[^\n\s]*[$#])[ \t]+\S")


def fence(code: str) -> str:
    """A literal block between ``` fences (a longer fence when the code itself holds one)."""
    mark = "````" if "```" in code else "```"
    return f"{mark}\n{code.rstrip()}\n{mark}"


def code_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each fenced code block in text[start:end]."""
    for m in _FENCE.finditer(text, start, end):
        yield m.start(), m.end()


def is_code(text: str) -> bool:
    """True for a fenced block or for lines that are a shell session (a prompt on the first line)."""
    t = text.strip()
    return t.startswith(("```", "~~~")) or bool(_PROMPT.match(t))


# Only words that ask for the literal text: "run" or 运行 (which services run?) ask for prose as often as not.
_ASKS_CODE = re.compile(
    r"\b(?:commands?|examples?|syntax|code|scripts?|snippets?|command[- ]line)\b"
    r"|命令|示例|例子|范例|代码|脚本|语法",
    re.I,
)


def asks_for_code(question: str) -> bool:
    """True when the question asks for a command, an example or code."""
    return bool(_ASKS_CODE.search(question))
