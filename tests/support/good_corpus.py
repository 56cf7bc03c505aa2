"""A corpus with one good file, and the rebuild that must keep it answering after bad files arrive."""

from __future__ import annotations

GOOD = (
    "Harbour notes\n\nThe harbour master counted 41 ships in the spring. Most of them carried timber and "
    "grain from the northern ports.\n"
)


def rebuilt(assistant):
    """Rebuild (the bad files are in the corpus now); the good file still answers its question first."""
    report = assistant.build_index()
    assert assistant.search("How many ships did the harbour master count?", k=1)[0].citation.source == "good.txt"
    return report


def skipped_lines(report) -> list[str]:
    """The sentences `qa index` prints for the files a build skipped."""
    return [f"skipped {s.source}: {s.reason}" for s in report.skipped]


def skipped_after_rebuild(assistant) -> list[str]:
    """What a rebuild skipped, the good file unchanged and still answering."""
    report = rebuilt(assistant)
    assert set(report.unchanged) == {"good.txt"}
    return skipped_lines(report)
