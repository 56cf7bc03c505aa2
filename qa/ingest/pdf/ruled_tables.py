"""Ruled tables on a PDF page, found from pdfium's drawn lines and character boxes (run in the PDF child).

A table drawn with rules (the lines between its rows and columns) is found as a grid: the thin horizontal and
vertical path objects that touch one another, their distinct x positions the column borders and their y positions
the row borders. Each character whose box centre falls in a cell is that cell's text; the page's characters from
the table's first to its last are the span the parent replaces with the table's rows. A grid of one column (a
frame around code or a note) is no table. Tables set without rules are found by aligned_tables.py.

Measured against pdfplumber's lattice finder in results/pdf-tables.md. Imports pypdfium2 only: the child runs it.
"""

from __future__ import annotations

THIN = 2.0  # points: a rule is at most this thick
NEAR = 2.5  # points: segments this close touch; borders this close are one
MIN_RULE = 5.0  # points: shorter strokes are glyph parts or decorations
MAX_STRAY = 0.1  # share of a table span's characters allowed outside its grid (text beside the table)


def _segments(page) -> tuple[list[tuple[float, float, float, float]], list[tuple[float, float, float, float]]]:
    """(horizontal, vertical) thin path objects of the page as (left, bottom, right, top)."""
    import pypdfium2.raw as pdfium_c

    horizontal, vertical = [], []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= THIN and width >= MIN_RULE:
            horizontal.append((left, bottom, right, top))
        elif width <= THIN and height >= MIN_RULE:
            vertical.append((left, bottom, right, top))
    return horizontal, vertical


def _touch(a, b) -> bool:
    return a[0] - NEAR <= b[2] and b[0] - NEAR <= a[2] and a[1] - NEAR <= b[3] and b[1] - NEAR <= a[3]


def _groups(segments: list) -> list[list[int]]:
    """Indices of segments that touch, transitively (a table's rules), by union-find."""
    parent = list(range(len(segments)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(segments)), key=lambda i: segments[i][0])
    for n, i in enumerate(order):
        for j in order[n + 1 :]:
            if segments[j][0] - NEAR > segments[i][2]:
                break  # sorted by left edge: nothing further can reach back to i
            if _touch(segments[i], segments[j]):
                parent[find(i)] = find(j)
    out: dict[int, list[int]] = {}
    for i in range(len(segments)):
        out.setdefault(find(i), []).append(i)
    return list(out.values())


def _borders(values: list[float]) -> list[float]:
    """Distinct positions, those within NEAR of one another merged."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= NEAR:
            continue
        out.append(v)
    return out


def _grids(page) -> list[tuple[list[float], list[float], list]]:
    """(column borders left to right, row borders top to bottom, vertical rules) of each ruled grid of two or more
    columns and rows."""
    horizontal, vertical = _segments(page)
    segments = horizontal + vertical
    grids = []
    for group in _groups(segments):
        hs = [segments[i] for i in group if i < len(horizontal)]
        vs = [segments[i] for i in group if i >= len(horizontal)]
        if len(hs) < 2 or len(vs) < 2:
            continue
        xs = _borders([(v[0] + v[2]) / 2 for v in vs])
        ys = _borders([(h[1] + h[3]) / 2 for h in hs])[::-1]
        if len(xs) >= 3 and len(ys) >= 3:
            grids.append((xs, ys, vs))
    return grids


def _merged(xs: list[float], ys: list[float], vs: list, raw: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Cells with a cell spanning columns made one: where a word runs across a column border with no rule at it in
    that row (a caption over the whole table), the row's columns on both sides of that border are one cell."""

    def ruled(r: int, c: int) -> bool:
        mid = (ys[r] + ys[r + 1]) / 2
        return any(abs((v[0] + v[2]) / 2 - xs[c]) <= NEAR and v[1] - NEAR <= mid <= v[3] + NEAR for v in vs)

    across = {
        (raw[k][0], raw[k + 1][1]) for k in raw if k + 1 in raw and raw[k][0] == raw[k + 1][0] and raw[k + 1][1] == raw[k][1] + 1
    }
    across = {(r, c) for r, c in across if not ruled(r, c)}
    if not across:
        return raw
    first: dict[tuple[int, int], int] = {}
    for r in {r for r, _ in across}:
        start = 0
        for c in range(len(xs) - 1):
            if c and (r, c) not in across:
                start = c
            first[(r, c)] = start
    return {k: (r, first.get((r, c), c)) for k, (r, c) in raw.items()}


def _cell(x: float, y: float, xs: list[float], ys: list[float]) -> tuple[int, int] | None:
    if not (xs[0] <= x <= xs[-1] and ys[-1] <= y <= ys[0]):
        return None
    col = next(i for i in range(len(xs) - 1) if x <= xs[i + 1])
    row = next(i for i in range(len(ys) - 1) if y >= ys[i + 1])
    return row, col


def find_tables(page, textpage, text: str) -> list[tuple[int, int, list[list[str]]]]:
    """(start, end, rows) of each ruled table of the page: text[start:end] is the table's characters, rows its cells.

    text is textpage's whole text; start and end are offsets in it; rows keep their line breaks for the parent.
    """
    grids = _grids(page)
    if not grids:
        return []
    chars = _chars(textpage, text)
    if chars is None:
        return []  # the text does not map onto the character boxes: leave the page as it is
    offsets = [0]
    for c in chars:
        offsets.append(offsets[-1] + len(c))
    # Loose boxes span the font's ascent and descent: one line's characters share their top and bottom.
    boxes = [textpage.get_charbox(k, loose=True) for k in range(len(chars))]
    out = []
    for xs, ys, vs in grids:
        found = _table(xs, ys, vs, chars, boxes)
        if found is not None:
            start, end, rows = found
            out.append((offsets[start], offsets[end], rows))
    return out


def _chars(textpage, text: str) -> list[str] | None:
    """The page's characters, one per character box; None when they do not make the page's text."""
    count = textpage.count_chars()
    chars = list(text)
    if count != len(text):  # a character without a code point (0) gives no text: read them one by one
        chars = [textpage.get_text_range(k, 1) for k in range(count)]
        if "".join(chars) != text:
            return None
    return chars


def _table(xs: list[float], ys: list[float], vs: list, chars: list[str], boxes: list) -> tuple[int, int, list[list[str]]] | None:
    """(first character, end, rows) of the table of one grid; None when no text lies in it or text beside it would
    be lost."""
    cells: dict[int, tuple[int, int]] = {}
    for k, (left, bottom, right, top) in enumerate(boxes):
        if not chars[k].strip() or (left == right and bottom == top):
            continue
        at = _cell((left + right) / 2, (bottom + top) / 2, xs, ys)
        if at is not None:
            cells[k] = at
    if not cells:
        return None
    cells = _merged(xs, ys, vs, cells)
    start, end = min(cells), max(cells) + 1
    stray = sum(1 for k in range(start, end) if k not in cells and chars[k].strip())
    if stray > MAX_STRAY * (end - start):
        return None  # text beside the table is interleaved with its cells: splicing would lose it
    return start, end, _rows(chars, boxes, cells, start, end, len(ys) - 1, len(xs) - 1)


def _rows(
    text: list[str], boxes: list, cells: dict[int, tuple[int, int]], start: int, end: int, n_rows: int, n_cols: int
) -> list[list[str]]:
    """The grid's rows of cell texts. A ruled row whose every filled column has a line of text on each of its lines
    is rows set without rules between them (a key and what it does, line by line): each line is a row of its own."""
    lines: dict[int, int] = {}  # character -> line number within its ruled row
    for r in range(n_rows):
        ks = sorted((k for k, at in cells.items() if at[0] == r), key=lambda k: -(boxes[k][1] + boxes[k][3]))
        line, last_y = -1, None
        for k in ks:
            y, height = (boxes[k][1] + boxes[k][3]) / 2, boxes[k][3] - boxes[k][1]
            if last_y is None or last_y - y > max(height, 1.0) * 0.6:
                line, last_y = line + 1, y
            lines[k] = line
    texts: dict[tuple[int, int, int], str] = {}
    current = None
    for k in range(start, end):
        if k in cells:
            current = (*cells[k], lines[k])
            texts[current] = texts.get(current, "") + text[k]
        elif current is not None and text[k] and not text[k].strip():
            texts[current] += " "
    rows: list[list[str]] = []
    for r in range(n_rows):
        n_lines = 1 + max((key[2] for key in texts if key[0] == r), default=-1)
        filled = {c for (rr, c, _) in texts if rr == r}
        if n_lines >= 2 and all(all((r, c, ln) in texts for ln in range(n_lines)) for c in filled):
            rows.extend([" ".join(texts.get((r, c, ln), "").split()) for c in range(n_cols)] for ln in range(n_lines))
        else:
            rows.append(
                ["\n".join(texts[(r, c, ln)].strip() for ln in range(n_lines) if (r, c, ln) in texts) for c in range(n_cols)]
            )
    return [r for r in rows if any(r)]


def checked(got, length: int) -> tuple:
    """A page's tables as the child sent them, checked: the child's output is data, not trusted structure."""
    out: list[tuple[int, int, tuple[tuple[str, ...], ...]]] = []
    try:
        for start, end, rows in sorted(got or (), key=lambda t: t[0]):
            # In the page, one after another: an overlapping one would splice the same text twice.
            if 0 <= int(start) < int(end) <= length and (not out or out[-1][1] <= int(start)):
                out.append((int(start), int(end), tuple(tuple(str(c) for c in r) for r in rows)))
    except (TypeError, ValueError):
        return ()
    return tuple(out)
