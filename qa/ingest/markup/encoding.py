"""Text encodings as people have them: UTF-8 (with a few bad bytes), UTF-16 with or without a byte-order mark,
and legacy ones (GB18030/GBK, Big5, Shift-JIS, Windows-1252, ...) found by charset-normalizer.

One home for both routes: .txt/.md files (qa/ingest/documents.py) and HTML pages that declare no charset
(html.py, inside the parsing child, which imports nothing of qa).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A UTF-8 file with a few bad bytes (a stray Latin-1 byte, a truncated character) is still UTF-8: at most this
# many bad bytes, or this share of its non-ASCII bytes, and at least as many valid multi-byte characters.
MAX_BAD_BYTES = 16
MAX_BAD_SHARE = 0.02
# The names users know the encodings by.
NAMES = {
    "utf_8": "UTF-8",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16 (little-endian, no byte-order mark)",
    "utf_16_be": "UTF-16 (big-endian, no byte-order mark)",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "gb2312": "GB2312",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "cp950": "Big5",
    "shift_jis": "Shift-JIS",
    "cp932": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "EUC-KR",
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1",
    "iso8859_1": "Latin-1",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
}
# Decode with the superset: GB2312 and GBK text is GB18030 text; cp950 holds Big5's characters and more.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "shift_jis": "cp932", "euc_kr": "cp949"}
_UTF8_INVALID = re.compile(rb"[\x80-\xff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    """A file's text, the encoding it was read as (Python's name), and what the reader should be told."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode(data: bytes) -> Decoded:
    """The text of data: by its byte-order mark, as UTF-8 (keeping good text around a few bad bytes), as UTF-16
    without a mark, else in the encoding charset-normalizer finds (Windows-1252 when it finds none)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(enc, errors="replace"), enc)
    utf16 = utf16_without_bom(data)  # first: ASCII in UTF-16 is also valid UTF-8, with a NUL every other byte
    if utf16:
        return Decoded(data.decode(utf16, errors="replace"), utf16, (f"decoded as {NAMES[utf16]}",))
    try:
        return Decoded(data.decode("utf-8"), "utf_8")
    except UnicodeDecodeError:
        pass
    bad = _bad_utf8_bytes(data)
    if bad is not None:
        s = "" if bad == 1 else "s"
        return Decoded(
            data.decode("utf-8", errors="replace"),
            "utf_8",
            (f"UTF-8 with {bad:,} invalid byte{s}, each shown as \ufffd; the rest of the text is kept",),
        )
    enc = _detect(data)
    name = NAMES.get(enc, enc.upper().replace("_", "-"))
    return Decoded(data.decode(_SUPERSET.get(enc, enc), errors="replace"), enc, (f"not UTF-8: decoded as {name}",))


def utf16_without_bom(data: bytes) -> str | None:
    """utf_16_le or utf_16_be for text whose every other byte is mostly zero (ASCII or Latin text in UTF-16)."""
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    enc = (
        "utf_16_le"
        if odd > 0.3 * half and even < 0.05 * half
        else "utf_16_be"
        if even > 0.3 * half and odd < 0.05 * half
        else None
    )
    if enc:
        text = sample.decode(enc, errors="replace")  # the sample may end inside a surrogate pair
        # Binary with zero bytes (an executable, an image) decodes to control codes and broken surrogates.
        if _CONTROL.search(text) or text.count("\ufffd") > 1:
            return None
    return enc


def _bad_utf8_bytes(data: bytes) -> int | None:
    """How many bytes of data are not UTF-8, when data is UTF-8 with a few bad bytes; None when it is not UTF-8."""
    good = data.decode("utf-8", errors="ignore")
    multibyte = sum(1 for c in good if ord(c) > 127)
    non_ascii = len(_UTF8_INVALID.findall(data))
    bad = non_ascii - len(good.encode("utf-8")) + len(good.encode("ascii", errors="ignore"))
    # Legacy text (GBK, Windows-1252) forms valid UTF-8 characters only by chance: far fewer than its bad bytes.
    if multibyte >= bad and bad <= max(MAX_BAD_BYTES, MAX_BAD_SHARE * non_ascii):
        return bad
    return None


# The legacy encodings people have files in, most common first: charset-normalizer chooses among these only
# (over all of Python's codecs it takes short Western text for CP775), and among near ties the earlier one wins.
EVERYDAY = (
    "cp1252",
    "gb18030",
    "big5",
    "cp932",
    "euc_jp",
    "euc_kr",
    "cp1251",
    "cp1250",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "koi8_r",
    "tis_620",
)
_TIE = 0.01


def _detect(data: bytes) -> str:
    """charset-normalizer's best everyday encoding for data (Python's codec name); Windows-1252 when none fits."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=list(EVERYDAY)))
    if not matches:
        return "cp1252"
    best = matches[0]
    tied = [m for m in matches if m.chaos <= best.chaos + _TIE and m.coherence >= best.coherence - _TIE]
    names = {codecs.lookup(c).name.replace("-", "_") for m in tied for c in (m.encoding, *m.could_be_from_charset)}
    return next((e for e in EVERYDAY if e in names), codecs.lookup(best.encoding).name.replace("-", "_"))
