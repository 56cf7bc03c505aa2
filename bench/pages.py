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

    As in the app, one renderer child serves every page; starting it (Python, pdfium) is timed apart, with
    the first page. The passage marked is the page's own text from its second line on (up to 900 characters).
    """
    from qa.errors import PageNotRendered
    from qa.evidence.page_images import Renderer
    from qa.evidence.page_marks import passage_boxes
    from qa.settings import Settings

    settings = Settings()
    dpi = dpi or settings.page_dpi
    data = Path(pdf).read_bytes()
    renderer = Renderer(settings.parse_timeout_s, settings.parse_memory_bytes)
    t = time.perf_counter()
    renderer.render(data, 1, dpi)
    first_ms = (time.perf_counter() - t) * 1000
    times: list[float] = []
    number, marked = 1, 0
    try:
        while True:
            try:
                for _ in range(repeats):
                    t = time.perf_counter()
                    image = renderer.render(data, number, dpi)
                    marks = passage_boxes(image.chars, image.boxes, image.chars[image.chars.find("\n") + 1 :][:900])
                    times.append((time.perf_counter() - t) * 1000)
            except PageNotRendered:  # past the last page
                break
            marked += bool(marks)
            number += 1
    finally:
        renderer.close()
    times.sort()
    return {
        "pdf": Path(pdf).name,
        "pages": number - 1,
        "renders": len(times),
        "dpi": dpi,
        "pages_marked": marked,
        "first_page_with_start_ms": round(first_ms, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
        "target_ms": TARGET_MS,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(page_render_timing(), indent=1))
