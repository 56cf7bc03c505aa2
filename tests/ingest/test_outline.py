"""qa.ingest.pdf.outline: a PDF's sections are its outline entries, located on their pages, with the chapter path."""

from __future__ import annotations

from qa.ingest.pdf.extract import OutlineEntry
from qa.ingest.pdf.outline import locate
from support.shared_docs import child_text, document, needs_docs

pytestmark = needs_docs


def _section(doc, label):
    return next(s for s in doc.sections if s.title == label)


def test_each_outline_entry_is_a_section_with_its_chapter_path_and_its_heading_on_its_own():
    doc = document("LinuxCNC_Getting_Started_zh_CN.pdf")
    # The outline's 139 bookmarks but "Index", whose heading stands on a left-out index page.
    assert len(doc.sections) == 138
    s = _section(doc, "Getting LinuxCNC › Download using zsync")
    # The heading (with its number, as printed) stands alone: it does not swallow the paragraph after it.
    assert doc.text[s.start : s.start + 43] == "3.1.2 Download using zsync\n\nzsync is a down"
    assert (s.level, doc.page_at(s.start)) == (3, 13)  # the bookmark points at page 13 (0-based 12)
    chapter = _section(doc, "Getting LinuxCNC")
    assert chapter.start < s.start < s.end <= chapter.end


def test_a_passage_belongs_to_the_deepest_entry_starting_before_it():
    doc = document("LinuxCNC_Getting_Started_zh_CN.pdf")
    at = doc.text.index("zsync is a download application")
    assert doc.section_at(at).title == "Getting LinuxCNC › Download using zsync"


def test_chinese_headings_keep_their_outline_title_and_do_not_join_the_paragraph():
    doc = document("debian-edu-manual.zh-cn.pdf")
    s = _section(doc, "结构 › 缺省网络设置")
    assert doc.text[s.start : s.start + 18] == "3.1.1 缺省网络设置\n\nDHCP"
    # Every title is the outline's own (no contents line such as "2 Debian 软件包管理 35" becomes a heading).
    titles = {" ".join(e.title.split()) for e in child_text("debian-edu-manual.zh-cn.pdf").outline}
    assert {s.title.split(" › ")[-1] for s in doc.sections} <= titles


def test_the_licence_at_the_end_has_its_own_section_not_the_last_chapter():
    doc = document("LinuxCNC_Getting_Started_zh_CN.pdf")
    at = doc.text.index("10. FUTURE REVISIONS OF THIS LICENSE")
    assert doc.section_at(at).title == "Legal Section › GNU Free Documentation License"


def test_a_heading_not_found_on_its_page_starts_where_its_page_starts():
    pages = ["Intro text.\n", "Some words.\n2.1 Setup\nInstall it.\n"]
    outline = (OutlineEntry("Overview", 0, 1), OutlineEntry("Setup", 1, 1))
    new, heads = locate(pages, outline)
    assert [(h.page, h.label, h.level) for h in heads] == [(1, "Overview", 1), (1, "Overview › Setup", 2)]
    assert heads[0].start == 0
    assert new[1][heads[1].start : heads[1].end] == "2.1 Setup"
    assert new[1] == "Some words.\n\n2.1 Setup\n\f\nInstall it.\n"


def test_a_destination_at_the_foot_of_a_page_finds_its_heading_atop_the_next():
    pages = ["Body of the last chapter.\n", "Chapter 8\nIndex\nA\nabout, 1\n"]
    _, heads = locate(pages, (OutlineEntry("Index", 0, 0),))
    assert [(h.page, h.start) for h in heads] == [(1, 1)]
