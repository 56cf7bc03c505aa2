"""Documents: the seed review's title, sections and references; markdown headings; PDF pages and titles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SEED
from qa.ingest.documents import Document, Page, Reference, Section, load_document, parse_text
from qa.settings import Settings

SEED_TITLE = (
    "Strategic Research on Information Technology Promoting the Modernization of National Governance: "
    "Postprint of the Academic Review from the S70th Xiangshan Science Conference"
)

SEED_SECTIONS = [
    "Abstract",
    "Full Text",
    "Abstract",
    "1. Main Progress and Achievements in Typical Domains of Information Technology Promoting National Governance Modernization",
    "1.1 Smart Justice",
    "1.2 Internet Governance",
    "1.3 Data Governance",
    "1.4 Emergency Management",
    "2. Challenges in Information Technology Promoting National Governance Modernization",
    "2.1 IT Supply Lags Far Behind Application Scenario Demands",
    "2.2 Persistent Data Security Issues",
    "2.3 Data Element Value Remains Underexploited",
    "2.4 Incomplete Legal Guarantee System",
    "3. Policy Recommendations",
    "3.1 Strengthen Digital Technology as the Foundation for IT-Enabled National Governance Modernization",
    "3.2 Break Data Barriers and Promote Data Element Development, Utilization, and Openness as Core Elements of "
    "IT-Enabled National Governance Modernization",
    "3.3 Further Align China's Large Model Development with National Governance Modernization Demands",
    "3.4 Accelerate Establishment of Data Security Laws and Regulations to Support Basic Research and Core "
    "Technology Breakthroughs in Data Security",
    "4. Conclusion",
    "Acknowledgments",
    "References",
]


@pytest.fixture(scope="module")
def seed() -> Document:
    return load_document(SEED, SEED.parent, Settings())


def test_the_seed_has_its_own_title(seed):
    assert seed.source == "it-and-national-governance-review.txt"
    assert seed.title == SEED_TITLE


def test_the_seed_has_all_its_sections_in_order(seed):
    assert [s.title for s in seed.sections] == SEED_SECTIONS


def test_section_levels_and_nesting_of_the_seed(seed):
    levels = {s.title: s.level for s in seed.sections}
    assert (levels["1.3 Data Governance"], levels["3. Policy Recommendations"], levels["References"]) == (2, 1, 1)
    main = next(s for s in seed.sections if s.title.startswith("1. Main"))
    subs = [s for s in seed.sections if s.title.startswith("1.") and s.level == 2]
    assert [s.title for s in subs] == SEED_SECTIONS[4:8]
    # a section runs to the next heading of the same or a higher level
    assert main.end == next(s.start for s in seed.sections if s.title.startswith("2. "))
    assert all(main.start < s.start and s.end <= main.end for s in subs)
    assert [s.end for s in subs[:-1]] == [s.start for s in subs[1:]]


def test_each_section_starts_with_its_heading(seed):
    for s in seed.sections:
        assert seed.text[s.start : s.end].startswith(s.title), s.title


def test_section_at(seed):
    offset = seed.text.index("3.189 million")
    assert seed.section_at(offset) == next(s for s in seed.sections if s.title == "1.3 Data Governance")
    heading = seed.text.index("3. Policy Recommendations")
    assert seed.section_at(heading).title == "3. Policy Recommendations"
    assert seed.section_at(0) is None  # the preamble before the first heading
    assert seed.section_at(len(seed.text) - 1).title == "References"


def test_the_seed_has_24_references(seed):
    assert [r.number for r in seed.references] == list(range(1, 25))
    eighth = seed.references[7]
    assert eighth.text.startswith(
        "8. Yuan S. Research on disinformation under the threshold of overall national security concept."
    )
    assert seed.text[eighth.start : eighth.end] == eighth.text
    assert all("\n\n" not in r.text for r in seed.references[:-1])
    references = next(s for s in seed.sections if s.title == "References")
    assert all(references.start < r.start < r.end <= references.end for r in seed.references)


def test_the_last_reference_ends_with_its_own_text(seed):
    assert seed.references[-1].text == (
        "24. Song F Q, Qiu Z J. The rule of law in the data element market governance: Subject, ownership and path. "
        "*Shanghai Economic Review*, 2022, (4): 13-22. (in Chinese)"
    )


def test_the_seed_text_is_repaired(seed):
    assert "an essential requirement" in seed.text
    assert "essen-" not in seed.text
    assert "\n\n\n" not in seed.text
    assert seed.text == seed.text.strip()
    assert seed.pages == ()
    assert seed.page_at(100) is None


def test_markdown_headings(tmp_path):
    (tmp_path / "guide.md").write_text(
        "# Owl Field Guide\n\nOwls are birds.\n\n## Hunting at Night\n\nThey hunt mice.\n\n"
        "### Hearing\n\nTheir ears are offset.\n\n## Nesting\n\nThey nest in trees.\n"
    )
    doc = load_document(tmp_path / "guide.md", tmp_path, Settings())
    assert doc.title == "Owl Field Guide"
    text = doc.text
    assert list(doc.sections) == [
        Section("Owl Field Guide", 0, len(text), 1),
        Section("Hunting at Night", text.index("## Hunting"), text.index("## Nesting"), 2),
        Section("Hearing", text.index("### Hearing"), text.index("## Nesting"), 3),
        Section("Nesting", text.index("## Nesting"), len(text), 2),
    ]
    assert doc.section_at(text.index("offset")).title == "Hearing"


def test_a_text_without_a_title_is_named_after_its_file(tmp_path):
    (tmp_path / "field_notes-2024.txt").write_text("just some notes, nothing more.\n")
    doc = load_document(tmp_path / "field_notes-2024.txt", tmp_path, Settings())
    assert (doc.title, doc.sections, doc.references) == ("Field notes 2024", (), ())


def test_parse_text_maps_page_starts_through_the_repairs():
    raw = "Page one is essen-\n\ntial.\n\nPage two text.\n\n\n\nPage three text."
    starts = [0, raw.index("Page two"), raw.index("Page three")]
    doc = parse_text(raw, "x.pdf", "id", page_starts=starts)
    assert doc.text == "Page one is essential.\n\nPage two text.\n\nPage three text."
    assert [doc.text[p.start : p.end] for p in doc.pages] == [
        "Page one is essential.\n\n",
        "Page two text.\n\n",
        "Page three text.",
    ]


# --- PDF -------------------------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal valid PDF: one page per entry, each a list of text lines in Helvetica; xref offsets computed."""
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] /Count %d >>" % len(pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for page_id, lines in zip(page_ids, pages, strict=False):
        ops = [b"BT /F1 11 Tf 14 TL 72 740 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
        stream = b"\n".join(ops + [b"ET"])
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info = b""
    if title is not None:
        objs.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
        info = b" /Info %d 0 R" % len(objs)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, info, xref)
    return bytes(out)


WIDGET_PAGES = [
    ["Quantum Widgets in Practice", "1. Introduction", "Widgets are small devices that hum quietly."],
    ["2. Methods", "We measured the amber widgets carefully."],
    ["3. Results", "The cobalt widgets outlasted all others."],
]


def test_the_pdf_helper_makes_a_pdf_pypdf_reads():
    reader = PdfReader(io.BytesIO(make_pdf(WIDGET_PAGES, title="Widget Report 2024")), strict=True)
    assert [
        p.extract_text().split("\n")[: len(lines)] for p, lines in zip(reader.pages, WIDGET_PAGES, strict=False)
    ] == WIDGET_PAGES
    assert reader.metadata.title == "Widget Report 2024"


def _load_pdf(tmp_path: Path, pages: list[list[str]], title: str | None = None, name: str = "widgets.pdf") -> Document:
    (tmp_path / name).write_bytes(make_pdf(pages, title))
    return load_document(tmp_path / name, tmp_path, Settings())


def test_pdf_pages_spans_and_sections(tmp_path):
    doc = _load_pdf(tmp_path, WIDGET_PAGES)
    text = doc.text
    assert text == (
        "Quantum Widgets in Practice\n1. Introduction\nWidgets are small devices that hum quietly.\n\n"
        "2. Methods\nWe measured the amber widgets carefully.\n\n"
        "3. Results\nThe cobalt widgets outlasted all others."
    )
    two, three = text.index("2. Methods"), text.index("3. Results")
    assert list(doc.pages) == [Page(1, 0, two), Page(2, two, three), Page(3, three, len(text))]
    assert [doc.page_at(text.index(w)) for w in ("hum quietly", "amber", "cobalt")] == [1, 2, 3]
    assert doc.page_at(len(text)) == 3
    assert [(s.title, s.start, s.end) for s in doc.sections] == [
        ("1. Introduction", text.index("1. Intro"), two),
        ("2. Methods", two, three),
        ("3. Results", three, len(text)),
    ]
    assert doc.section_at(text.index("amber")).title == "2. Methods"


def test_pdf_title_from_metadata_else_from_text(tmp_path):
    assert _load_pdf(tmp_path, WIDGET_PAGES, title="Widget Report 2024").title == "Widget Report 2024"
    assert _load_pdf(tmp_path, WIDGET_PAGES, name="plain.pdf").title == "Quantum Widgets in Practice"


@pytest.mark.parametrize("meta", ["report.docx", "Microsoft Word - draft", "Untitled", "Widgets"])
def test_unhelpful_pdf_metadata_titles_are_ignored(tmp_path, meta):
    assert _load_pdf(tmp_path, WIDGET_PAGES, title=meta).title == "Quantum Widgets in Practice"


def test_pdf_running_headers_and_page_numbers_are_dropped(tmp_path):
    pages = [
        ["Widget Journal Vol 3", "Quantum Widgets in Practice", "Widgets hum.", "1"],
        ["Widget Journal Vol 3", "Amber widgets glow.", "2"],
        ["Widget Journal Vol 3", "Cobalt widgets last.", "3"],
    ]
    doc = _load_pdf(tmp_path, pages)
    assert doc.text == (
        "Widget Journal Vol 3\nQuantum Widgets in Practice\nWidgets hum.\n\nAmber widgets glow.\n\nCobalt widgets last."
    )
    assert [doc.page_at(doc.text.index(w)) for w in ("hum", "Amber", "Cobalt")] == [1, 2, 3]


def test_a_pdf_whose_first_page_has_no_text_cites_the_right_pages(tmp_path):
    doc = _load_pdf(tmp_path, [[], WIDGET_PAGES[1], WIDGET_PAGES[2]])
    text = doc.text
    assert text == "2. Methods\nWe measured the amber widgets carefully.\n\n3. Results\nThe cobalt widgets outlasted all others."
    three = text.index("3. Results")
    assert list(doc.pages) == [Page(1, 0, 0), Page(2, 0, three), Page(3, three, len(text))]
    assert [doc.page_at(text.index(w)) for w in ("2. Methods", "3. Results")] == [2, 3]


def test_references_of_a_plain_text_document(tmp_path):
    (tmp_path / "paper.txt").write_text(
        "Widget Theory for Everyone\n\nIntroduction\n\nWidgets matter [1, 2].\n\nReferences\n\n"
        "1. Smith J. Widget theory. 2020.\n2. Doe J. Applied widgets.\nSecond line. 2021.\n"
    )
    doc = load_document(tmp_path / "paper.txt", tmp_path, Settings())
    first = doc.text.index("1. Smith")
    second = doc.text.index("2. Doe")
    assert list(doc.references) == [
        Reference(1, "1. Smith J. Widget theory. 2020.", first, first + 32),
        Reference(2, "2. Doe J. Applied widgets.\nSecond line. 2021.", second, len(doc.text)),
    ]


def test_page_at_reads_a_page_run_with_an_empty_page_and_the_end():
    pages = (Page(1, 0, 10), Page(2, 10, 10), Page(3, 10, 20))
    doc = Document("d", "d.pdf", "D", "x" * 20, (), pages)
    assert [doc.page_at(k) for k in (0, 9, 10, 19, 20, 21, -1)] == [1, 1, 3, 3, 3, None, None]


def test_page_at_of_pages_out_of_text_order_still_finds_the_page_holding_the_offset():
    doc = Document("d", "d.pdf", "D", "x" * 20, (), (Page(1, 10, 20), Page(2, 0, 10)))
    assert [doc.page_at(k) for k in (0, 9, 10, 19, 20)] == [2, 2, 1, 1, None]
