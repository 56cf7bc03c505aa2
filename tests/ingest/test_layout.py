"""Layout: extraction repairs with an offset map, headings of every common style, titles, references."""

from __future__ import annotations

import pytest

from qa.ingest.headings import Section, find_headings, find_title
from qa.ingest.references import is_reference_heading, reference_entries
from qa.ingest.text_repair import clean

# --- clean -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, text",
    [
        ("an essen-\n\ntial requirement", "an essential requirement"),  # hyphenation across a blank line
        ("data gover-\n\n- nance rules", "data governance rules"),  # ... with a stray list dash after it
        ("the court improves\n\ncase handling", "the court improves case handling"),  # sentence broken by a blank line
        ("slow, \n\n\nsteady work", "slow, steady work"),
        ("First paragraph.\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),  # real paragraph break kept
        ("First paragraph.\n\n\n\n\nSecond paragraph.", "First paragraph.\n\nSecond paragraph."),  # blank runs collapse
        ("Section\n\nBody text.", "Section\n\nBody text."),  # a capitalised line after a blank line starts anew
        ("con\x00trol\x07 chars\x1f\ufeff gone\x7f", "control chars gone"),
        ("   indented line\ntrailing   \n", "indented line\ntrailing"),
        ("windows\r\nline\rends", "windows\nline\nends"),
    ],
)
def test_clean_repairs_extraction_artifacts(raw, text):
    assert clean(raw).text == text


def test_clean_keeps_hyphens_that_are_not_line_breaks():
    assert clean("a well-known state-of-the-art method").text == "a well-known state-of-the-art method"


def test_to_clean_maps_every_raw_word_to_its_place_in_the_repaired_text():
    raw = "Smart justice is essen-\n\ntial.\n\n\n\nData gover-\n\n- nance  \n   matters [3]."
    cleaned = clean(raw)
    assert cleaned.text == "Smart justice is essential.\n\nData governance\nmatters [3]."
    for word in ("Smart", "justice", "essen", "Data", "gover", "matters", "[3]"):
        assert cleaned.text[cleaned.to_clean(raw.index(word)) :].startswith(word)
    # characters removed by a repair map to where the text continues
    assert cleaned.to_clean(raw.index("-\n\ntial")) == cleaned.text.index("tial")
    assert cleaned.to_clean(len(raw)) == len(cleaned.text)


@pytest.mark.parametrize("raw", ["\n\nAb.\n\nCd", "  Ab.\n\nCd"])
def test_to_clean_maps_offsets_after_leading_whitespace(raw):
    cleaned = clean(raw)
    assert cleaned.text == "Ab.\n\nCd"
    assert cleaned.to_clean(raw.index("Cd")) == cleaned.text.index("Cd")


# --- find_headings ---------------------------------------------------------------------------------------------


def _titles(text: str, markdown: bool = False) -> list[str]:
    return [h.title for h in find_headings(text, markdown=markdown)]


def test_run_in_numbered_headings_are_cut_before_their_paragraph():
    text = (
        "1.1 Smart Justice Smart justice represents an essential requirement for modernizing the judiciary "
        "and its courts.\n\n"
        "1.2 Internet Governance As the internet and physical worlds merge, governance of cyberspace grows "
        "in importance."
    )
    second = text.index("1.2")
    assert find_headings(text) == [
        Section("1.1 Smart Justice", 0, len("1.1 Smart Justice"), 2),
        Section("1.2 Internet Governance", second, second + len("1.2 Internet Governance"), 2),
    ]


@pytest.mark.parametrize("sep", ["\n", "\n\n"], ids=["pdf-no-blank-lines", "blank-lines"])
def test_standalone_dotted_numbered_headings(sep):
    text = sep.join(
        [
            "2. Data and Methods",
            "We describe the data first.",
            "2.1. Data sources",
            "Records come from three archives.",
            "2.2. Sampling design",
            "Samples were drawn at random.",
            "3. Results",
            "The effect is large.",
        ]
    )
    assert find_headings(text) == [
        Section("2. Data and Methods", 0, 19, 1),
        Section("2.1. Data sources", text.index("2.1."), text.index("2.1.") + 17, 2),
        Section("2.2. Sampling design", text.index("2.2."), text.index("2.2.") + 20, 2),
        Section("3. Results", text.index("3. R"), text.index("3. R") + 10, 1),
    ]


def test_setext_underlined_numbered_headings():
    text = (
        "1. Introduction\n===============\n\nSome text here.\n\n1.1 Scope of the Work\n---------------------\n\nMore text here."
    )
    assert _titles(text) == ["1. Introduction", "1.1 Scope of the Work"]


def test_markdown_headings_when_markdown():
    text = "# Field Guide\n\nIntro text.\n\n## Birds of Prey\n\nBody.\n\n### Owls ###\n\nMore.\n"
    assert find_headings(text, markdown=True) == [
        Section("Field Guide", 0, 13, 1),
        Section("Birds of Prey", text.index("## B"), text.index("## B") + 16, 2),
        Section("Owls", text.index("### O"), text.index("### O") + 8, 3),
    ]


def test_markdown_hashes_are_not_headings_in_plain_text():
    assert _titles("#hashtag trending now\n\n# not markdown here\n\nBody.") == []


def test_heading_end_is_where_its_words_end_even_when_a_word_repeats():
    assert find_headings("# Go Go\n\nText.", markdown=True) == [Section("Go Go", 0, 7, 1)]


def test_unnumbered_title_case_headings_between_blank_lines():
    text = (
        "Abstract\n\nThis paper studies widgets.\n\nKey Findings\n\nWidgets are small.\n\n"
        "References\n\n1. Smith J. A paper. 2020.\n2. Doe J. Another paper. 2021.\n"
    )
    assert _titles(text) == ["Abstract", "Key Findings", "References"]


@pytest.mark.parametrize(
    "text",
    [
        "Widgets are small\nand they are everywhere.",  # a wrapped line, not between blank lines
        "Intro.\n\nsmall lowercase line\n\nMore.",
        "Intro.\n\nThe End.\n\nMore.",  # ends like a sentence
        "Intro.\n\nTable 3 (Continued)\n\nMore.",  # digits and brackets
        "Intro.\n\nA Very Long Line That Has Far Too Many Capitalised Words To Be Any Section\n\nMore.",
    ],
    ids=["wrapped", "lowercase", "sentence", "caption", "too-long"],
)
def test_lines_that_are_not_unnumbered_headings(text):
    assert _titles(text) == []


def test_numbered_reference_entries_are_not_headings():
    text = (
        "1. Introduction\n\nText.\n\nReferences\n\n"
        "1. Smith J. Widget Theory\n\n2. Doe J. Applied Widgets\n\n3. Roe R. Widgets Revisited\n"
    )
    assert _titles(text) == ["1. Introduction", "References"]


def test_table_rows_after_a_numbered_heading_are_not_headings():
    text = (
        "2.9. Mime Type Offsets\n4 CARD32 MIME_TYPE_OFFSET\n4 CARD32 PARENT_LIST_OFFSET\n"
        "8 CARD32 LITERAL_LIST_OFFSET\nThe offsets are from the start of the file.\n3. Cache Format\n"
        "The cache is a single file."
    )
    assert _titles(text) == ["2.9. Mime Type Offsets", "3. Cache Format"]


def test_lowercase_numbered_list_items_are_not_headings():
    text = (
        "1. Introduction\n\nWe do three things:\n\n1. collect the data from the archives\n\n"
        "2. clean the records before use\n\n3. publish the results openly\n"
    )
    assert _titles(text) == ["1. Introduction"]


def test_numbered_clauses_that_are_sentences_are_not_headings():
    text = (
        "1. Inability to Comply\n\nIf it is impossible to comply, You must explain why.\n\n"
        "2. Termination\n\n"
        "2.1. The rights granted under this License will terminate automatically if You fail to comply.\n\n"
        "2.2. If You initiate litigation against any entity by asserting a patent infringement claim, "
        "then the rights granted to You terminate.\n"
    )
    assert _titles(text) == ["1. Inability to Comply", "2. Termination"]


def test_numbering_must_advance():
    # Going back ("1" after "2") or jumping ahead ("9" after "2") is a list or a table, not the document's structure.
    text = "1. Scope\n\nA.\n\n2. Terms\n\nB.\n\n1. Again Item\n\nC.\n\n9. Far Ahead\n\nD.\n\n3. Closing Notes\n\nE."
    assert _titles(text) == ["1. Scope", "2. Terms", "3. Closing Notes"]


def test_a_document_does_not_start_its_numbering_beyond_three():
    assert _titles("7. Seventh Item\n\nText.\n\n8. Eighth Item\n\nText.") == []


@pytest.mark.parametrize(
    "title, expected",
    [
        ("References", True),
        ("Bibliography", True),
        ("WORKS CITED", True),
        ("## References", True),
        ("Reference Notes", False),
        ("1. Introduction", False),
        (None, False),
        ("", False),
    ],
)
def test_is_reference_heading(title, expected):
    assert is_reference_heading(title) is expected


# --- find_title ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, title",
    [
        ("intro line\n# Field Guide to Owls\n\nBody.", "Field Guide to Owls"),  # a markdown H1 wins
        (
            "chinaxiv.org/items/chinaxiv-202403.00349\n\nThe Real Title of the Paper\n\nBody text.",
            "The Real Title of the Paper",
        ),  # web addresses are skipped
        (
            "Strategic Research on Information Technology: A Review\n\nAuthors: A B",
            "Strategic Research on Information Technology: A Review",
        ),
        ("all lower case text here\nmore of it.", None),
        ("A Sentence That Ends With A Period.\n", None),
        ("Too Short\n", None),
    ],
)
def test_find_title(text, title):
    assert find_title(text) == title


# --- reference_entries -----------------------------------------------------------------------------------------


def test_reference_entries_are_numbered_spans_that_run_to_the_next_entry():
    text = "References\n1. Smith J. A paper. 2020.\n2. Doe J. Another\npaper continued. 2021.\n[3] Roe R. Third. 2022.\n\n"
    body = text.index("\n") + 1
    entries = reference_entries(text, body, len(text))
    assert [(n, text[a:b]) for n, a, b in entries] == [
        (1, "1. Smith J. A paper. 2020."),
        (2, "2. Doe J. Another\npaper continued. 2021."),
        (3, "[3] Roe R. Third. 2022."),
    ]


def test_reference_entries_stay_inside_the_given_range():
    text = "1. Before.\nReferences\n1. Only entry.\n2. After the range."
    start, end = text.index("1. Only"), text.index("2. After")
    assert reference_entries(text, start, end) == [(1, start, start + len("1. Only entry."))]
