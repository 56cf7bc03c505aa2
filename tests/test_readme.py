"""The README's figures are the committed results' (scripts/readme_figures.py), block by block."""

from __future__ import annotations

import re

from scripts.readme_figures import BLOCKS, README, stale


def test_every_generated_block_matches_the_results_files():
    assert stale(README.read_text(encoding="utf-8")) == []


def test_every_generator_has_its_block_in_the_readme():
    assert sorted(set(re.findall(r"<!-- figures:([\w-]+) -->", README.read_text(encoding="utf-8")))) == sorted(BLOCKS)
