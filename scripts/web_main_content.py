"""What leaving out menus, sidebars, banners and footers (qa/ingest/markup/boilerplate.py) removes from the shared HTML
manuals, and whether every answer of their question sets is still in the text.

    python -m scripts.web_main_content   # writes results/web-main-content.{md,json}
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from qa.ingest.markup.blocks import Block
from qa.ingest.markup.html import _walk, parse_html, read_html

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "docs"
EVAL = DOCS.parent / "eval"
FOLDERS = {"knot-dns": "knot-dns.jsonl", "debian-install-guide.zh-cn": "install-guide-zh.jsonl"}
OUT = Path(__file__).resolve().parent.parent / "results"


def _whole_page(data: bytes) -> list[Block]:
    """The page read as before boilerplate.py: the whole body, only nav and DocBook navigation left out."""
    root = parse_html(data)
    body = root.find("body")
    out: list[Block] = []
    _walk(body if body is not None else root, out)
    return out


def _text(blocks: list[Block]) -> str:
    return "\n".join(b.text or "\n".join(" | ".join(r) for r in b.rows) for b in blocks)


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", s)


def main() -> None:
    report: dict = {}
    for folder, qset in FOLDERS.items():
        pages = sorted((DOCS / folder).glob("*.html"))
        before_chars = after_chars = 0
        dropped: Counter = Counter()
        texts: dict[str, str] = {}
        for p in pages:
            data = p.read_bytes()
            before, after = _whole_page(data), read_html(data)[1]
            before_chars += len(_text(before))
            after_chars += len(_text(after))
            kept = Counter(b.text or str(b.rows) for b in after)
            for b in before:
                key = b.text or str(b.rows)
                if kept[key]:
                    kept[key] -= 1
                else:
                    dropped[key[:100]] += 1
            texts[f"{folder}/{p.name}"] = _norm(_text(after))
        answers = [(q["id"], a, q["doc"]) for q in map(json.loads, (EVAL / qset).read_text().splitlines()) for a in q["answers"]]
        missing = [(i, a) for i, a, doc in answers if _norm(a) not in texts.get(doc, "")]
        report[folder] = {
            "pages": len(pages),
            "chars_before": before_chars,
            "chars_after": after_chars,
            "blocks_dropped": sum(dropped.values()),
            "most_dropped": dropped.most_common(8),
            "answer_strings": len(answers),
            "answers_missing": missing,
        }
    (OUT / "web-main-content.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    lines = [
        "# Web pages without their menus: what the shared HTML manuals lose",
        "",
        "Command: `python -m scripts.web_main_content` (before = the body read whole, nav and DocBook navigation "
        "left out as before; after = qa/ingest/markup/boilerplate.py's main content).",
        "",
        "| folder | pages | characters before | after | blocks dropped | answer strings of its set in the text |",
        "|---|---|---|---|---|---|",
    ]
    for folder, r in report.items():
        lines.append(
            f"| {folder} | {r['pages']} | {r['chars_before']:,} | {r['chars_after']:,} | {r['blocks_dropped']} | "
            f"{r['answer_strings'] - len(r['answers_missing'])} / {r['answer_strings']} |"
        )
    lines += ["", "Most dropped blocks (text, times):", ""]
    for folder, r in report.items():
        lines.append(f"- {folder}: " + "; ".join(f'"{t}" ×{n}' for t, n in r["most_dropped"]))
    (OUT / "web-main-content.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
