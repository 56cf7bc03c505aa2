"""Page texts of a PDF, extracted by pypdf in a child process under a time and memory limit.

A hostile or broken PDF can make a parser loop, recurse without end or allocate without bound. The child
runs this file as a script (it imports pypdf only, not the qa package), caps its own address space with
RLIMIT_AS before importing anything heavy, reads the PDF's bytes from stdin and writes JSON to stdout; the
parent kills it when the time limit passes. Whatever happens in the child, the parent gets a DocumentError
with a reason or the pages.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

FAILED = 3  # the child's exit code for a PDF it could read but not use; stderr's last line says why
_PREFIX = "qa.ingest.pdf: "
# What running out of address space looks like in the child, from Python, the loader and C++ code.
_OUT_OF_MEMORY = ("MemoryError", "failed to map segment", "Cannot allocate memory", "std::bad_alloc")


def extract_pages(pdf: bytes | Path, timeout_s: float, memory_bytes: int) -> tuple[list[str], str | None]:
    """(page texts, metadata title) of a PDF; a hostile file costs at most timeout_s and memory_bytes."""
    from qa.errors import DocumentError

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    try:
        proc = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).resolve()), str(int(memory_bytes))],
            input=data, capture_output=True, timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        raise DocumentError(f"PDF parsing took longer than {timeout_s:g} s (QA_PDF_TIMEOUT_S); "
                            "the file may make the parser loop") from None
    except OSError as exc:
        raise DocumentError(f"could not start the PDF parser ({exc})") from None
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        lines = err.strip().splitlines()
        reason = lines[-1] if lines else ""
        if any(m in err for m in _OUT_OF_MEMORY) or proc.returncode == -signal.SIGKILL:
            reason = f"PDF parsing needed more than {memory_bytes / 2**20:g} MiB of memory (QA_PDF_MEMORY_BYTES)"
        elif reason.startswith(_PREFIX):
            reason = reason[len(_PREFIX):]
        elif proc.returncode < 0:
            reason = f"the PDF parser crashed ({signal.Signals(-proc.returncode).name})"
        else:
            reason = f"the PDF parser failed ({reason or f'exit code {proc.returncode}'})"
        raise DocumentError(reason)
    try:
        out = json.loads(proc.stdout)
        pages, title = out["pages"], out["title"]
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            raise ValueError("pages are not texts")
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"the PDF parser gave unreadable output ({exc})") from None
    return pages, title if isinstance(title, str) else None


class _Unusable(Exception):
    """The PDF can be opened but not used (encrypted, damaged)."""


def _extract(data: bytes) -> dict:
    import io
    import logging

    from pypdf import PdfReader

    logging.disable(logging.WARNING)  # pypdf logs recoverable damage; the parent reports what matters
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise _Unusable(f"the PDF is encrypted and cannot be decrypted ({exc})") from None
            if not opened:
                raise _Unusable("the PDF is encrypted with a password")
        pages = [(page.extract_text() or "") for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else None
    except (_Unusable, MemoryError, RecursionError):
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise _Unusable(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from None
    return {"pages": pages, "title": title}


def _main() -> None:
    import resource

    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = _extract(sys.stdin.buffer.read())
        out = json.dumps(result)
    except _Unusable as exc:
        print(f"{_PREFIX}{exc}", file=sys.stderr)
        sys.exit(FAILED)
    except RecursionError:
        print(f"{_PREFIX}the PDF is nested too deeply to parse", file=sys.stderr)
        sys.exit(FAILED)
    sys.stdout.write(out)


if __name__ == "__main__":
    _main()


_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)


def strip_running_lines(pages: list[str]) -> list[str]:
    """Drop running headers, footers and bare page numbers that repeat across a PDF's pages."""
    if len(pages) < 3:
        return [p for p in pages]
    edges: dict[str, int] = {}
    for page in pages:
        lines = [ln.strip() for ln in page.strip().split("\n") if ln.strip()]
        for ln in set(lines[:2] + lines[-2:]):
            key = re.sub(r"\d+", "#", ln)
            edges[key] = edges.get(key, 0) + 1
    running = {k for k, n in edges.items() if n >= max(3, len(pages) // 2)}
    out = []
    for n, page in enumerate(pages):
        lines = page.strip().split("\n")
        keep_from, keep_to = 0, len(lines)
        # The first page keeps its top lines: a running header there is usually the title itself.
        while n > 0 and keep_from < keep_to and (_PAGE_NUMBER.match(lines[keep_from])
                                       or re.sub(r"\d+", "#", lines[keep_from].strip()) in running):
            keep_from += 1
        while keep_to > keep_from and (_PAGE_NUMBER.match(lines[keep_to - 1])
                                       or re.sub(r"\d+", "#", lines[keep_to - 1].strip()) in running):
            keep_to -= 1
        out.append("\n".join(lines[keep_from:keep_to]))
    return out
