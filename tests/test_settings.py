"""Settings: one object, each field overridable by its QA_* variable, parsed by the field's declared type."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from qa import Settings
from qa.errors import InvalidSetting
from qa.settings import RANGES


@pytest.mark.parametrize(
    "name, raw, field, value",
    [
        ("QA_CORPUS_DIR", "/data/docs", "corpus_dir", Path("/data/docs")),
        ("QA_INDEX_DIR", "/data/index", "index_dir", Path("/data/index")),
        ("QA_CHUNK_TOKENS", "96", "chunk_tokens", 96),
        ("QA_PARSE_TIMEOUT_S", "2.5", "parse_timeout_s", 2.5),
        ("QA_PDF_TIMEOUT_S", "2.5", "parse_timeout_s", 2.5),  # the old name keeps working
        ("QA_PDF_MEMORY_BYTES", "100000000", "parse_memory_bytes", 100_000_000),
        ("QA_MAX_TEXT_PER_BYTE", "5", "max_text_per_byte", 5.0),
        ("QA_ONNX_THREADS", " 1 ", "onnx_threads", 1),
        ("QA_QUERY_CACHE", "0", "query_cache", 0),
        ("QA_BACKEND", "faiss", "backend", "faiss"),
    ],
)
def test_each_variable_is_read_as_its_fields_type(monkeypatch, name, raw, field, value):
    monkeypatch.setenv(name, raw)
    assert getattr(Settings.from_env(), field) == value


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("QA_ONNX_THREADS", "two", "QA_ONNX_THREADS='two' is not a whole number"),
        ("QA_CHUNK_TOKENS", "1.5", "QA_CHUNK_TOKENS='1.5' is not a whole number"),
        ("QA_PDF_TIMEOUT_S", "soon", "QA_PDF_TIMEOUT_S='soon' is not a number"),
        ("QA_ONNX_THREADS", "-1", "QA_ONNX_THREADS=-1 is out of range; it must be a whole number from 0 to 1,024"),
        ("QA_MAX_K", "0", "QA_MAX_K=0 is out of range; it must be a whole number from 1 to 1,000"),
        ("QA_PDF_TIMEOUT_S", "nan", "QA_PDF_TIMEOUT_S=nan is out of range; it must be a number from 0.001 to 86,400"),
        ("QA_PARSE_TIMEOUT_S", "inf", "QA_PARSE_TIMEOUT_S=inf is out of range; it must be a number from 0.001 to 86,400"),
        (
            "QA_PDF_MEMORY_BYTES",
            "-1",
            "QA_PDF_MEMORY_BYTES=-1 is out of range; it must be a whole number from 16,777,216 to 1,099,511,627,776",
        ),
        ("QA_MAX_PASSAGES", "0", "QA_MAX_PASSAGES=0 is out of range; it must be a whole number from 1 to 10,000,000"),
        ("QA_BACKEND", "milvus", "QA_BACKEND='milvus'; valid choices: faiss, qdrant"),
    ],
)
def test_a_bad_value_is_one_clear_error_naming_it(monkeypatch, name, raw, message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_env()
    assert str(caught.value) == message


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("QA_CHUNK_TOKENS", "96")
    assert Settings.from_env(chunk_tokens=64).chunk_tokens == 64


def test_every_numeric_setting_has_a_range():
    numeric = {f.name for f in fields(Settings) if f.type in ("int", "float", "float | None", "int | None")}
    assert numeric == set(RANGES)


def test_the_new_name_wins_over_the_old_one(monkeypatch):
    monkeypatch.setenv("QA_PDF_TIMEOUT_S", "5")
    monkeypatch.setenv("QA_PARSE_TIMEOUT_S", "7")
    got = Settings.from_env()
    assert (got.parse_timeout_s, got.pdf_timeout_s) == (7.0, None)
    assert Settings(pdf_memory_bytes=2**30).parse_memory_bytes == 2**30
