"""What one file may become: its extracted text bounded relative to its size and absolutely, its passages counted.

A file can be small and become huge: an EPUB whose spine lists one page many times, entities, row spans, a PDF
that reuses a page's content. The bound is on what a file becomes, checked while it is read (the parsing child
stops there, so memory never holds the excess) and again on the text and passages the parent gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.settings import Settings

MIN_TEXT_LIMIT_CHARS = 2**20  # a small file may still become this many characters (a page of entities, a short book)


@dataclass(frozen=True)
class TextLimit:
    """The most characters a file's text may have, and the sentence that refuses it when it has more."""

    chars: int
    refusal: str


def text_limit(file_bytes: int, settings: Settings, what: str) -> TextLimit:
    """The text limit for a file of file_bytes bytes: max_text_per_byte per byte (at least MIN_TEXT_LIMIT_CHARS), at
    most max_text_chars."""
    relative = max(int(settings.max_text_per_byte * file_bytes), MIN_TEXT_LIMIT_CHARS)
    if relative < settings.max_text_chars:
        return TextLimit(
            relative,
            f"the {what}'s text grows past {relative:,} characters, more than a file of "
            f"{_size(file_bytes)} may become ({settings.max_text_per_byte:g} characters per "
            "byte of the file, QA_MAX_TEXT_PER_BYTE); a part of it repeats or expands without "
            "bound",
        )
    return TextLimit(
        settings.max_text_chars,
        f"the {what}'s text grows past {settings.max_text_chars:,} characters, the most one file may become (QA_MAX_TEXT_CHARS)",
    )


def check_text(text_chars: int, limit: TextLimit) -> None:
    """DocumentError with the limit's sentence when a file's text is over it."""
    from qa.errors import DocumentError

    if text_chars > limit.chars:
        raise DocumentError(limit.refusal)


def check_passages(n: int, settings: Settings) -> None:
    """DocumentError when one file was cut into more passages than a file may have."""
    from qa.errors import DocumentError

    if n > settings.max_passages:
        raise DocumentError(
            f"the file makes {n:,} passages, over the limit of {settings.max_passages:,} for one file (QA_MAX_PASSAGES)"
        )


def _size(n: int) -> str:
    if n < 1024:
        return f"{n:,} bytes"
    if n < 2**20:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 2**20:.1f} MiB"
