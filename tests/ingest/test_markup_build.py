"""The Debian Edu manual as HTML, EPUB and DOCX indexed together: each cites the same section, no page, and the
table passage carries its header row."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa import Assistant, Settings

DOCS = Path("/work/shared/docs")
BOOK = "debian-edu-manual.zh-cn"


def test_each_format_answers_from_the_services_table_with_its_header(tmp_path, corpus, fake_embedder):
    for suffix in ("html", "epub", "docx"):
        shutil.copy(DOCS / f"{BOOK}.{suffix}", corpus)
    assistant = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "index"),
        embedder=fake_embedder,
        build_embedder=lambda: fake_embedder,
        multilingual=fake_embedder,
    )
    report = assistant.build_index()
    assert sorted(report.added) == [f"{BOOK}.docx", f"{BOOK}.epub", f"{BOOK}.html"] and not report.skipped
    for suffix in ("html", "epub", "docx"):
        hit = assistant.search("rsyslog syslog 中央日志", k=1, mode="bm25", sources=[f"{BOOK}.{suffix}"])[0]
        assert hit.citation.section.endswith("运行在主服务器上的服务"), suffix
        assert hit.citation.page is None
        assert hit.text.startswith("| 服务描述 | 普通名称 | DNS 服务名称 |\n|---|---|---|\n| 中央日志 | rsyslog | syslog |")
