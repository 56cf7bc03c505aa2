"""A parser in a child process under a time and memory limit: what a hostile file can cost is bounded.

The one sandbox of ingestion: the markup readers run through run_child, the PDF child (qa/ingest/pdf/child.py, which
streams a page at a time) reads its failures through failure_reason. The child caps its address space with RLIMIT_AS before
importing anything heavy, reads the file's bytes from stdin and writes its result to stdout; the parent kills it when
the time limit passes. An unusable file exits with code 3 and its reason on stderr's last line after a prefix.
Whatever happens in the child, the parent gets a DocumentError with one reason or the child's output.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

FAILED = 3
# What running out of address space looks like in the child, from Python, the loader and C/C++ code.
OUT_OF_MEMORY = ("MemoryError", "failed to map segment", "Cannot allocate memory", "std::bad_alloc")
_INGEST = Path(__file__).resolve().parent
# The child sees qa/ingest as its only own code: the markup readers, not the qa package and its imports.
_MARKUP_CHILD = (
    "import resource, sys; lim = int(sys.argv[2]); resource.setrlimit(resource.RLIMIT_AS, (lim, lim)); "
    "sys.path.insert(0, {path!r}); from markup.child import main; main(sys.argv[1], int(sys.argv[3]), sys.argv[4])"
)


def run_markup(
    kind: str,
    data: bytes,
    parse_timeout_s: float,
    parse_memory_bytes: int,
    what: str,
    max_text_chars: int = 2**62,
    refusal: str = "",
) -> bytes:
    """The markup child's JSON output for data parsed as kind (html, epub, docx); DocumentError when refused.

    Text past max_text_chars is refused in the child, as soon as it is read, with the sentence refusal."""
    code = _MARKUP_CHILD.format(path=str(_INGEST))
    return run_child(
        [sys.executable, "-I", "-c", code, kind, str(int(parse_memory_bytes)), str(int(max_text_chars)), refusal],
        data,
        parse_timeout_s,
        parse_memory_bytes,
        what,
        "qa.ingest.markup: ",
    )


def run_child(argv: list[str], data: bytes, parse_timeout_s: float, parse_memory_bytes: int, what: str, prefix: str) -> bytes:
    """stdout of argv fed data; a timeout, memory exhaustion, crash or refusal is a DocumentError naming it."""
    from qa.errors import DocumentError

    try:
        proc = subprocess.run(argv, input=data, capture_output=True, timeout=parse_timeout_s)
    except subprocess.TimeoutExpired:
        raise DocumentError(timeout_reason(what, parse_timeout_s)) from None
    except OSError as exc:
        raise DocumentError(f"could not start the {what} parser ({exc})") from None
    if proc.returncode == 0:
        return proc.stdout
    raise DocumentError(failure_reason(proc.stderr.decode("utf-8", "replace"), proc.returncode, parse_memory_bytes, what, prefix))


def timeout_reason(what: str, parse_timeout_s: float) -> str:
    """The sentence for a child killed at its time limit."""
    return f"{what} parsing took longer than {parse_timeout_s:g} s (QA_PARSE_TIMEOUT_S); the file may make the parser loop"


def failure_reason(err: str, code: int, parse_memory_bytes: int, what: str, prefix: str) -> str:
    """The one sentence for a child that exited with code (stderr err): out of memory, refused, crashed or failed."""
    lines = err.strip().splitlines()
    reason = lines[-1] if lines else ""
    # pdfium's allocator aborts without a word when the address-space limit refuses it memory.
    silent_abort = code == -signal.SIGABRT and not err.strip()
    if any(m in err for m in OUT_OF_MEMORY) or code == -signal.SIGKILL or silent_abort:
        return f"{what} parsing needed more than {parse_memory_bytes / 2**20:g} MiB of memory (QA_PARSE_MEMORY_BYTES)"
    if reason.startswith(prefix):
        return reason[len(prefix) :]
    if code < 0:
        return f"the {what} parser crashed ({signal.Signals(-code).name})"
    return f"the {what} parser failed ({reason or f'exit code {code}'})"
