"""Page texts of a PDF, extracted by pypdf in a child process under a time and memory limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .errors import DocumentError


def _limit_memory(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def extract_pages(path: Path, timeout_s: float, memory_bytes: int) -> tuple[list[str], str | None]:
    """(page texts, metadata title) of a PDF; a hostile file costs at most timeout_s and memory_bytes."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "qa.pdf_pages", str(path)],
            capture_output=True, timeout=timeout_s, preexec_fn=lambda: _limit_memory(memory_bytes),
            cwd=str(Path(__file__).resolve().parent.parent),
        )
    except subprocess.TimeoutExpired:
        raise DocumentError(f"PDF parsing took longer than {timeout_s:g} s") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = err[-1] if err else f"parser exited with code {proc.returncode}"
        if "MemoryError" in reason:
            reason = f"PDF parsing needed more than {memory_bytes // 2**20} MiB"
        raise DocumentError(reason.removeprefix("qa.errors.DocumentError: "))
    out = json.loads(proc.stdout)
    return out["pages"], out["title"]


def _extract(path: str) -> dict:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.disable(logging.WARNING)  # pypdf logs recoverable damage; the parent reports what matters
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError("the PDF is encrypted with a password")
            except DocumentError:
                raise
            except Exception:
                raise DocumentError("the PDF is encrypted and cannot be decrypted") from None
        pages = [(page.extract_text() or "") for page in reader.pages]
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else None
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise DocumentError(f"not a readable PDF ({exc.__class__.__name__}: {exc})") from None
    return {"pages": pages, "title": title}


if __name__ == "__main__":
    try:
        result = _extract(sys.argv[1])
    except DocumentError as exc:
        print(f"qa.errors.DocumentError: {exc}", file=sys.stderr)
        sys.exit(3)
    sys.stdout.write(json.dumps(result))
