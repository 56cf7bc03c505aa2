"""Tables set without rules on a PDF page, found from pdfium's character boxes alone (run in the PDF child).

A table without rules is text in columns: lines whose words start at a few shared x positions, with a gap between
columns wider than any space between words. Lines are the page's baselines (pdfium's text lines that share one band,
so a superscript or a fraction's parts join the line they sit on); a line splits into segments where the gap between
two characters is at least GAP line heights. A table is consecutive lines of two kinds:

- a row's first line, starting at the table's first column x0, with the other cells beside it (side by side) or,
  when its first cell is too wide for that, alone on its line (a term and its description below, as Texinfo's
  @table sets a long option);
- a continuation line, starting at or right of the second column x1 with nothing in the first: the row's cells
  wrapped onto more lines.

Every row has text past its first column; the table ends at a line starting anywhere else (between x0 and x1, or
left of x0), at a row with nothing but its first cell (a heading, a paragraph) and at a wide vertical gap. Columns
past the first are the x positions where side-by-side cells start in several rows; each segment belongs to the
column it starts in. Some layouts look like this and are no tables, and are left as text:

- fewer than MIN_SIDE rows side by side: a term on its own line with text indented below it is also a function's
  signature and its description, or a paragraph's last line and a code block. Such a table counts only when the
  document has shown the same indent (x1 - x0) in a table with cells side by side (Columns, kept page to page);
- every column set in a fixed-pitch font: code with aligned comments;
- first cells whose right ends line up (justified text): the two columns of a page's layout;
- text order that does not follow the rows (a two-column page read column by column): splicing would reorder it.

A first row set in a bolder font than the rest is the table's header; otherwise the table has none and its rows
follow an empty header row, so an answer quotes the row alone. Imports nothing beyond the standard library: the child
runs it.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

TOL = 2.0  # points: starts this close are one column
GAP = 1.1  # line heights: a gap this wide between characters parts two cells; wider than any space between words
MIN_SIDE = 2  # rows with their cells side by side that make a table of their own
MAX_VGAP = 2.6  # line heights: a blank this tall between lines ends a table
MAX_STRAY = 0.02  # share of a table span's characters allowed outside its cells
JUSTIFIED = 0.8  # share of side-by-side first cells whose right ends line up that makes two columns of a layout
PROSE_WORDS = 4  # words in a typical first cell from which first cells are lines of prose
PITCH = 0.2  # points: character widths this close are one width (a fixed-pitch font)
BOLD = 500  # pdfium font weight from which a header row is bold
SOFT_HYPHEN = "\ufffe\x02\xad"  # pdfium's mark of a word hyphenated at a line end

# A line pointing at a page: dot leaders and a number (contents), or a comma and a number (an index).
_POINTER = re.compile(r"(?:\.\s*){3,}\d{1,4}$|…+\s*\d{1,4}$|[,，]\s*\d{1,4}(?:\s*[–-]\s*\d{1,4})?$")


@dataclass
class Columns:
    """What a document has shown so far: the indents (second column x - first column x) of its tables with cells
    side by side. A table whose terms all stand on lines of their own counts only at one of these indents."""

    indents: list[float] = field(default_factory=list)

    def knows(self, indent: float) -> bool:
        return any(abs(indent - i) <= TOL for i in self.indents)

    def add(self, indent: float) -> None:
        if not self.knows(indent):
            self.indents.append(indent)


@dataclass
class _Seg:
    start: float
    end: float
    chars: list[int]


@dataclass
class _Line:
    bottom: float
    top: float
    height: float
    segs: list[_Seg] = field(default_factory=list)


@dataclass
class _Row:
    lines: list[_Line]

    @property
    def head(self) -> _Line:
        return self.lines[0]


def find_tables(
    textpage, text: str, seen: Columns | None = None, taken: list[tuple[int, int]] | None = None
) -> list[tuple[int, int, list[list[str]]]]:
    """(start, end, rows) of each table set without rules on the page: text[start:end] is the table's characters.

    text is textpage's whole text; seen: the document's Columns so far (updated); taken: spans of text already
    laid out as tables (ruled ones), which an aligned table may not overlap. An empty first row means no header."""
    chars = _chars(textpage, text)
    if chars is None:
        return []
    boxes = _loose_boxes(textpage, chars)
    lines = _lines(chars, boxes)
    seen = seen if seen is not None else Columns()
    offsets = [0]
    for c in chars:
        offsets.append(offsets[-1] + len(c))
    out = []
    for rows, cols, side in _candidates(lines, seen):
        found = _table(rows, cols, chars, boxes, side)
        if found is None:
            continue
        start, end, cells = found
        if not side and any(_bold(textpage, {k: at for k, at in cells.items() if at[1] == 0}, r) for r in range(len(rows))):
            continue  # a heading over its text, not a term
        if any(a < offsets[end] and offsets[start] < b for a, b in taken or ()):
            continue
        if side:
            seen.add(cols[1] - cols[0])
        out.append((offsets[start], offsets[end], _with_header(textpage, rows, cols, cells, chars)))
    return out


def _loose_boxes(textpage, chars: list[str]) -> list[tuple[float, float, float, float]]:
    """Each visible character's loose box (left, bottom, right, top); spaces and line breaks get zeros (never read).

    pdfium's call with one reused rectangle: pypdfium2's get_charbox makes a new one per character, which took a
    quarter of a long manual's table finding (octave.pdf, 1.9 million characters)."""
    import pypdfium2.raw as pdfium_c

    rect = pdfium_c.FS_RECTF()
    get, handle = pdfium_c.FPDFText_GetLooseCharBox, textpage.raw
    none = (0.0, 0.0, 0.0, 0.0)
    boxes = []
    for k, c in enumerate(chars):
        if not c.strip():
            boxes.append(none)
        elif get(handle, k, rect):
            boxes.append((rect.left, rect.bottom, rect.right, rect.top))
        else:
            raise ValueError(f"pdfium gave no box for character {k}")
    return boxes


def _chars(textpage, text: str) -> list[str] | None:
    """The page's characters, one per character box; None when they do not make the page's text."""
    count = textpage.count_chars()
    chars = list(text)
    if count != len(text):  # a character without a code point gives no text: read them one by one
        chars = [textpage.get_text_range(k, 1) for k in range(count)]
        if "".join(chars) != text:
            return None
    return chars


def _runs(chars: list[str], boxes: list) -> list[list[int]]:
    """pdfium's text lines: runs of visible characters between line breaks (a word hyphenated at a line end, or a
    character that starts left of the one before and below it, also ends one)."""
    runs: list[list[int]] = [[]]
    for k, c in enumerate(chars):
        if c in "\r\n" or c in SOFT_HYPHEN:
            if runs[-1]:
                runs.append([])
        elif c.strip() and boxes[k][2] > boxes[k][0]:
            if runs[-1] and _wraps(boxes[runs[-1][-1]], boxes[k]):
                runs.append([])
            runs[-1].append(k)
    return [r for r in runs if r]


def _wraps(before: tuple, after: tuple) -> bool:
    """The character after starts a new line: left of the one before and wholly below it."""
    return after[0] < before[0] - (before[3] - before[1]) and after[3] <= before[1]


def _lines(chars: list[str], boxes: list) -> list[_Line]:
    """The page's lines top to bottom: pdfium's text lines joined where they share a band (a superscript, a
    fraction's numerator, a cell pdfium read as a line of its own), split into segments at wide gaps."""
    bands = []
    for run in _runs(chars, boxes):
        heights = sorted(boxes[k][3] - boxes[k][1] for k in run)
        bands.append((min(boxes[k][1] for k in run), max(boxes[k][3] for k in run), heights[len(heights) // 2], run))
    bands.sort(key=lambda b: -len(b[3]))  # the longest runs first: a line's band is its main text's
    lines: list[tuple[_Line, list[int]]] = []
    for bottom, top, height, run in bands:
        best = next((ln for ln in lines if _joins(ln[0], bottom, top, height)), None)
        if best is None:
            lines.append((_Line(bottom, top, height), list(run)))
        else:
            best[1].extend(run)
    out = []
    for line, members in lines:
        line.segs = _segments(sorted(members, key=lambda k: boxes[k][0]), boxes, line.height)
        out.append(line)
    out.sort(key=lambda ln: -(ln.bottom + ln.top))
    return out


def _joins(line: _Line, bottom: float, top: float, height: float) -> bool:
    """A run of text sits on the line: it shares most of its band, or it is smaller text (a sub- or superscript, a
    fraction's part, a radical) reaching into it."""
    overlap = min(top, line.top) - max(bottom, line.bottom)
    return overlap >= 0.5 * min(height, line.height) or (height < 0.8 * line.height and overlap > 0)


def _segments(ks: list[int], boxes: list, height: float) -> list[_Seg]:
    segs: list[_Seg] = []
    for k in ks:
        left, _, right, _ = boxes[k]
        if segs and left - segs[-1].end < GAP * height:
            segs[-1].end = max(segs[-1].end, right)
            segs[-1].chars.append(k)
        else:
            segs.append(_Seg(left, right, [k]))
    return segs


def _candidates(lines: list[_Line], seen: Columns):
    """(rows, column starts, cells side by side) of each run of lines laid out as a table, top to bottom."""
    i = 0
    while i < len(lines):
        rows = _grow(lines, i)
        cols = _columns(rows, seen) if rows else None
        if rows and cols and abs(cols[1] - _second(lines, i)) > TOL:  # grown with a column that is none: again
            rows = _grow(lines, i, cols[1])
            cols = _columns(rows, seen) if rows else None
        if rows and cols and (_side(rows[0], cols[1]) or _set_apart(lines, rows)):
            yield rows, cols, sum(1 for r in rows if _side(r, cols[1])) >= MIN_SIDE
            i = lines.index(rows[-1].lines[-1]) + 1
        else:
            i += 1


def _second(lines: list[_Line], i: int) -> float:
    """Where the second column of a table whose first row starts at line i would start: its first line's second
    segment, else the next line's indent; inf when neither."""
    first = lines[i]
    if len(first.segs) >= 2:
        return first.segs[1].start
    if i + 1 < len(lines) and lines[i + 1].segs[0].start >= first.segs[0].start + GAP * first.height:
        return lines[i + 1].segs[0].start
    return float("inf")


def _grow(lines: list[_Line], i: int, x1: float | None = None) -> list[_Row] | None:
    """The rows of a table whose first row starts at line i (its second column at x1, else where line i shows it),
    or None when no table starts there."""
    x0 = lines[i].segs[0].start
    x1 = _second(lines, i) if x1 is None else x1
    if x1 == float("inf"):
        return None
    rows: list[_Row] = []
    for j in range(i, len(lines)):
        line, start = lines[j], lines[j].segs[0].start
        if j > i and lines[j - 1].bottom - line.top > MAX_VGAP * line.height:
            break  # a blank too tall for a table's rows
        if abs(start - x0) <= TOL:
            if rows and not _past_first(rows[-1], x1):
                break  # the row above holds its first cell only: a heading or a paragraph, no row
            rows.append(_Row([line]))
        elif start >= x1 - TOL and rows:
            rows[-1].lines.append(line)
        else:
            break
    while rows and not _past_first(rows[-1], x1):
        rows.pop()
    return rows or None


def _past_first(row: _Row, x1: float) -> bool:
    return any(s.start >= x1 - TOL for line in row.lines for s in line.segs)


def _side(row: _Row, x1: float) -> bool:
    """The row's first line holds cells side by side."""
    return any(s.start >= x1 - TOL for s in row.head.segs[1:])


def _columns(rows: list[_Row], seen: Columns) -> list[float] | None:
    """Column starts of the rows: the first cells' x, then the x positions where cells beside them start in several
    rows (or, in a table of terms on lines of their own, the indent of the lines below them); None when the rows are
    no table."""
    x0 = rows[0].head.segs[0].start
    x1 = min(s.start for r in rows for line in r.lines for s in line.segs if s.start >= x0 + TOL and _beside(r, line, s))
    side = [r for r in rows if _side(r, x1)]
    if len(side) < MIN_SIDE:  # terms on lines of their own only, at an indent the document has shown
        return [x0, x1] if not side and seen.knows(x1 - x0) else None
    starts = sorted(s.start for r in side for s in r.head.segs[1:] if s.start >= x1 - TOL)
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][-1] <= TOL:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    need = max(2, len(rows) / 4)
    cols = [x0] + [c[0] for c in clusters if len(c) >= need]
    if len(cols) < 2:
        return None
    # Most rows start their second cell at the second column (run-in headings start their text where they end).
    at_second = sum(1 for r in side if any(abs(s.start - cols[1]) <= TOL for s in r.head.segs[1:]))
    return cols if at_second > len(side) / 2 else None


def _beside(row: _Row, line: _Line, seg: _Seg) -> bool:
    """A segment that may start the second column: a cell beside the first on the row's first line, or the first
    segment of a line below it."""
    return seg is not line.segs[0] if line is row.head else seg is line.segs[0]


def _column(x: float, cols: list[float]) -> int:
    return max(c for c, at in enumerate(cols) if at - TOL <= x)


def _set_apart(lines: list[_Line], rows: list[_Row]) -> bool:
    """The first row stands apart from the line above it (more space than between the lines of a row): a term, not
    a paragraph's last line over a block set in (a code example)."""
    at = lines.index(rows[0].head)
    if at == 0:
        return True
    pitches = [a.bottom - b.bottom for r in rows for a, b in zip(r.lines, r.lines[1:], strict=False)]
    return not pitches or lines[at - 1].bottom - rows[0].head.bottom > 1.25 * min(pitches)


def _table(rows: list[_Row], cols: list[float], chars: list[str], boxes: list, side: bool):
    """(first character, end, {character: (row, column)}) of a table; None when it is no table after all. side:
    the rows show cells side by side (else terms on lines of their own, whose descriptions may not be code)."""
    cells: dict[int, tuple[int, int]] = {}
    for r, row in enumerate(rows):
        for line in row.lines:
            for seg in line.segs:
                c = _column(seg.start, cols)
                for k in seg.chars:
                    cells[k] = (r, c)
    start, end = min(cells), max(cells) + 1
    stray = sum(1 for k in range(start, end) if k not in cells and chars[k].strip() and chars[k] not in SOFT_HYPHEN)
    if stray > MAX_STRAY * (end - start) or not _in_order(rows, cells):
        return None
    if _justified(rows, cols, cells, boxes) or (side and _fixed_pitch(range(len(cols)), cells, boxes)):
        return None
    if not side and any(
        _fixed_pitch(range(1, len(cols)), {k: at for k, at in cells.items() if at[0] == r}, boxes) for r in range(len(rows))
    ):
        return None  # a line over a block of code set in, not a term and its description
    if _pointers([r for r in _texts(cells, chars, len(rows), len(cols)) if any(r)]):
        return None
    return start, end, cells


def _in_order(rows: list[_Row], cells: dict[int, tuple[int, int]]) -> bool:
    """The text reads the rows one after another (a page of two columns read column by column does not): few
    characters come before the end of the row above (a fraction's parts may)."""
    last = [max(k for k, at in cells.items() if at[0] == r) for r in range(len(rows))]
    early = sum(1 for k, (r, _) in cells.items() if r and k < last[r - 1])
    return early <= MAX_STRAY * 5 * len(cells)


def _justified(rows: list[_Row], cols: list[float], cells: dict[int, tuple[int, int]], boxes: list) -> bool:
    """The first cells of the side-by-side rows are lines of prose (several words) that end at one x, as justified
    text does: two columns of a page. (Terms of one length end at one x too, but are a word or two.)"""
    ends, words = [], []
    for r, row in enumerate(rows):
        segs = [s for s in row.head.segs if cells[s.chars[0]] == (r, 0)]
        if segs and len(segs) < len(row.head.segs):
            ends.append(max(boxes[k][2] for s in segs for k in s.chars))
            words.append(sum(_words(s, boxes) for s in segs))
    if len(ends) < 3 or sorted(words)[len(words) // 2] < PROSE_WORDS:
        return False
    right = max(ends)
    return sum(1 for e in ends if right - e <= TOL) >= JUSTIFIED * len(ends)


def _words(seg: _Seg, boxes: list) -> int:
    """Words in a segment: its characters' runs apart by a space's width or more (a third of the line's height)."""
    ks = sorted(seg.chars, key=lambda k: boxes[k][0])
    height = max(boxes[k][3] - boxes[k][1] for k in ks)
    return 1 + sum(1 for a, b in zip(ks, ks[1:], strict=False) if boxes[b][0] - boxes[a][2] >= height / 6)


def _pointers(texts: list[list[str]]) -> bool:
    """Most rows end in a page reference: a contents list or an index, which the parent leaves out as such."""
    refs = sum(1 for row in texts if _POINTER.search(" ".join(" ".join(row).split())))
    numbers = [_page_number(next((c for c in reversed(row) if c), "")) for row in texts]
    growing = all(a is not None and b is not None and a <= b for a, b in zip(numbers, numbers[1:], strict=False))
    return refs >= 0.5 * len(texts) or (growing and numbers[-1] is not None)


def _page_number(cell: str) -> int | None:
    """The page a last cell names when it is a bare page number (a contents list without leaders): arabic or roman."""
    if re.fullmatch(r"\d{1,4}", cell):
        return int(cell)
    if re.fullmatch(r"[ivxlc]{1,7}", cell):
        return -1000 + sum({"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}[ch] for ch in cell)  # before page 1
    return None


def _fixed_pitch(columns: range, cells: dict[int, tuple[int, int]], boxes: list) -> bool:
    """Every one of the columns set in one character width: code with its comments aligned, not a table."""
    for c in columns:
        widths = sorted(boxes[k][2] - boxes[k][0] for k, at in cells.items() if at[1] == c)
        if not widths:
            continue
        common = widths[len(widths) // 2]
        if sum(1 for w in widths if abs(w - common) <= PITCH) < 0.9 * len(widths):
            return False
    return True


def _texts(cells: dict[int, tuple[int, int]], chars: list[str], n_rows: int, n_cols: int) -> list[list[str]]:
    """The cells' texts in the page's text order, a line break where a cell's text wraps; a word hyphenated at a
    line end whole again."""
    out = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    current: tuple[int, int] | None = None
    joining = False
    start, end = min(cells), max(cells) + 1
    for k in range(start, end):
        c = chars[k]
        if k in cells:
            current, joining = cells[k], False
            out[current[0]][current[1]] += c
        elif current is not None and c in SOFT_HYPHEN:
            joining = True
        elif current is not None and not c.strip() and not joining:
            out[current[0]][current[1]] += "\n" if c in "\r\n" else " "
    return [["\n".join(" ".join(ln.split()) for ln in cell.split("\n") if ln.strip()) for cell in row] for row in out]


def _with_header(textpage, rows: list[_Row], cols: list[float], cells: dict[int, tuple[int, int]], chars: list[str]):
    """The table's rows, the first one its header when it is set bolder than the rest, else under an empty header."""
    texts = _texts(cells, chars, len(rows), len(cols))
    if len(rows) >= 2 and all(texts[0]) and _bold(textpage, cells, 0) and not _bold(textpage, cells, 1):
        return texts
    return [["" for _ in cols], *texts]


def _bold(textpage, cells: dict[int, tuple[int, int]], row: int) -> bool:
    """Most of the row's characters are set bold: by the font's weight, or by its name where the font has no weight
    (the standard fonts: "Helvetica-Bold")."""
    ks = [k for k, at in cells.items() if at[0] == row]
    try:
        bold = sum(1 for k in ks if _weight(textpage, k) >= BOLD)
    except (ImportError, AttributeError, ctypes.ArgumentError):
        return False
    return bold > 0.8 * len(ks)


def _weight(textpage, k: int) -> int:
    import pypdfium2.raw as pdfium_c

    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, k)
    if weight > 0:
        return weight
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, k, name, len(name), ctypes.byref(flags))
    return 700 if re.search(rb"bold|black|heavy", name.value, re.I) else 400
