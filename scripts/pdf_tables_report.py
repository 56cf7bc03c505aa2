"""Ruled tables of the shared PDFs (qa/ingest/pdf/ruled_tables.py, pdfium's lines and character boxes) measured against
pdfplumber's table finder, the Debian Edu manual's PDF tables against its HTML edition's, and the "table" questions
of ../shared/eval over PDFs: is the answer inside one table row?

    pip install pdfplumber   # measurement only (0.11.11 wants Pillow>=13, gradio 6.31 wants <13: not a dependency)
    python -m scripts.pdf_tables_report   # writes results/pdf-tables.{md,json}
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
from ruled_tables import find_tables  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "docs"
EVAL = DOCS.parent / "eval"
OUT = Path(__file__).resolve().parent.parent / "results"
PDFS = ["debian-edu-manual.zh-cn.pdf", "LinuxCNC_Getting_Started_zh_CN.pdf", "gnuplot.pdf", "flex.pdf", "octave.pdf"]
PLUMBER = PDFS[:4]  # octave's 1,158 pages take pdfplumber minutes; ours are timed on it all the same


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", s)


def ours(name: str) -> tuple[dict[int, list[list[list[str]]]], float, float]:
    """{page: [table rows]}, seconds for the text alone, seconds for text and tables (in process)."""
    doc = pdfium.PdfDocument(DOCS / name)
    found: dict[int, list] = {}
    t_text = t_tables = 0.0
    for i in range(len(doc)):
        page = doc[i]
        t0 = time.perf_counter()
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        t1 = time.perf_counter()
        tables = find_tables(page, textpage, text)
        t2 = time.perf_counter()
        t_text += t1 - t0
        t_tables += t2 - t1
        if tables:
            found[i + 1] = [[[inline(c) for c in r] for r in rows] for _, _, rows in tables]
    return found, t_text, t_tables


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
    report: dict = {"pdfs": {}, "edu_html": {}, "questions": []}
    for name in PDFS:
        found, t_text, t_tables = ours(name)
        row = {
            "pages": len(pdfium.PdfDocument(DOCS / name)),
            "tables": sum(len(v) for v in found.values()),
            "pages_with_tables": sorted(found),
            "text_s": round(t_text, 2),
            "tables_s": round(t_tables, 2),
        }
        if name in PLUMBER:
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
        report["pdfs"][name] = row
        print(name, row, flush=True)
    # The same book as PDF and HTML: every HTML table row found as a row of a PDF table?
    _, blocks = read_html((DOCS / "debian-edu-manual.zh-cn.html").read_bytes())
    html_rows = {tuple(_norm(c) for c in r) for b in blocks if b.kind == "table" for r in b.rows}
    pdf = load_document(DOCS / "debian-edu-manual.zh-cn.pdf", DOCS, Settings())
    pdf_rows = set()
    for a, b in table_spans(pdf.text, 0, len(pdf.text)):
        for n, line in enumerate(pdf.text[a:b].split("\n")):
            if n != 1:
                pdf_rows.add(tuple(_norm(c) for c in cells(line)))
    report["edu_html"] = {
        "html_rows": len(html_rows),
        "pdf_rows": len(pdf_rows),
        "same": len(html_rows & pdf_rows),
        "html_only": sorted(map(list, html_rows - pdf_rows)),
        "pdf_only": sorted(map(list, pdf_rows - html_rows)),
    }
    # "table" questions over PDFs: is an answer inside one pipe row of the document's text (with its header above)?
    texts: dict[str, str] = {}
    for f in sorted(EVAL.glob("*.jsonl")):
        for q in map(json.loads, f.read_text().splitlines()):
            if q.get("type") != "table" or not str(q.get("doc", "")).endswith(".pdf"):
                continue
            if q["doc"] not in texts:
                texts[q["doc"]] = load_document(DOCS / q["doc"], DOCS, Settings(parse_timeout_s=600)).text
            text = texts[q["doc"]]
            rows = [line for a, b in table_spans(text, 0, len(text)) for line in text[a:b].split("\n")[2:]]
            in_row = next((r for r in rows for a in q["answers"] if _norm(a) in _norm(r)), None)
            report["questions"].append({"id": q["id"], "doc": q["doc"], "page": q.get("page"), "in_table_row": in_row})
    (OUT / "pdf-tables.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    _markdown(report)


def _markdown(r: dict) -> None:
    lines = [
        "# Ruled tables in the shared PDFs",
        "",
        "Command: `pip install pdfplumber && python -m scripts.pdf_tables_report` (2-core shared machine; seconds "
        "are in-process sums over all pages, one run).",
        "",
        "| PDF | pages | tables (ours) | pdfium text s | + tables s | pdfplumber tables | pdfplumber s | "
        "pages both found | cells agreeing there |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, p in r["pdfs"].items():
        lines.append(
            f"| {name} | {p['pages']} | {p['tables']} (pp. {', '.join(map(str, p['pages_with_tables'])) or '–'}) | "
            f"{p['text_s']} | {p['tables_s']} | {p.get('pdfplumber_tables', '–')} | {p.get('pdfplumber_s', '–')} | "
            f"{len(p.get('pages_both', [])) if 'pages_both' in p else '–'} | {p.get('cells_agree_on_pages_both', '–')} |"
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
        '"table" questions over PDFs (../shared/eval): the answer inside one pipe row of the document text',
        "",
        "| question | document | page | row holding the answer |",
        "|---|---|---|---|",
    ]
    for q in r["questions"]:
        row = (q["in_table_row"] or "").replace("|", "\\|")
        lines.append(f"| {q['id']} | {q['doc']} | {q['page']} | {('`' + row + '`') if row else 'no (not a ruled table)'} |")
    n = sum(1 for q in r["questions"] if q["in_table_row"])
    lines += [
        "",
        f"{n} of {len(r['questions'])} answers sit in a found table row. The others are in tables set "
        "without rules (Texinfo's two-column option and pattern lists in flex and octave, gnuplot's boxed "
        "three-column stats list): neither finder sees a table there.",
        "",
        "Where both find a table, cells agree fully except on gnuplot p. 32, whose editing keys are 13 lines "
        "inside one ruled row: pdfplumber keeps them as one cell of 13 lines, ours as 13 rows of a key and "
        "what it does (the row an answer quotes). pdfplumber 0.11.11 needs Pillow>=13, which gradio 6.31 "
        "refuses, and takes 40-150 times as long as pdfium's boxes: not a dependency.",
    ]
    (OUT / "pdf-tables.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:  # the tables again from results/pdf-tables.json
        _markdown(json.loads((OUT / "pdf-tables.json").read_text()))
    else:
        main()
