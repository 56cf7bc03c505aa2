"""The same book as PDF, HTML, EPUB and DOCX: index each beside the review and score the same questions over each.

    python -m scripts.eval_formats --work /tmp/formats [--formats pdf html epub docx]

Each format gets its own corpus (the review plus that one file) and index under --work. Writes
results/eval-formats.md and .json: the scores per format and mode, and per question the rank of the first hit
holding an answer and that hit's section, so the formats can be compared answer by answer.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from qa.assistant import Assistant
from qa.ops.evaluation import contains_answer, evaluate, format_table, load_questions
from qa.settings import Settings

BOOK = Path("/work/shared/docs/debian-edu-manual.zh-cn")
REVIEW = Path("corpus")
QUESTIONS = Path("/work/shared/eval/debian-edu-zh.jsonl")


def _title(section: str | None) -> str:
    """A section title without its number, so "2.1. 部分历史" and "部分历史" compare equal."""
    return re.sub(r"^\s*(?:\d+(?:\.\d+)*\.|\d+(?:\.\d+)+|[A-Z]\.)\s+", "", (section or "").split(" › ")[-1]).strip()


def run(fmt: str, work: Path) -> dict:
    corpus, index = work / f"corpus-{fmt}", work / f"index-{fmt}"
    corpus.mkdir(parents=True, exist_ok=True)
    for f in [*REVIEW.glob("*.txt"), BOOK.parent / f"{BOOK.name}.{fmt}"]:
        if not (corpus / f.name).exists():
            shutil.copy(f, corpus / f.name)
    assistant = Assistant(Settings.from_env(corpus_dir=corpus, index_dir=index))
    t = time.perf_counter()
    report = assistant.build_index()
    build_s = time.perf_counter() - t
    questions = load_questions(QUESTIONS)
    rows = evaluate(assistant, questions)
    per_question = []
    for q in questions:
        ans = assistant.ask(q.question, k=10)
        hit = next((h for h in ans.hits if q.answers and contains_answer(h.text, q.answers)), None)
        per_question.append(
            {
                "id": q.id,
                "rank": hit.rank if hit else None,
                "section": hit.citation.section if hit else None,
                "first_sentence": bool(q.answers and ans.sentences and contains_answer(ans.sentences[0].text, q.answers)),
                "verdict": ans.verdict,
            }
        )
    book = next(d for d in assistant.documents() if d.source.startswith(BOOK.name))
    return {
        "format": fmt,
        "build_s": round(build_s, 1),
        "passages": book.n_chunks,
        "skipped": [asdict(s) for s in report.skipped],
        "scores": [asdict(r) for r in rows],
        "table": format_table(rows),
        "questions": per_question,
    }


def report(results: list[dict]) -> str:
    lines = [
        "# The Debian Edu manual as PDF, HTML, EPUB and DOCX: the same questions over each",
        "",
        "Command: `python -m scripts.eval_formats --work /tmp/formats` (each format indexed alone beside the "
        "review; questions `debian-edu-zh.jsonl`, whose answers are substrings, so they hold for any format; Latin "
        "words inside Chinese match spaced or not, as PDF typesetting spaces them and HTML does not). The pdf "
        "row is the PDF reading of this branch, before the outline work of issue 19: its passages carry a "
        "contents line as their section. HTML, EPUB and DOCX take their sections from the headings.",
        "",
    ]
    lines += [
        "| format | R@1 | R@5 | MRR@10 | 1st sentence | answered | not answered (unanswerable) | passages | build s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = next(x for x in r["scores"] if x["mode"] == "hybrid" and x["group"] == "answerable")
        lines.append(
            f"| {r['format']} | {s['recall_at_1']:.3f} | {s['recall_at_5']:.3f} | {s['mrr_at_10']:.3f} | "
            f"{s['first_sentence']:.3f} | {s['answered_answerable']:.3f} | "
            f"{s['not_answered_unanswerable']:.3f} | {r['passages']} | {r['build_s']} |"
        )
    lines += ["", "Per question (hybrid): rank of the first hit holding an answer, and its section (number dropped).", ""]
    fmts = [r["format"] for r in results]
    markup = [f for f in fmts if f != "pdf"]
    lines += ["| id | " + " | ".join(fmts) + f" | same title ({', '.join(markup)}) |", "|---|" + "---|" * (len(fmts) + 1)]
    same = 0
    for i, q in enumerate(results[0]["questions"]):
        cells = [r["questions"][i] for r in results]
        if all(c["rank"] is None for c in cells) and not any(c["section"] for c in cells):
            continue
        titles = {_title(c["section"]) for c, f in zip(cells, fmts, strict=True) if c["rank"] is not None and f in markup}
        same += len(titles) <= 1
        lines.append(
            f"| {q['id']} | "
            + " | ".join(f"{c['rank'] or '–'} {_title(c['section'])}" for c in cells)
            + f" | {'yes' if len(titles) <= 1 else 'no'} |"
        )
    lines += [
        "",
        f"The answering passage has the same section title in {', '.join(markup)} for {same} of the "
        'answerable questions. "build s" is the wall time of the build in this run, on shared cores; a build '
        "that found its passages already embedded by an earlier run reused them.",
    ]
    for r in results:
        lines += ["", f"## {r['format']}", "", r["table"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/formats"))
    ap.add_argument("--formats", nargs="+", default=["pdf", "html", "epub", "docx"])
    ap.add_argument("--out", type=Path, default=Path("results/eval-formats"))
    ap.add_argument("--report-only", action="store_true", help="rewrite the .md from the .json of an earlier run")
    args = ap.parse_args()
    if args.report_only:
        results = json.loads(args.out.with_suffix(".json").read_text(encoding="utf-8"))
        args.out.with_suffix(".md").write_text(report(results), encoding="utf-8")
        return
    results = [run(f, args.work) for f in args.formats]
    args.out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.with_suffix(".md").write_text(report(results), encoding="utf-8")


if __name__ == "__main__":
    main()
