"""Page-view timing: how long "Show on page" takes for a page not yet cached (render, characters, marks)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SPEC_PDF = PROJECT / "tests" / "data" / "heldout" / "shared-mime-info-spec.pdf"
TARGET_MS = 300.0


def page_render_timing(pdf: Path = SPEC_PDF, repeats: int = 2, dpi: int | None = None) -> dict:
    """Milliseconds to render each page of pdf and mark a passage on it, as the page view does on a cache miss.

    Each page is rendered `repeats` times (every time in a new child process, as in the app); the passage
    marked is the page's own text from its second line on, so the alignment works on a realistic length.
    """
    from qa.page_images import render_page
    from qa.page_marks import passage_boxes
    from qa.settings import Settings

    settings = Settings()
    dpi = dpi or settings.page_dpi
    data = Path(pdf).read_bytes()
    times: list[float] = []
    number, marked = 1, 0
    while True:
        for _ in range(repeats):
            t = time.perf_counter()
            try:
                image = render_page(data, number, dpi, settings.pdf_timeout_s, settings.pdf_memory_bytes)
            except Exception:  # past the last page
                image = None
                break
            passage = image.chars[image.chars.find("\n") + 1:][:900]
            marks = passage_boxes(image.chars, image.boxes, passage)
            times.append((time.perf_counter() - t) * 1000)
        if image is None:
            break
        marked += bool(marks)
        number += 1
    times.sort()
    return {"pdf": Path(pdf).name, "pages": number - 1, "renders": len(times), "dpi": dpi,
            "pages_marked": marked, "p50_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1), "max_ms": round(times[-1], 1),
            "target_ms": TARGET_MS}


if __name__ == "__main__":
    import json

    print(json.dumps(page_render_timing(), indent=1))
