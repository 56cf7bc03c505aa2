"""ui.settings.WebSettings: the web server's own limits, read from the same QA_* variables as before they left qa.Settings."""

from __future__ import annotations

from dataclasses import fields

import pytest

from qa import Settings
from qa.errors import InvalidSetting
from ui.settings import RANGES, WebSettings

WEB_ONLY = {
    "queue_size",
    "answer_workers",
    "max_request_bytes",
    "max_upload_request_bytes",
    "upload_storage_bytes",
    "allowed_origins",
}


def test_the_web_servers_settings_are_here_and_not_in_the_librarys():
    assert {f.name for f in fields(WebSettings)} == WEB_ONLY
    assert not WEB_ONLY & {f.name for f in fields(Settings)}


def test_the_defaults_are_the_ones_they_had():
    assert WebSettings() == WebSettings(
        queue_size=64,
        answer_workers=0,
        max_request_bytes=2**20,
        max_upload_request_bytes=100 * 2**20,
        upload_storage_bytes=400 * 2**20,
        allowed_origins="",
    )


@pytest.mark.parametrize(
    "name, raw, field, value",
    [
        ("QA_QUEUE_SIZE", "8", "queue_size", 8),
        ("QA_ANSWER_WORKERS", " 3 ", "answer_workers", 3),
        ("QA_MAX_REQUEST_BYTES", "4096", "max_request_bytes", 4096),
        ("QA_ALLOWED_ORIGINS", "http://friend.example", "allowed_origins", "http://friend.example"),
    ],
)
def test_each_variable_is_read_as_its_fields_type(monkeypatch, name, raw, field, value):
    monkeypatch.setenv(name, raw)
    assert getattr(WebSettings.from_env(), field) == value


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("QA_QUEUE_SIZE", "5000", "QA_QUEUE_SIZE=5000 is out of range; it must be a whole number from 1 to 1,000"),
        ("QA_ANSWER_WORKERS", "many", "QA_ANSWER_WORKERS='many' is not a whole number"),
        (
            "QA_UPLOAD_STORAGE_BYTES",
            "10",
            "QA_UPLOAD_STORAGE_BYTES=10 is out of range; it must be a whole number from 1,024 to 1,099,511,627,776",
        ),
    ],
)
def test_a_bad_value_is_one_clear_error_naming_it(monkeypatch, name, raw, message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(InvalidSetting) as caught:
        WebSettings.from_env()
    assert str(caught.value) == message
    Settings.from_env()  # the library, which never reads it, is not stopped by it


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("QA_QUEUE_SIZE", "8")
    assert WebSettings.from_env(queue_size=4).queue_size == 4


def test_every_numeric_setting_has_a_range():
    assert {f.name for f in fields(WebSettings) if f.type in ("int", "float")} == set(RANGES)
