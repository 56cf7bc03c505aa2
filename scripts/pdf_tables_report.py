"""Tables of the shared PDFs: ruled ones (qa/ingest/pdf/ruled_tables.py, pdfium's lines and character boxes) measured
against pdfplumber's table finder, those set without rules (qa/ingest/pdf/aligned_tables.py, character boxes alone)
counted and timed, the Debian Edu manual's PDF tables against its HTML edition's, and the "table" questions of
../shared/eval over PDFs: is the answer inside one table row?

    pip install pdfplumber   # measurement only (0.11.11 wants Pillow>=13, gradio 6.31 wants <13: not a dependency)
    python -m scripts.pdf_tables_report   # writes results/pdf-tables.{md,json}
    python -m scripts.pdf_tables_report --eval BEFORE.json AFTER.json "how"   # adds a retrieval before/after pair
                                          # (qa eval --json --by-set outputs) to results/pdf-tables-eval.json

Without pdfplumber installed, its columns are carried over from the last results/pdf-tables.json (the ruled finder
they are compared with is unchanged since).
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

from qa.ingest.documents import load_document
from qa.ingest.markup.blocks import inline
from qa.ingest.markup.html import read_html
from qa.ingest.tables import cells, table_spans
from qa.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "qa" / "ingest" / "pdf"))
from aligned_tables import Columns  # noqa: E402
from aligned_tables import find_tables as find_aligned  # noqa: E402
from ruled_tables import find_tables  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "docs"
EVAL = DOCS.parent / "eval"
OUT = Path(__file__).resolve().parent.parent / "results"
PDFS = ["debian-edu-manual.zh-cn.pdf", "LinuxCNC_Getting_Started_zh_CN.pdf", "gnuplot.pdf", "flex.pdf", "octave.pdf"]
PLUMBER = PDFS[:4]  # octave's 1,158 pages take pdfplumber minutes; ours are timed on it all the same


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", s)


def ours(name: str) -> dict:
    """{page: [ruled table rows]}, {page: [aligned table rows]} and the seconds for the text alone, the ruled tables and
    the aligned ones (in process, as the child finds them: aligned ones where no ruled one is, one Columns a document)."""
    doc = pdfium.PdfDocument(DOCS / name)
    ruled: dict[int, list] = {}
    aligned: dict[int, list] = {}
    seconds = {"text": 0.0, "ruled": 0.0, "aligned": 0.0}
    columns = Columns()
    for i in range(len(doc)):
        page = doc[i]
        t0 = time.perf_counter()
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        t1 = time.perf_counter()
        tables = find_tables(page, textpage, text)
        t2 = time.perf_counter()
        more = find_aligned(textpage, text, columns, [(a, b) for a, b, _ in tables])
        t3 = time.perf_counter()
        seconds["text"] += t1 - t0
        seconds["ruled"] += t2 - t1
        seconds["aligned"] += t3 - t2
        if tables:
            ruled[i + 1] = [[[inline(c) for c in r] for r in rows] for _, _, rows in tables]
        if more:
            aligned[i + 1] = [[[inline(c) for c in r] for r in rows] for _, _, rows in more]
    return {"ruled": ruled, "aligned": aligned, "seconds": seconds}


def plumber(name: str) -> tuple[dict[int, list], float]:
    import pdfplumber

    found: dict[int, list] = {}
    t0 = time.perf_counter()
    with pdfplumber.open(DOCS / name) as pdf:
        for i, page in enumerate(pdf.pages):
            tables = [t for t in page.extract_tables() if len(t) >= 2 and max(len(r) for r in t) >= 2]
            if tables:
                found[i + 1] = [[[inline(c or "") for c in r] for r in t] for t in tables]
            page.close()
    return found, time.perf_counter() - t0


def _cells(tables: list) -> set[str]:
    return {_norm(c) for t in tables for r in t for c in r if _norm(c)}


def main() -> None:
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        print("pdfplumber is not installed: its figures are carried over from results/pdf-tables.json", flush=True)
        before = json.loads((OUT / "pdf-tables.json").read_text())["pdfs"]
    else:
        before = None
    report: dict = {"pdfs": {name: _pdf_row(name, before) for name in PDFS}, "edu_html": _edu_html(), "questions": _questions()}
    (OUT / "pdf-tables.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    _markdown(report)


def _pdf_row(name: str, before: dict | None) -> dict:
    """One PDF's tables found, ruled and aligned, their time, and pdfplumber's (measured, or carried over)."""
    got = ours(name)
    found, aligned, sec = got["ruled"], got["aligned"], got["seconds"]
    row = {
        "pages": len(pdfium.PdfDocument(DOCS / name)),
        "tables": sum(len(v) for v in found.values()),
        "pages_with_tables": sorted(found),
        "aligned_tables": sum(len(v) for v in aligned.values()),
        "pages_with_aligned_tables": sorted(aligned),
        "text_s": round(sec["text"], 2),
        "tables_s": round(sec["ruled"], 2),
        "aligned_s": round(sec["aligned"], 2),
    }
    if before is not None:
        row.update({k: v for k, v in before.get(name, {}).items() if k.startswith(("pdfplumber", "pages_both", "cells"))})
    elif name in PLUMBER:
        theirs, t_plumber = plumber(name)
        both = sorted(set(found) & set(theirs))
        agree = [len(_cells(found[p]) & _cells(theirs[p])) / max(1, len(_cells(theirs[p]))) for p in both]
        row.update(
            {
                "pdfplumber_tables": sum(len(v) for v in theirs.values()),
                "pdfplumber_pages": sorted(theirs),
                "pdfplumber_s": round(t_plumber, 2),
                "pages_both": both,
                "cells_agree_on_pages_both": round(sum(agree) / len(agree), 3) if agree else None,
            }
        )
    print(name, {k: v for k, v in row.items() if not k.startswith("pages_")}, flush=True)
    return row


def _edu_html() -> dict:
    """The same book as PDF and HTML: every HTML table row found as a row of a PDF table?"""
    _, blocks = read_html((DOCS / "debian-edu-manual.zh-cn.html").read_bytes())
    html_rows = {tuple(_norm(c) for c in r) for b in blocks if b.kind == "table" for r in b.rows}
    pdf = load_document(DOCS / "debian-edu-manual.zh-cn.pdf", DOCS, Settings())
    pdf_rows = set()
    for a, b in table_spans(pdf.text, 0, len(pdf.text)):
        for n, line in enumerate(pdf.text[a:b].split("\n")):
            if n != 1:
                pdf_rows.add(tuple(_norm(c) for c in cells(line)))
    return {
        "html_rows": len(html_rows),
        "pdf_rows": len(pdf_rows),
        "same": len(html_rows & pdf_rows),
        "html_only": sorted(map(list, html_rows - pdf_rows)),
        "pdf_only": sorted(map(list, pdf_rows - html_rows)),
    }


def _questions() -> list[dict]:
    """ "table" questions over PDFs: is an answer inside one pipe row of the document's text, and on which page?"""
    docs: dict = {}
    out = []
    for f in sorted(EVAL.glob("*.jsonl")):
        for q in map(json.loads, f.read_text().splitlines()):
            if q.get("type") != "table" or not str(q.get("doc", "")).endswith(".pdf"):
                continue
            if q["doc"] not in docs:
                docs[q["doc"]] = load_document(DOCS / q["doc"], DOCS, Settings(parse_timeout_s=600))
            doc = docs[q["doc"]]
            rows = [line for a, b in table_spans(doc.text, 0, len(doc.text)) for line in doc.text[a:b].split("\n")[2:]]
            in_row = next((r for r in rows for a in q["answers"] if _norm(a) in _norm(r)), None)
            page = doc.page_at(doc.text.index(in_row)) if in_row is not None else None
            out.append({"id": q["id"], "doc": q["doc"], "page": q.get("page"), "in_table_row": in_row, "row_page": page})
    return out


def _markdown(r: dict) -> None:
    lines = [
        "# Tables in the shared PDFs",
        "",
        "Command: `python -m scripts.pdf_tables_report` (with `pip install pdfplumber` for its columns, else carried "
        "over from the last run; 2-core shared machine; seconds are in-process sums over all pages, one run). Ruled "
        "tables: `qa/ingest/pdf/ruled_tables.py`; tables set without rules (aligned): `qa/ingest/pdf/aligned_tables.py`, "
        "found where no ruled table is.",
        "",
        "| PDF | pages | ruled tables (pages) | aligned tables | pages with aligned tables | pdfium text s | + ruled s "
        "| + aligned s | pdfplumber tables | pdfplumber s | pages both found | cells agreeing there |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, p in r["pdfs"].items():
        lines.append(
            f"| {name} | {p['pages']} | {p['tables']} (pp. {', '.join(map(str, p['pages_with_tables'])) or '–'}) | "
            f"{p.get('aligned_tables', '–')} | {len(p.get('pages_with_aligned_tables', []))} | "
            f"{p['text_s']} | {p['tables_s']} | {p.get('aligned_s', '–')} | {p.get('pdfplumber_tables', '–')} | "
            f"{p.get('pdfplumber_s', '–')} | {len(p['pages_both']) if 'pages_both' in p else '–'} | "
            f"{p.get('cells_agree_on_pages_both', '–')} |"
        )
    e = r["edu_html"]
    lines += [
        "",
        f"Debian Edu manual, PDF vs HTML edition: {e['same']} of the HTML tables' {e['html_rows']} distinct rows "
        f"(header included) are rows of the PDF's tables, cell for cell (whitespace ignored); the PDF's tables have "
        f"{e['pdf_rows']} distinct rows.",
        "",
        f"HTML rows not in the PDF: {e['html_only']}",
        "",
        f"PDF rows not in the HTML: {e['pdf_only']}",
        "",
        '"table" questions over PDFs (../shared/eval): the answer inside one pipe row of the document text (as '
        "indexing reads it), and the page of that row",
        "",
        "| question | document | page | row holding the answer | its page |",
        "|---|---|---|---|---|",
    ]
    for q in r["questions"]:
        row = (q["in_table_row"] or "").replace("|", "\\|")
        row = row if len(row) <= 160 else row[:157] + "…"
        lines.append(
            f"| {q['id']} | {q['doc']} | {q['page']} | {('`' + row + '`') if row else 'no'} | {q.get('row_page') or '–'} |"
        )
    n = sum(1 for q in r["questions"] if q["in_table_row"])
    lines += ["", f"{n} of {len(r['questions'])} answers sit in a found table row.", "", *NOTES]
    lines += _eval_section()
    (OUT / "pdf-tables.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


NOTES = [
    "Where both find a table, ruled cells agree with pdfplumber's fully except on gnuplot p. 32, whose editing keys "
    "are 13 lines inside one ruled row: pdfplumber keeps them as one cell of 13 lines, ours as 13 rows of a key and "
    "what it does (the row an answer quotes). pdfplumber 0.11.11 needs Pillow>=13, which gradio 6.31 refuses, and "
    "takes 40-150 times as long as pdfium's boxes: not a dependency. pdfplumber finds no table set without rules on "
    "these pages either (its lattice finder needs lines).",
    "",
    "Tables set without rules, looked at by eye on pages outside the question list: Texinfo's @table and "
    "@multitable lists (options, escape sequences, format specifiers, struct fields, graphics properties; flex, "
    "octave), gnuplot's stats, function and option lists; octave p. 17's three-column list of contributors' names "
    "is found as a table (it is set as one). Misses and rough edges: gnuplot p. 38's function table centres its "
    "first two columns, so rows whose first cells start at different x come out as several small tables; a term "
    "with a parameter set close to its description (octave p. 32 `--no-gui Disable …`) splits its first line "
    'between the two cells; property lines that hold wide spaces (octave p. 452 `"callback" | "off"`) do the '
    "same. No table was found in running prose, code blocks (fixed-pitch columns), bulleted lists, contents or index "
    "pages (rows ending in page numbers), or the Chinese manuals' text pages; their ruled tables stay ruled. Rejected "
    "on the way (each a rule in aligned_tables.py now): contents pages set without leaders, run-in bold headings "
    "(gnuplot's `Bezier The smooth bezier option …`), a paragraph's last line over an indented code block, a single "
    "justified line with a wide space after a full stop.",
    "",
    "Time: the aligned finder reads every page's character boxes (the ruled one only pages with rules), so it costs "
    "more than the ruled one; whole-document reads (`load_document`, child and parent, one run each on the shared "
    "machine, main then this branch): flex 0.44 s -> 0.91 s, gnuplot 1.17 s -> 2.44 s (about 10 ms a page), against "
    "46-217 s to embed the same two PDFs.",
]


def _eval_section() -> list[str]:
    """Retrieval before/after, from results/pdf-tables-eval.json (each run added by --eval BEFORE.json AFTER.json HOW)."""
    path = OUT / "pdf-tables-eval.json"
    if not path.exists():
        return []
    lines = ["", "## Retrieval before and after (hybrid mode)"]
    for run in json.loads(path.read_text())["runs"]:
        lines += [
            "",
            run["how"],
            "",
            "| set | n | R@5 before | R@5 after | MRR@10 before | MRR@10 after | first sentence before | first sentence after |",
            "|---|---|---|---|---|---|---|---|",
        ]
        after = {a["group"]: a for a in run["after"]}
        for b in run["before"]:
            a = after.get(b["group"], {})
            cells = [
                f"{b[k]:.3f} | {a[k]:.3f}" if k in a else f"{b[k]:.3f} | –"
                for k in ("recall_at_5", "mrr_at_10", "first_sentence")
            ]
            lines.append(f"| {b['group']} | {b['n']} | " + " | ".join(cells) + " |")
    return lines


def _save_eval(before: str, after: str, how: str) -> None:
    """Adds one before/after pair of `qa eval --json --by-set` outputs to results/pdf-tables-eval.json."""
    keep = ("group", "n", "recall_at_5", "mrr_at_10", "first_sentence", "recall_at_1", "coverage", "answer_precision")
    run = {"how": how}
    for key, file in (("before", before), ("after", after)):
        run[key] = [{f: g[f] for f in keep if f in g} for g in json.loads(Path(file).read_text())]
    path = OUT / "pdf-tables-eval.json"
    runs = json.loads(path.read_text())["runs"] if path.exists() else []
    path.write_text(json.dumps({"runs": [*runs, run]}, indent=1) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:  # the tables again from results/pdf-tables.json
        _markdown(json.loads((OUT / "pdf-tables.json").read_text()))
    elif sys.argv[1:2] == ["--eval"]:  # --eval BEFORE.json AFTER.json "how they were made": qa eval --json outputs
        _save_eval(sys.argv[2], sys.argv[3], sys.argv[4])
        _markdown(json.loads((OUT / "pdf-tables.json").read_text()))
    else:
        main()
