"""PDFs with ruled tables written by hand: cell text placed in a grid of thin filled rectangles, as TeX, LibreOffice
and weasyprint draw table rules."""

from __future__ import annotations

from support.pdfs import pdf_file


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def ruled_pdf(
    before: list[str], rows: list[list[list[str]]], after: list[str], columns: list[float] | None = None, ruled_rows: bool = True
) -> bytes:
    """One US Letter page: lines of text, a table, lines of text. rows[r][c] is a cell's lines (a wrapped cell has
    two); every row is 16 pt a line high. ruled_rows=False draws only the table's outer rules and its header's."""
    columns = columns or [72.0, 222.0, 372.0]
    right = columns[-1] + 150
    ops = ["BT", "/F1 10 Tf", "12 TL", "72 740 Td", *(f"({_esc(t)}) Tj T*" for t in before), "ET"]
    y = 740 - 12 * len(before) - 12
    borders = [y]
    for r, row in enumerate(rows):
        height = 16 * max(len(c) for c in row)
        for c, lines in enumerate(row):
            for n, line in enumerate(lines):
                ops.append(f"BT /F1 10 Tf {columns[c] + 4} {y - 12 - 16 * n} Td ({_esc(line)}) Tj ET")
        y -= height
        if ruled_rows or r == 0 or r == len(rows) - 1:
            borders.append(y)
    for b in borders:
        ops.append(f"{columns[0]} {b - 0.25} {right - columns[0]} 0.5 re f")
    for x in [*columns, right]:
        ops.append(f"{x - 0.25} {borders[-1]} 0.5 {borders[0] - borders[-1]} re f")
    ops += ["BT", "/F1 10 Tf", "12 TL", f"72 {y - 24} Td", *(f"({_esc(t)}) Tj T*" for t in after), "ET"]
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Courier"}


def placed_pdf(lines: list[tuple[float, float, str, str]]) -> bytes:
    """One US Letter page of text placed by hand, without rules: (x, y, text, font) per piece, font one of FONTS'
    keys (F1 Helvetica, F2 Helvetica-Bold, F3 Courier), 10 pt; pieces in the order given are the page's text order."""
    ops = [f"BT /{font} 10 Tf {x} {y} Td ({_esc(text)}) Tj ET" for x, y, text, font in lines]
    return _one_page("\n".join(ops).encode("latin-1"), FONTS)


def _one_page(stream: bytes, fonts: dict[str, str]) -> bytes:
    resources = " ".join(f"/{name} {6 + n} 0 R" for n, name in enumerate(fonts))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << "
        + resources.encode()
        + b" >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< >>",  # unused: keeps the fonts' object numbers from 6
        *(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} >>".encode() for base in fonts.values()),
    ]
    return pdf_file(objects)
