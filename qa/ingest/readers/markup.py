"""What the markup readers share: the file parsed in the sandboxed child (qa/ingest/markup/child.py) into blocks,
laid out as text with sections (qa/ingest/structured.py)."""

from __future__ import annotations

import json

from qa.errors import DocumentError
from qa.ingest.limits import TextLimit, check_text
from qa.ingest.markup.blocks import Block
from qa.ingest.readers.base import Extract
from qa.ingest.sandbox import run_markup
from qa.ingest.structured import lay_out
from qa.settings import Settings

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container Word writes a password-protected document into


def read_markup(data: bytes, kind: str, what: str, settings: Settings, limit: TextLimit) -> Extract:
    """The layout of a file parsed as kind (html, epub, docx, odt, odp) in the child; DocumentError when refused.

    limit is enforced in the child as it reads, and again on the text laid out."""
    out = run_markup(kind, data, settings.parse_timeout_s, settings.parse_memory_bytes, what, limit.chars,
                     limit.refusal)
    try:
        got = json.loads(out)
        blocks = [Block.from_json(b) for b in got["blocks"]]
        title = str(got.get("title") or "")
        warnings = tuple(str(w) for w in got.get("warnings") or ())
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"the {what} parser gave unreadable output ({exc})") from None
    layout = lay_out(title, blocks)
    check_text(len(layout.text), limit)
    return Extract(layout.text, warnings, title=layout.title, sections=layout.sections)


def check_zip(data: bytes, what: str) -> None:
    """Refuse a zipped format's file that is encrypted or not a zip archive."""
    if data.startswith(_OLE):
        raise DocumentError(f"the {what} file is password-protected (it is encrypted); save a copy without the password "
                            "and add that")
    if not data.startswith(b"PK\x03\x04"):
        raise DocumentError(f"not {'an' if what[0] in 'AEFHILMNORSX' else 'a'} {what} file "
                            f"(it is not a zip archive, as {what} files are)")
