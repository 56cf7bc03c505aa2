"""How the questions whose answer sits in a PDF table are answered: the passage, the row quoted, its header.

    python -m scripts.table_answers --corpus DIR --index DIR [--sets ../shared/eval/*.jsonl]

Asks every question of type "table" over a PDF as `qa ask` does (Assistant.ask, k=10) over an index of the corpus
folder (which must hold the PDFs), and reports the rank of the first passage holding the answer, which answer
sentence holds it (1 = the one shown first) and that sentence, which quotes a table row with its header
("header: cell; ..."). Writes results/table-answers.{md,json}.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa import Assistant, Settings
from qa.ops.evaluation import contains_answer, load_questions

PROJECT = Path(__file__).resolve().parent.parent
SETS = sorted((PROJECT.parent / "shared" / "eval").glob("*.jsonl"))


def ask_all(assistant: Assistant, sets: list[Path]) -> list[dict]:
    rows = []
    for path in sets:
        for q in load_questions(path):
            if q.type != "table" or not (q.doc or "").lower().endswith(".pdf"):
                continue
            ans = assistant.ask(q.question, k=10)
            hit = next((h.rank for h in ans.hits if contains_answer(h.text, q.answers)), None)
            at = next((i + 1 for i, s in enumerate(ans.sentences) if contains_answer(s.text, q.answers)), None)
            quoted = ans.sentences[at - 1].text if at else ""
            rows.append(
                {
                    "id": q.id,
                    "doc": q.doc,
                    "page": q.page,
                    "answer_hit": hit,
                    "answer_sentence": at,
                    "verdict": ans.verdict,
                    "quoted": quoted,
                }
            )
    return rows


def markdown(rows: list[dict], how: str) -> str:
    first = sum(r["answer_sentence"] == 1 for r in rows)
    shown = sum(r["answer_sentence"] is not None for r in rows)
    lines = [
        "# Questions answered from PDF tables",
        "",
        how,
        "",
        f"{len(rows)} questions: the answer is the first answer sentence for {first}, one of the answer sentences for {shown}.",
        "",
        "| question | document | page | passage rank | answer sentence | verdict | the sentence quoted |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        quoted = r["quoted"][:160].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {r['id']} | {r['doc']} | {r['page']} | {r['answer_hit'] or '–'} | "
            f"{r['answer_sentence'] or '–'} | {r['verdict']} | {quoted} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scripts.table_answers", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, required=True)
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--sets", type=Path, nargs="*", default=SETS)
    args = p.parse_args(argv)
    rows = ask_all(Assistant(Settings(corpus_dir=args.corpus, index_dir=args.index)), args.sets)
    how = (
        f"`python -m scripts.table_answers --corpus {args.corpus} --index {args.index}` (the corpus folder: the "
        "review, every document of ../shared/docs and man-zh.txt, indexed together)."
    )
    (PROJECT / "results" / "table-answers.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    text = markdown(rows, how)
    (PROJECT / "results" / "table-answers.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
