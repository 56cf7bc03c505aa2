"""Corpus files: the regular, supported files under the paths given to a build, each once, with a source name."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from qa.errors import CorpusNotFound

# What a saved web page links to: read by the browser with the page, not a document of its own.
PAGE_ASSETS = (
    ".css",
    ".js",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".webp",
    ".ico",
    ".bmp",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
    ".map",
)
_PAGES = (".html", ".htm", ".xhtml")
HIDDEN_FILE = "hidden file (its name starts with a dot); rename it without the dot to index it"
HIDDEN_FOLDER = "hidden folder (its name starts with a dot), not read; rename it without the dot to index its files"


@dataclass(frozen=True)
class Skipped:
    """A file a build could not use, and why."""

    source: str
    reason: str
    stamp: tuple[int, int] | None = None  # (size, mtime_ns) of a file refused for its content: refused until it changes


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _supported() -> tuple[str, ...]:
    # The readers' table, imported when files are first collected: a question needs only shown_name from here.
    from qa.ingest.readers import SUPPORTED_SUFFIXES

    return SUPPORTED_SUFFIXES


def shown_name(name: str) -> str:
    """A file name as shown to a reader (terminal, page): control characters, line separators and direction
    overrides escaped ("a\\nb"), so that a name cannot forge lines or reorder text; JSON keeps the exact name."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


def stamp_of(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, None when it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


@dataclass(frozen=True)
class CorpusFile:
    """A file to index and the name it is cited by (its path relative to the corpus folder)."""

    source: str
    path: Path


def source_name(p: Path, corpus_root: Path, base: Path | None = None) -> str:
    """p relative to the corpus folder; outside it, relative to the folder given (base) or just its name."""
    for root, prefix in ((corpus_root, ""), (base, base.name + "/" if base else "")):
        if root is None:
            continue
        for path, top in ((Path(os.path.abspath(p)), Path(os.path.abspath(root))), (p.parent.resolve() / p.name, root.resolve())):
            try:
                return prefix + path.relative_to(top).as_posix()
            except ValueError:
                pass
    return p.name


def collect_files(paths: Iterable[Path], corpus_root: Path) -> tuple[list[CorpusFile], list[Skipped]]:
    """Supported regular files under paths, each once; loops, links leading out and special files are skipped.

    A folder inside the corpus may not be left through a symbolic link; a folder given from outside the corpus
    may not be left either. Files given by name are taken as they are.
    """
    collected = _Collected(corpus_root)
    for given in paths:
        given = Path(given)
        if not given.exists() and not given.is_symlink():
            raise CorpusNotFound(f"{given} does not exist")
        if given.is_dir():
            collected.folder(given)
        else:
            collected.consider(given, None, None)
    return sorted(collected.found.values(), key=lambda f: f.source), collected.skipped


class _Collected:
    """The files one build takes so far, each once under one name, and those it skipped with why."""

    def __init__(self, corpus_root: Path) -> None:
        self.corpus_root = corpus_root
        self.corpus_real = Path(corpus_root).resolve()
        self.found: dict[Path, CorpusFile] = {}  # real path -> first name seen
        self.names: dict[str, Path] = {}  # source -> real path
        self.skipped: list[Skipped] = []

    def folder(self, given: Path) -> None:
        """The files under a folder, in name order; hidden names, page assets and links leading out left out."""
        top = given.resolve()
        boundary = self.corpus_real if top.is_relative_to(self.corpus_real) else top
        base = None if boundary == self.corpus_real else given
        seen_dirs = {top}
        page_dirs: set[Path] = set()  # folders holding HTML pages: their assets, here or below, are no documents

        def unreadable(exc: OSError) -> None:
            self.skipped.append(
                Skipped(
                    source_name(Path(exc.filename or given), self.corpus_root, base),
                    f"folder cannot be read ({exc.strerror or exc})",
                )
            )

        for dirpath, dirnames, filenames in os.walk(given, followlinks=True, onerror=unreadable):
            d = Path(dirpath)
            self._prune(d, dirnames, boundary, base, seen_dirs)
            if any(n.lower().endswith(_PAGES) for n in filenames):
                page_dirs.add(d)
            for name in sorted(filenames):
                if name.startswith("."):
                    # Said, not silently passed over; hidden files of no supported type (.DS_Store, .gitignore,
                    # an upload still being written) are not documents anyone meant to add.
                    if name.lower().endswith(_supported()):
                        self.skipped.append(Skipped(source_name(d / name, self.corpus_root, base), HIDDEN_FILE))
                elif not is_page_asset(d / name, page_dirs):
                    self.consider(d / name, boundary, base)

    def _prune(self, d: Path, dirnames: list[str], boundary: Path, base: Path | None, seen_dirs: set[Path]) -> None:
        """Leaves out of os.walk's dirnames the hidden folders, loops and links leading out of boundary."""
        for name in sorted(dirnames):
            if name.startswith("."):
                dirnames.remove(name)
                self.skipped.append(Skipped(source_name(d / name, self.corpus_root, base), HIDDEN_FOLDER))
                continue
            real = (d / name).resolve()
            why = None
            if real in seen_dirs:
                why = "folder link loop or second link to the same folder"
            elif not real.is_relative_to(boundary):
                why = f"symbolic link leads outside the {_where(boundary, self.corpus_real)}"
            if why:
                self.skipped.append(Skipped(source_name(d / name, self.corpus_root, base), why))
                dirnames.remove(name)
            else:
                seen_dirs.add(real)
        dirnames.sort()

    def consider(self, p: Path, boundary: Path | None, base: Path | None) -> None:
        """Takes one file, or says why not."""
        source = source_name(p, self.corpus_root, base)
        resolved = self._resolve(p, source)
        if resolved is None:
            return
        real, mode = resolved
        why = self._refusal(p, real, mode, boundary) or self._taken(real, source)
        if why:
            self.skipped.append(Skipped(source, why))
        elif real not in self.found:
            self.found[real] = CorpusFile(source, p)
            self.names[source] = real

    def _resolve(self, p: Path, source: str) -> tuple[Path, int] | None:
        """(real path, mode) of a file; None, with why it is skipped, for a loop, a broken link or an unopenable file."""
        try:
            real = p.resolve(strict=True)
            return real, real.stat().st_mode
        except RuntimeError:
            self.skipped.append(Skipped(source, "symbolic link loop"))
        except OSError as exc:
            why = (
                "symbolic link loop"
                if exc.errno == errno.ELOOP
                else "broken symbolic link"
                if p.is_symlink()
                else f"cannot be opened ({exc.strerror or exc})"
            )
            self.skipped.append(Skipped(source, why))
        return None

    def _refusal(self, p: Path, real: Path, mode: int, boundary: Path | None) -> str | None:
        """Why a file is not one to index: a link leading out, an unsupported type, not a regular file."""
        if boundary is not None and p.is_symlink() and not real.is_relative_to(boundary):
            return f"symbolic link leads outside the {_where(boundary, self.corpus_real)}"
        if p.suffix.lower() not in (supported := _supported()):
            return f"unsupported file type {p.suffix or '(none)'}; supported: {', '.join(supported)}"
        if not stat.S_ISREG(mode):
            return "not a regular file (a pipe, device or socket)"
        return None

    def _taken(self, real: Path, source: str) -> str | None:
        """Why a file is not taken again: the same file under another name, another file under its name."""
        if real in self.found:
            first = self.found[real].source
            return f"same file as {first} (indexed once)" if first != source else None
        if source in self.names:
            return f"another file is already indexed under the name {source}"
        return None


def is_page_asset(p: Path, page_dirs: set[Path]) -> bool:
    """True for a stylesheet, script, image or font in (or below) a folder of HTML pages."""
    return p.suffix.lower() in PAGE_ASSETS and any(d in page_dirs for d in (p.parent, *p.parent.parents))


def _where(boundary: Path, corpus_real: Path) -> str:
    return "corpus folder" if boundary == corpus_real else f"folder {boundary}"
