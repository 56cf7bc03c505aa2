"""Small PDFs written by hand for tests (pypdf cannot write text): one Helvetica line per text line."""

from __future__ import annotations


def minimal_pdf(pages: list[list[str]], page_labels: str = "") -> bytes:
    """A PDF whose pages hold these lines of text, 12 pt, from the top left of a US Letter page.

    page_labels: the catalogue's /PageLabels number tree, e.g. "<< /Nums [0 << /S /r >> 2 << /S /D >>] >>"."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    labels = f" /PageLabels {page_labels}" if page_labels else ""
    objects = [f"<< /Type /Catalog /Pages 2 0 R{labels} >>".encode(), f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()]
    font = 3 + 2 * n
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td", *(f"({esc(line)}) Tj T*" for line in lines), "ET"]
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_file(objects)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalogue), with its cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
