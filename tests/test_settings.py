"""Settings: one object, each field overridable by its QA_* variable, parsed by the field's declared type."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Settings
from qa.errors import InvalidSetting


@pytest.mark.parametrize("name, raw, field, value", [
    ("QA_CORPUS_DIR", "/data/docs", "corpus_dir", Path("/data/docs")),
    ("QA_INDEX_DIR", "/data/index", "index_dir", Path("/data/index")),
    ("QA_CHUNK_TOKENS", "96", "chunk_tokens", 96),
    ("QA_PDF_TIMEOUT_S", "2.5", "pdf_timeout_s", 2.5),
    ("QA_ONNX_THREADS", " 1 ", "onnx_threads", 1),
    ("QA_QUERY_CACHE", "0", "query_cache", 0),
    ("QA_BACKEND", "faiss", "backend", "faiss"),
])
def test_each_variable_is_read_as_its_fields_type(monkeypatch, name, raw, field, value):
    monkeypatch.setenv(name, raw)
    assert getattr(Settings.from_env(), field) == value


@pytest.mark.parametrize("name, raw, message", [
    ("QA_ONNX_THREADS", "two", "QA_ONNX_THREADS='two' is not a whole number"),
    ("QA_CHUNK_TOKENS", "1.5", "QA_CHUNK_TOKENS='1.5' is not a whole number"),
    ("QA_PDF_TIMEOUT_S", "soon", "QA_PDF_TIMEOUT_S='soon' is not a number"),
    ("QA_ONNX_THREADS", "-1", "onnx_threads=-1; it must be 0 or more"),
    ("QA_BACKEND", "milvus", "QA_BACKEND='milvus'; valid choices: faiss, qdrant"),
])
def test_a_bad_value_is_one_clear_error_naming_it(monkeypatch, name, raw, message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_env()
    assert str(caught.value) == message


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("QA_CHUNK_TOKENS", "96")
    assert Settings.from_env(chunk_tokens=64).chunk_tokens == 64
