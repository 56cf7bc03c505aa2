"""qa.retrieve.params: k, mode and sources are taken only when they are exactly what the API documents."""

from __future__ import annotations

import pytest

from qa.errors import InvalidSetting
from qa.retrieve.params import k_value, mode_value, sources_value


@pytest.mark.parametrize("given, expected", [(1, 1), (5, 5), (50, 50), (5.0, 5)])
def test_k_accepts_whole_numbers_in_range(given, expected):
    assert k_value(given) == expected


@pytest.mark.parametrize(
    "given, message",
    [
        (5.5, "k=5.5 is not allowed; k must be a whole number from 1 to 50"),
        (True, "k=true is not allowed; k must be a whole number from 1 to 50"),
        (None, "k=null is not allowed; k must be a whole number from 1 to 50"),
        ("5", "k='5' is not allowed; k must be a whole number from 1 to 50"),
        (0, "k=0 is out of range; k must be a whole number from 1 to 50"),
        (float("nan"), "k=nan is not allowed; k must be a whole number from 1 to 50"),
        (float("inf"), "k=inf is not allowed; k must be a whole number from 1 to 50"),
    ],
)
def test_k_refuses_everything_else(given, message):
    with pytest.raises(InvalidSetting) as caught:
        k_value(given)
    assert str(caught.value) == message


def test_mode():
    assert [mode_value(m) for m in ("hybrid", "dense", "bm25", None)] == ["hybrid", "dense", "bm25", "hybrid"]
    for bad in ("HYBRID", "fast", 1, ["dense"]):
        with pytest.raises(InvalidSetting, match="valid choices: hybrid, dense, bm25$"):
            mode_value(bad)


def test_sources():
    indexed = ["a.txt", "b.pdf"]
    assert sources_value(None, indexed) is None
    assert sources_value([], indexed) is None
    assert sources_value(["b.pdf", "a.txt", "b.pdf"], indexed) == ["b.pdf", "a.txt"]
    with pytest.raises(InvalidSetting) as caught:
        sources_value(["c.md"], indexed)
    assert str(caught.value) == "sources names documents the index does not hold: c.md; indexed documents: a.txt, b.pdf"
    for bad in ("a.txt", {"a.txt": 1}, [1], ""):
        with pytest.raises(InvalidSetting, match="sources must be a list of document names"):
            sources_value(bad, indexed)
