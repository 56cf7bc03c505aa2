"""Page marks on every PDF of ../shared/docs and tests/data: per marked line, how well it covers its text line.

Usage: PYTHONPATH=. python scripts/measure_page_marks.py  (prints the Markdown table of results/page-marks.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_page_marks_documents import NEED, PDFS, line_scores  # noqa: E402


def main() -> None:
    print("| PDF | marked lines | lines >= 0.9 | lowest |\n|---|---|---|---|")
    for path in PDFS:
        scores = [s[1] for s in line_scores(path)]
        ok = sum(s >= NEED for s in scores)
        print(f"| {path.name} | {len(scores)} | {ok} ({100 * ok / len(scores):.1f}%) | {min(scores):.2f} |", flush=True)


if __name__ == "__main__":
    main()
