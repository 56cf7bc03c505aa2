"""HTML pages read into blocks: headings from h1-h6 with their anchors, tables as rows, pre as code, navigation out."""

from __future__ import annotations

from pathlib import Path

from qa.ingest.markup.blocks import Block
from qa.ingest.markup.html import read_html, table_blocks

DOCS = Path("/work/shared/docs")
BOOK = DOCS / "debian-edu-manual.zh-cn.html"


def test_the_book_reads_as_its_headings_paragraphs_tables_and_code():
    title, blocks = read_html(BOOK.read_bytes())
    assert title == "Debian Edu / Skolelinux 12 Bookworm 手册"
    heads = [b for b in blocks if b.kind == "heading"]
    assert len(heads) == 196
    assert heads[4] == Block("heading", "2.1. 部分历史及为何使用两个名称", 3, "idm30")
    assert [b.kind for b in blocks].count("code") == 49
    services = next(b for b in blocks if b.kind == "table")
    assert services.rows[:3] == (
        ("服务描述", "普通名称", "DNS 服务名称"),
        ("中央日志", "rsyslog", "syslog"),
        ("域名服务", "DNS (BIND)", "domain"),
    )


def test_navigation_and_the_contents_list_are_not_text():
    _, blocks = read_html(BOOK.read_bytes())
    texts = [b.text for b in blocks]
    assert "目录" not in texts  # the contents list's heading, inside div.toc
    assert not any(b.text.startswith("上一页") or b.text.startswith("下一页") for b in blocks)


def test_a_page_of_the_install_guide_has_its_title_and_a_table_whose_spanned_cells_repeat():
    title, blocks = read_html((DOCS / "debian-install-guide.zh-cn" / "ch02s01.html").read_bytes())
    assert title == "2.1. 支持的硬件"
    table = next(b for b in blocks if b.kind == "table")
    assert table.rows[:4] == (
        ("体系", "Debian 命名", "子体系", "Flavor"),
        ("AMD64 & Intel 64", "amd64", "", ""),
        ("基于 Intel x86", "i386", "默认的 x86 机器", "default"),
        ("基于 Intel x86", "i386", "仅 Xen PV 域", "xen"),
    )


def test_a_long_table_is_cut_into_pieces_each_under_its_header():
    rows = [("name", "value")] + [(f"k{i:02d}", "x" * 42) for i in range(20)]  # about 19 tokens a row, the header 7
    pieces = table_blocks(rows)
    assert [len(p.rows) for p in pieces] == [6, 6, 6, 6]  # 5 rows of 19 fit beside the header in 110
    assert all(p.rows[0] == ("name", "value") for p in pieces)


def test_a_caption_row_above_the_header_is_a_paragraph_and_a_one_column_table_is_text():
    assert table_blocks([("Services", "", ""), ("a", "b"), ("1", "2")]) == [
        Block("para", "Services"),
        Block("table", rows=(("a", "b"), ("1", "2"))),
    ]
    assert table_blocks([("only",), ("one",)]) == [Block("para", "only"), Block("para", "one")]


def test_wrapped_chinese_lines_join_without_a_space_and_english_ones_with_one():
    _, blocks = read_html("<p>中文的\n句子 and English\nwords</p>".encode())
    assert blocks == [Block("para", "中文的句子 and English words")]
