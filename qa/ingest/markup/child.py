"""The parsing child's entry: read a file's bytes from stdin, write its title and blocks as JSON to stdout.

Run by qa.ingest.sandbox under the memory limit, with only this package importable (not qa), so a hostile file
meets nothing but the readers. A Refused file exits with FAILED and its reason on stderr's last line.
"""

from __future__ import annotations

import json
import sys
from typing import Callable

FAILED = 3
PREFIX = "qa.ingest.markup: "


def main(kind: str, max_text_chars: int = 2**62, refusal: str = "") -> None:
    """Parse stdin as kind ("html", "epub", "docx") and print {"title", "blocks", "warnings"}; text past max_text_chars
    is refused with the sentence refusal."""
    from .blocks import Refused, Sink

    # Deeply nested markup is read by recursion over its tree; the parser itself follows up to its own limit.
    sys.setrecursionlimit(50_000)

    try:
        read: Callable[..., tuple[str, list]]
        if kind == "html":
            from .html import read_html as read
        elif kind == "epub":
            from .epub import read_epub as read  # type: ignore[no-redef]
        elif kind == "docx":
            from .docx import read_docx as read  # type: ignore[no-redef]
        elif kind in ("odt", "odp"):
            from . import odf

            read = odf.read_odt if kind == "odt" else odf.read_odp  # type: ignore[assignment]
        else:
            raise Refused(f"no reader for {kind!r}")
        sink = Sink(max_text_chars, refusal)
        title, blocks = read(sys.stdin.buffer.read(), sink=sink)
        out = json.dumps({"title": title, "blocks": [b.to_json() for b in blocks], "warnings": sink.warnings}, ensure_ascii=False)
    except Refused as exc:
        print(f"{PREFIX}{exc}", file=sys.stderr)
        sys.exit(FAILED)
    except RecursionError:
        print(f"{PREFIX}the markup is nested too deeply to parse", file=sys.stderr)
        sys.exit(FAILED)
    sys.stdout.buffer.write(out.encode("utf-8"))
