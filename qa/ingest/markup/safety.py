"""Archive and XML safety: zip members read within bounds, paths that climb out and entity declarations refused.

EPUB and DOCX are zip archives of XML. A decompression bomb (a small member that expands to gigabytes), a member
path that climbs out of the archive ("../x", "/etc/x"), an entity bomb ("billion laughs") and an external entity
(a file or URL pulled in by the parser) are each refused with the reason, before anything is expanded or fetched.
The memory limit of the parsing child is the backstop; these checks give the user the reason instead.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

from .blocks import Refused, Unreadable

MAX_MEMBERS = 10_000
MAX_UNPACKED = 512 * 2**20  # all members together, as declared and as read
MAX_RATIO = 200  # a text member compresses 3-20 times; a bomb compresses thousands of times
_RATIO_FLOOR = 2**20  # small members may compress well without being a threat


class Archive:
    """A zip archive whose member paths are checked on opening and whose members are read within bounds."""

    def __init__(self, data: bytes, what: str):
        self.what = what
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise Refused(f"not a readable {what} (a damaged zip archive: {exc})") from None
        if any(i.flag_bits & 0x1 for i in infos):
            raise Refused(
                f"the {what} is password-protected (its archive is encrypted); save a copy without the password and add that"
            )
        if len(infos) > MAX_MEMBERS:
            raise Refused(f"the {what} archive has {len(infos):,} members, over the limit of {MAX_MEMBERS:,}")
        for info in infos:
            if climbs_out(info.filename):
                raise Refused(f"the {what} archive has a member path that climbs out of it ({info.filename!r})")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED:
            raise Refused(
                f"the {what} archive would unpack to {total / 2**20:,.0f} MiB, over the limit of "
                f"{MAX_UNPACKED / 2**20:g} MiB (a decompression bomb?)"
            )
        for info in infos:
            packed = max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * packed:
                raise Refused(
                    f"the {what} archive member {info.filename!r} expands {info.file_size // packed:,} "
                    f"times ({info.compress_size:,} bytes to {info.file_size:,}): a decompression bomb"
                )
        self._names = {i.filename: i for i in infos}
        self._read = 0

    def names(self) -> list[str]:
        """The member paths, in archive order."""
        return list(self._names)

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than it declares (a lying header cannot expand past the limits)."""
        info = self._names.get(name)
        if info is None:
            raise Unreadable(f"the {self.what} archive has no member {name!r}")
        try:
            with self._zip.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise Unreadable(f"the {self.what} archive member {name!r} cannot be read ({exc})") from None
        self._read += len(data)
        if len(data) > info.file_size or self._read > MAX_UNPACKED:
            raise Refused(f"the {self.what} archive member {name!r} expands past its declared size (a decompression bomb)")
        return data


def climbs_out(name: str) -> bool:
    """True for a member path that would land outside the archive's folder: absolute, a drive, or through '..'."""
    p = name.replace("\\", "/")
    return p.startswith("/") or bool(re.match(r"[A-Za-z]:", p)) or ".." in posixpath.normpath(p).split("/")


def join(base: str, href: str) -> str:
    """A member path from a link relative to the member base (an EPUB's spine entry); climbing out is refused."""
    href = unquote(href.split("#", 1)[0])
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), href))
    if href.startswith("/") or climbs_out(path):
        raise Refused(f"a link inside the archive climbs out of it ({href!r})")
    return path


_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s*(?:(SYSTEM|PUBLIC)\b|([\"'])(.*?)\4)", re.I | re.S)
# Declarations live in a DOCTYPE's internal subset, wherever the DOCTYPE is; comments and CDATA are only text.
# (head, internal subset, its closing "]>" or "" when the file ends inside it: scanned once, in linear time)
_DOCTYPE = re.compile(rb"(<!DOCTYPE\b[^\[>]*?)\s*\[(.*?)(\]\s*>|\Z)", re.I | re.S)
# An unclosed one runs to the end of the file (as parsers read it), so that each is scanned once: linear time.
_LITERAL = re.compile(rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)", re.S)
_CHAR_REF = re.compile(rb"&#(?:x[0-9a-fA-F]+|[0-9]+);")
MAX_ENTITY_CHARS = 1024  # a named character or a short phrase; a bomb needs nesting or a long value
MAX_EXPANSION = 64 * 2**20  # all references to declared entities together, once expanded


def check_entities(data: bytes, what: str) -> dict[bytes, bytes]:
    """The internal entities markup declares (name -> value as written), after refusing those that could read a file
    or URL (external) or expand without bound (one that refers to another entity, a parameter entity, a long value).

    Every DOCTYPE in the file is checked, not only one at its start; declarations shown in comments or CDATA are text.
    A short value of text and character references ("&#160;") is what books declare, and is harmless.
    """
    if b"<!" not in data:
        return {}
    declared: dict[bytes, bytes] = {}
    for doctype in _DOCTYPE.finditer(_LITERAL.sub(b"", data)):
        for m in _ENTITY.finditer(doctype.group(2)):
            if m.group(3):
                raise Refused(f"the {what} declares an external XML entity (it would read another file or a URL)")
            value = m.group(5) or b""
            if m.group(1) or b"&" in _CHAR_REF.sub(b"", value) or b"%" in value or len(value) > MAX_ENTITY_CHARS:
                raise Refused(
                    f'the {what} declares XML entities that nest or are large (an "entity bomb": they can expand without bound)'
                )
            declared.setdefault(m.group(2), value)  # XML: the first declaration of a name binds
    return declared


def expand_entities(data: bytes, what: str, html: bool = False) -> bytes:
    """data with its DOCTYPE's internal subset removed and references to the entities it declared replaced by their
    values, as an XML parser would (after check_entities); html=True also turns CDATA sections into escaped text,
    which the HTML parser would otherwise drop as a comment."""
    declared = check_entities(data, what)
    if html and b"<![CDATA[" in data:
        data = re.sub(rb"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", lambda m: _escape(m.group(1)), data, flags=re.S)
    data = _strip_subsets(data)
    if not declared:
        return data
    ref = re.compile(b"&(" + b"|".join(re.escape(n) for n in declared) + b");")
    grows = sum(len(declared[m.group(1)]) for m in ref.finditer(data))
    if grows > MAX_EXPANSION:
        raise Refused(f"the {what}'s entities expand to more than {MAX_EXPANSION // 2**20} MiB")
    return ref.sub(lambda m: declared[m.group(1)], data)


def _strip_subsets(data: bytes) -> bytes:
    """data with each DOCTYPE's internal subset removed ("<!DOCTYPE html>" left); an unclosed one is left as it is."""
    out, at = [], 0
    for m in _DOCTYPE.finditer(data):
        if not m.group(3):
            break
        out += [data[at : m.start()], m.group(1), b">"]
        at = m.end()
    return b"".join(out) + data[at:] if out else data


def _escape(text: bytes) -> bytes:
    return text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def xml_parser():
    """An lxml parser that never loads a DTD, resolves an entity, reaches the network or builds a huge tree."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, what: str):
    """The root element of an XML member, after the entity check; broken XML is refused with the parser's reason."""
    from lxml import etree

    data = expand_entities(data, what)
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise Refused(f"the {what} is not well-formed XML ({exc})") from None
