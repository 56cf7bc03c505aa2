"""The page's stylesheets and scripts, kept as files so that they read (and lint) as CSS and JavaScript."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def asset(name: str) -> str:
    """The text of one file in this folder, e.g. asset("page.css")."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")
