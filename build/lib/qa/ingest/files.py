"""Corpus files: the regular, supported files under the paths given to a build, each once, with a source name."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from qa.errors import CorpusNotFound
from qa.ingest.documents import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class Skipped:
    """A file a build could not use, and why."""

    source: str
    reason: str


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
        for path, top in ((Path(os.path.abspath(p)), Path(os.path.abspath(root))),
                          (p.parent.resolve() / p.name, root.resolve())):
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
    found: dict[Path, CorpusFile] = {}  # real path -> first name seen
    names: dict[str, Path] = {}  # source -> real path
    skipped: list[Skipped] = []
    corpus_real = Path(corpus_root).resolve()

    def consider(p: Path, boundary: Path | None, base: Path | None) -> None:
        source = source_name(p, corpus_root, base)
        try:
            real = p.resolve(strict=True)
            mode = real.stat().st_mode
        except RuntimeError:
            skipped.append(Skipped(source, "symbolic link loop"))
            return
        except OSError as exc:
            why = "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link" if p.is_symlink() else \
                f"cannot be opened ({exc.strerror or exc})"
            skipped.append(Skipped(source, why))
            return
        if boundary is not None and p.is_symlink() and not real.is_relative_to(boundary):
            skipped.append(Skipped(source, f"symbolic link leads outside the {_where(boundary, corpus_real)}"))
            return
        if p.suffix.lower() not in SUPPORTED_SUFFIXES:
            skipped.append(Skipped(source, f"unsupported file type {p.suffix or '(none)'}; supported: "
                                           f"{', '.join(SUPPORTED_SUFFIXES)}"))
            return
        if not stat.S_ISREG(mode):
            skipped.append(Skipped(source, "not a regular file (a pipe, device or socket)"))
            return
        if real in found:
            if found[real].source != source:
                skipped.append(Skipped(source, f"same file as {found[real].source} (indexed once)"))
            return
        if source in names:
            skipped.append(Skipped(source, f"another file is already indexed under the name {source}"))
            return
        found[real] = CorpusFile(source, p)
        names[source] = real

    for given in paths:
        given = Path(given)
        if not given.exists() and not given.is_symlink():
            raise CorpusNotFound(f"{given} does not exist")
        if not given.is_dir():
            consider(given, None, None)
            continue
        top = given.resolve()
        boundary = corpus_real if top.is_relative_to(corpus_real) else top
        base = None if boundary == corpus_real else given
        seen_dirs = {top}

        def unreadable(exc: OSError, given: Path = given, base: Path | None = base) -> None:
            skipped.append(Skipped(source_name(Path(exc.filename or given), corpus_root, base),
                                   f"folder cannot be read ({exc.strerror or exc})"))

        for dirpath, dirnames, filenames in os.walk(given, followlinks=True, onerror=unreadable):
            d = Path(dirpath)
            for name in sorted(dirnames):
                if name.startswith("."):
                    dirnames.remove(name)
                    continue
                real = (d / name).resolve()
                why = None
                if real in seen_dirs:
                    why = "folder link loop or second link to the same folder"
                elif not real.is_relative_to(boundary):
                    why = f"symbolic link leads outside the {_where(boundary, corpus_real)}"
                if why:
                    skipped.append(Skipped(source_name(d / name, corpus_root, base), why))
                    dirnames.remove(name)
                else:
                    seen_dirs.add(real)
            dirnames.sort()
            for name in sorted(filenames):
                if not name.startswith("."):
                    consider(d / name, boundary, base)
    return sorted(found.values(), key=lambda f: f.source), skipped


def _where(boundary: Path, corpus_real: Path) -> str:
    return "corpus folder" if boundary == corpus_real else f"folder {boundary}"
