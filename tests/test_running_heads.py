"""qa.ingest.pdf: running headers, footers and page numbers that repeat across pages are dropped."""

from __future__ import annotations

from qa.ingest.running_heads import strip_running_lines


def test_strip_running_lines_drops_repeated_headers_footers_and_page_numbers():
    pages = [
        "Journal of Widgets 12\nWidget Theory Revisited\nBody one.\n1",
        "Journal of Widgets 12\nBody two.\nPage 2 of 4",
        "Journal of Widgets 12\nBody three.\n3",
        "Journal of Widgets 12\nBody four.\n- 4 -\n4",
    ]
    # The first page keeps its top line (often the title); page-number lines go everywhere.
    assert strip_running_lines(pages) == [
        "Journal of Widgets 12\nWidget Theory Revisited\nBody one.",
        "Body two.",
        "Body three.",
        "Body four.\n- 4 -",
    ]


def test_strip_running_lines_drops_a_repeated_footer_with_changing_numbers():
    bodies = ["Widgets are small.\nThey are everywhere.", "Owls hunt at night.\nMice hide.",
              "Rivers run to the sea.\nSo does rain.", "The end is near.\nIt came."]
    pages = [f"{body}\nConfidential draft, version {n}" for n, body in enumerate(bodies, start=1)]
    assert strip_running_lines(pages) == bodies


def test_strip_running_lines_leaves_short_documents_alone():
    assert strip_running_lines(["A\n1", "B\n2"]) == ["A\n1", "B\n2"]


def test_strip_running_lines_keeps_lines_that_do_not_repeat():
    pages = ["Title\nOne.", "Two.\nMiddle", "Three.\nEnd"]
    assert strip_running_lines(pages) == pages


