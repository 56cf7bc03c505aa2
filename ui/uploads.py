"""Uploaded files into the corpus folder: checked by content, under a safe name, never overwriting."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from qa.errors import explain

ALLOWED_SUFFIXES = (".pdf", ".txt", ".md")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadRefused(ValueError):
    """The file cannot go into the corpus; the message says why."""


def safe_name(original: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no leading dots, no odd characters."""
    name = re.split(r"[\\/]", str(original))[-1]
    name = unicodedata.normalize("NFKC", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix.lower()
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.ASCII).strip("._-")[:80] or "document"
    if f".{suffix}" not in ALLOWED_SUFFIXES:
        what = f"unsupported file type .{suffix}" if suffix else "the file name has no extension"
        raise UploadRefused(f"{what}; accepted: {', '.join(ALLOWED_SUFFIXES)}")
    return f"{stem}.{suffix}"


def check_content(data: bytes, suffix: str, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse what is empty, too large, or not what its extension claims."""
    if not data:
        raise UploadRefused("the file is empty")
    if len(data) > limit:
        raise UploadRefused(f"the file is {len(data) / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB")
    if suffix == ".pdf":
        if not data.lstrip()[:5].startswith(b"%PDF-"):
            raise UploadRefused("not a PDF: the content does not start with %PDF-")
        return
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
            return
        except UnicodeDecodeError:
            raise UploadRefused("not text: invalid UTF-16") from None
    if b"\x00" in data:
        raise UploadRefused("not text: the file holds NUL bytes (binary content)")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadRefused("not text: the content is neither UTF-8 nor Windows-1252") from None


def store(src: str | Path, original_name: str, corpus_dir: str | Path,
          limit: int = MAX_UPLOAD_BYTES) -> tuple[str, str]:
    """Copy an uploaded file into the corpus folder; returns (stored name, what happened).

    An existing file with the same bytes is left alone; a different one is never overwritten: the new
    file gets a numbered name instead.
    """
    name = safe_name(original_name)
    src = Path(src)
    try:
        size = src.stat().st_size
    except OSError as exc:
        raise UploadRefused(f"cannot read the upload ({exc.strerror or exc})") from None
    if size > limit:
        raise UploadRefused(f"the file is {size / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB")
    data = src.read_bytes()
    stem, suffix = name.rsplit(".", 1)
    check_content(data, "." + suffix, limit)
    corpus = Path(corpus_dir)
    digest = hashlib.sha256(data).hexdigest()
    tmp = corpus / f".upload-{digest[:16]}-{os.getpid()}.part"  # hidden: builds ignore dot files
    try:
        corpus.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        return _place(tmp, corpus, name, stem, suffix, digest)
    except OSError as exc:  # read-only or full corpus folder: one sentence, and no partial file left
        raise UploadRefused(explain(exc, corpus_dir=corpus, doing="corpus")) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _place(tmp: Path, corpus: Path, name: str, stem: str, suffix: str, digest: str) -> tuple[str, str]:
    """Link the complete temporary file into the corpus under the first free name."""
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem}-{n}.{suffix}"
        target = corpus / candidate
        if target.is_symlink() or target.exists():
            try:
                same = not target.is_symlink() and hashlib.sha256(target.read_bytes()).hexdigest() == digest
            except OSError:
                same = False
            if same:
                return candidate, "already in the corpus with the same content"
            continue
        try:
            os.link(tmp, target)  # fails if the name was taken meanwhile: never overwrites
        except FileExistsError:
            continue
        if candidate != name:
            return candidate, f"saved as {candidate} (a different {name} is already in the corpus)"
        return candidate, f"saved as {candidate}"
    raise UploadRefused(f"too many files named like {name} in the corpus")


def discard_temporary(path: str | Path) -> None:
    """Remove a temporary upload (and its folder when emptied) once it has been stored or refused.

    Only files inside gradio's upload folder are touched: that is where the browser's uploads land.
    """
    from gradio.utils import get_upload_folder

    path = Path(path)
    folder = Path(get_upload_folder()).resolve()
    try:
        resolved = path.resolve()
        if folder not in resolved.parents:
            return
        resolved.unlink(missing_ok=True)
        if resolved.parent != folder:
            resolved.parent.rmdir()  # fails, harmlessly, while other files remain in it
    except OSError:
        pass
