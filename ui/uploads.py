"""Uploaded files into the corpus folder: checked by content, under a safe name, never overwriting."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import qa
import qa.present.messages
from qa.errors import DocumentError, explain

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def allowed_suffixes() -> tuple[str, ...]:
    """Whatever a build can read (the library's list, so new formats are accepted as soon as it reads them)."""
    return tuple(qa.SUPPORTED_SUFFIXES)


class UploadRefused(ValueError):
    """The file cannot go into the corpus; the message says why.

    key and values: the reason as a qa.present.messages entry, where there is one (the page says it in the reader's language).
    """

    def __init__(self, message: str, key: str | None = None, **values):
        super().__init__(message)
        self.key = key
        self.values = values

    def reason(self, lang: str) -> str:
        """Why, in lang where the catalogue has the reason, else the message (without the accepted types)."""
        if self.key:
            return qa.present.messages.text(lang, self.key, **self.values)
        return qa.present.messages.sentence(lang, str(self).split("; accepted:")[0])


def safe_name(original: str) -> str:
    """A plain file name from whatever the browser sent: no folders, no leading dots, no odd characters."""
    name = re.split(r"[\\/]", str(original))[-1]
    name = unicodedata.normalize("NFKC", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix.lower()
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.ASCII).strip("._-")[:80] or "document"
    if f".{suffix}" not in allowed_suffixes():
        what = f"unsupported file type .{suffix}" if suffix else "the file name has no extension"
        key, values = ("unsupported", {"suffix": f".{suffix}"}) if suffix else ("no_suffix", {})
        raise UploadRefused(f"{what}; accepted: {', '.join(allowed_suffixes())}", key, **values)
    return f"{stem}.{suffix}"


def check_content(data: bytes, suffix: str, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse what is empty, too large, or not what its extension claims (the checks every build makes too)."""
    if len(data) > limit:
        raise UploadRefused(
            f"the file is {len(data) / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB",
            "too_large",
            size=f"{len(data) / 2**20:.1f}",
            limit=f"{limit / 2**20:.0f}",
        )
    try:
        qa.check_bytes(data, suffix)
    except DocumentError as exc:
        raise UploadRefused(str(exc)) from None


@dataclass(frozen=True)
class Stored:
    """Where an upload went: its name in the corpus, whether this call created it, and what happened."""

    name: str
    created: bool  # False: the same content was already in the corpus under this name
    key: str  # what happened, as a qa.present.messages entry filled with name and original
    original: str = ""

    @property
    def message(self) -> str:
        """What happened, in English."""
        return self.said("en")

    def said(self, lang: str) -> str:
        """What happened, in lang."""
        return qa.present.messages.text(lang, self.key, name=self.name, original=self.original)


def store(src: str | Path, original_name: str, corpus_dir: str | Path, limit: int = MAX_UPLOAD_BYTES) -> Stored:
    """Copy an uploaded file into the corpus folder under a safe name; says where it went.

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
        raise UploadRefused(
            f"the file is {size / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB",
            "too_large",
            size=f"{size / 2**20:.1f}",
            limit=f"{limit / 2**20:.0f}",
        )
    data = src.read_bytes()
    stem, suffix = name.rsplit(".", 1)
    check_content(data, "." + suffix, limit)
    corpus = Path(corpus_dir)
    tmp = corpus / f".upload-{qa.content_hash(data)}-{os.getpid()}.part"  # hidden: builds ignore dot files
    try:
        corpus.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        return _place(tmp, corpus, name, stem, suffix, data)
    except OSError as exc:  # read-only or full corpus folder: one sentence, and no partial file left
        raise UploadRefused(explain(exc, corpus_dir=corpus, doing="corpus")) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _place(tmp: Path, corpus: Path, name: str, stem: str, suffix: str, data: bytes) -> Stored:
    """Link the complete temporary file into the corpus under the first free name."""
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem}-{n}.{suffix}"
        target = corpus / candidate
        if target.is_symlink() or target.exists():
            try:
                same = not target.is_symlink() and target.read_bytes() == data
            except OSError:
                same = False
            if same:
                return Stored(candidate, False, "already_stored")
            continue
        try:
            os.link(tmp, target)  # fails if the name was taken meanwhile: never overwrites
        except FileExistsError:
            continue
        if candidate != name:
            return Stored(candidate, True, "saved_renamed", name)
        return Stored(candidate, True, "saved_as")
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
