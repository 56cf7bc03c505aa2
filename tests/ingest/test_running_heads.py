"""qa.ingest.pdf.running_heads: running headers, footers and page numbers that repeat across pages are dropped."""

from __future__ import annotations

import re

import pytest

from qa.ingest.pdf.running_heads import strip_running_lines
from support.shared_docs import document, needs_docs


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
    bodies = [
        "Widgets are small.\nThey are everywhere.",
        "Owls hunt at night.\nMice hide.",
        "Rivers run to the sea.\nSo does rain.",
        "The end is near.\nIt came.",
    ]
    pages = [f"{body}\nConfidential draft, version {n}" for n, body in enumerate(bodies, start=1)]
    assert strip_running_lines(pages) == bodies


def test_strip_running_lines_leaves_short_documents_alone():
    assert strip_running_lines(["A\n1", "B\n2"]) == ["A\n1", "B\n2"]


def test_strip_running_lines_keeps_lines_that_do_not_repeat():
    pages = ["Title\nOne.", "Two.\nMiddle", "Three.\nEnd"]
    assert strip_running_lines(pages) == pages


WORDS = (
    "Owls hunt at night.",
    "Rivers run to the sea.",
    "Mice hide in walls.",
    "Rain falls on hills.",
    "Bread needs yeast.",
    "Ships sail at dawn.",
    "Bees make honey.",
    "Snow melts in spring.",
    "Wolves howl loudly.",
    "Clocks tick slowly.",
    "Trains leave on time.",
    "Leaves turn red.",
)


def test_a_chapter_name_that_changes_per_chapter_goes_with_its_page_number():
    pages = [f"Chapter 1: Basics {n}\n{WORDS[n - 1]}" for n in range(1, 7)] + [
        f"Chapter 2: Advanced Use {n}\n{WORDS[n - 1]}" for n in range(7, 13)
    ]
    assert strip_running_lines(pages) == [f"Chapter 1: Basics 1\n{WORDS[0]}", *WORDS[1:]]


def test_a_page_count_and_a_printed_number_offset_from_the_page_index_go():
    pages = [f"Manual title {n - 6} / 92\n{WORDS[n]}\n{WORDS[n - 7]}" for n in range(7, 12)]
    assert strip_running_lines(pages)[1:] == [f"{WORDS[n]}\n{WORDS[n - 7]}" for n in range(8, 12)]


def test_a_heading_that_tops_a_few_pages_far_apart_stays():
    pages = [("Example\n" if n in (2, 40, 80) else "") + f"{WORDS[n % 12]}\n{WORDS[(n // 12) % 12]}" for n in range(100)]
    assert strip_running_lines(pages) == pages


@needs_docs
@pytest.mark.parametrize(
    "name, head",
    [
        ("octave.pdf", re.compile(r"^Chapter \d+: [^\n]* \d+$|^\d+ GNU Octave", re.M)),
        ("gnuplot.pdf", re.compile(r"^gnuplot 5\.4 \d+$|^\d+ gnuplot 5\.4", re.M)),
        ("debian-edu-manual.zh-cn.pdf", re.compile(r"Skolelinux 12 Bookworm 手册 \d+ / 92")),
        ("LinuxCNC_Getting_Started_zh_CN.pdf", re.compile(r"28 Jun 2026 \d+ / 55")),
    ],
)
def test_no_running_head_of_a_real_manual_is_left_in_its_text(name, head):
    assert head.findall(document(name).text) == []
