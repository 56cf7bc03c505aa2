"""The index folder's CURRENT pointer (replaced atomically), durable writes, and pruning of old generations.

Layout of an index folder: gen-*/ (complete generations), CURRENT (JSON naming the current and previous
generation), tmp-gen-*/ and .CURRENT.* (leftovers of interrupted builds, removed by the next build),
.build.lock (held by the running build).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

CURRENT = "CURRENT"


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (a rename into it) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Make every file and folder under folder durable."""
    for p in folder.rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
        elif p.is_dir():
            fsync_dir(p)
    fsync_dir(folder)


def valid_name(name: object) -> bool:
    """True for a generation folder name (gen-...), never a path."""
    return isinstance(name, str) and name.startswith("gen-") and "/" not in name and ".." not in name


def read_pointer(root: Path) -> dict:
    """{"current": name, "previous": name} as far as CURRENT names valid generations; {} when unreadable."""
    try:
        pointer = json.loads((root / CURRENT).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(pointer, dict):
        return {}
    return {k: v for k, v in pointer.items() if k in ("current", "previous") and valid_name(v)}


def write_pointer(root: Path, pointer: dict) -> None:
    """Replace CURRENT in one atomic step (a crash leaves the old one or the new one, never half)."""
    tmp = root / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(json.dumps(pointer))
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, root / CURRENT)  # the one atomic step that makes a generation current
    fsync_dir(root)


def pointer_token(root: Path) -> tuple:
    """Cheap value that changes whenever a new generation becomes current (the pointer names it)."""
    try:
        return ((root / CURRENT).read_bytes(),)
    except OSError:
        return ()


def prune(root: Path, keep: int) -> None:
    """Remove interrupted builds and generations beyond the newest `keep`; never the current or previous one.

    Only builds call this, under the build lock, so no other build is writing meanwhile. A reader still using
    a removed generation keeps working: its files stay readable through the handles it holds open.
    """
    pointer = read_pointer(root)
    protected = {pointer.get("current"), pointer.get("previous")} - {None}
    for p in root.glob("tmp-gen-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(f".{CURRENT}.*"):
        p.unlink(missing_ok=True)
    others = sorted(
        (p for p in root.glob("gen-*") if p.is_dir() and p.name not in protected), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for p in others[max(0, keep - len(protected)) :]:
        shutil.rmtree(p, ignore_errors=True)
