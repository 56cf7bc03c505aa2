"""Faults for tests: a folder made read-only, a folder on a nearly full disk (both undone afterwards)."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}); this fault needs root with mount rights")


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """folder made read-only: by permissions for a normal user, by a read-only bind mount for root."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(mode)
        return
    _mount("--bind", str(folder), str(folder))
    try:
        _mount("-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)  # lazy: open index files may still be mapped


@contextmanager
def small_disk(folder: Path, size: str = "256k") -> Iterator[Path]:
    """folder on a tmpfs of the given size, holding copies of what was in it (root only)."""
    if os.geteuid() != 0:
        pytest.skip("a small disk needs root (tmpfs mount)")
    folder.mkdir(parents=True, exist_ok=True)
    saved = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        for rel, data in saved.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)  # lazy: open index files may still be mapped
