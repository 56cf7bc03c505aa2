"""ui.limits against a real server on loopback: body limits before reading, origins, upload storage, /health."""

from __future__ import annotations

import http.client
import json
import os
import select
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.load import big_body, rss_bytes
from support.ui_server import multipart, running_app, small_assistant
from ui.settings import WebSettings

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

MIB = 2**20


def request(url: str, method: str, path: str, body=None, headers: dict | None = None):
    """(status, JSON or text body, headers) of one request; body: bytes, or an iterable of chunks (sent chunked).

    The body goes out piece by piece and stops once the server has answered: a server that refuses a body
    answers before reading it and then closes, so writing on would only fail with a broken pipe.
    """
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, path)
        chunked = body is not None and not isinstance(body, bytes)
        for key, value in {
            **(headers or {}),
            **({"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(len(body or b""))}),
        }.items():
            conn.putheader(key, value)
        conn.endheaders()
        pieces = body if chunked else [body[i : i + 65536] for i in range(0, len(body or b""), 65536)]
        try:
            for piece in pieces:
                if select.select([conn.sock], [], [], 0)[0]:
                    break
                conn.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            else:
                if chunked:
                    conn.send(b"0\r\n\r\n")
        except OSError:
            pass
        r = conn.getresponse()
        raw = r.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = raw.decode(errors="replace")
        return r.status, data, {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


def chunked(body: bytes, headers: dict) -> tuple[object, dict]:
    """The same body sent in 8 KiB chunks without a Content-Length."""
    return iter([body[i : i + 8192] for i in range(0, len(body), 8192)]), headers


ASK = json.dumps({"data": ["How many bridges?", 3, None, "hybrid"]}).encode()
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(small_assistant(tmp_path_factory.mktemp("limits"))) as url:
        yield url


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_body_is_refused_with_413_and_costs_no_memory(server, chunked):
    before = rss_bytes(os.getpid())
    status, detail, sent = big_body(server, 200 * MIB, chunked=chunked)
    grown = rss_bytes(os.getpid()) - before
    assert status == 413
    assert detail.startswith("The request is too large: a request may be at most 1.0 MiB")
    assert detail.endswith("send a smaller file or fewer files at once.")
    assert grown < 100 * MIB, f"resident memory grew by {grown / MIB:.0f} MiB"
    assert sent < 200 * MIB  # refused while the body was still on its way


def test_requests_within_the_limit_are_served(server):
    status, data, _ = request(server, "POST", "/gradio_api/call/ask", ASK, JSON)
    assert status == 200 and set(data) == {"event_id"}


@pytest.mark.parametrize(
    "path, body, headers",
    [
        ("/gradio_api/call/ask", ASK, JSON),
        ("/gradio_api/upload", *multipart("notes.txt", b"hello")),
    ],
    ids=["call", "upload"],
)
def test_calls_and_uploads_from_another_site_are_refused(server, path, body, headers):
    status, data, _ = request(server, "POST", path, body, {**headers, "Origin": "http://evil.example"})
    assert (status, data) == (
        403,
        {
            "detail": "Requests from http://evil.example are refused: this server takes "
            "calls and uploads only from its own pages; to allow that site, add "
            "it to QA_ALLOWED_ORIGINS."
        },
    )
    same_site = {**headers, "Origin": server}
    assert request(server, "POST", path, body, same_site)[0] == 200


def test_a_configured_origin_may_call(tmp_path):
    assistant = small_assistant(tmp_path)
    with running_app(assistant, web=WebSettings(allowed_origins="http://friend.example, https://other.example")) as url:
        status, data, headers = request(url, "POST", "/gradio_api/call/ask", ASK, {**JSON, "Origin": "http://friend.example"})
        assert status == 200 and "event_id" in data
        assert headers["access-control-allow-origin"] == "http://friend.example"
        assert request(url, "POST", "/gradio_api/call/ask", ASK, {**JSON, "Origin": "http://evil.example"})[0] == 403


def test_uploads_are_capped_per_request_and_in_total(tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(uploads))
    assistant = small_assistant(tmp_path)
    with running_app(assistant, web=WebSettings(max_upload_request_bytes=512 * 1024, upload_storage_bytes=1024 * 1024)) as url:
        status, data, _ = request(url, "POST", "/gradio_api/upload", *multipart("small.txt", b"a" * 10_000))
        assert status == 200 and len(data) == 1 and Path(data[0]).is_relative_to(uploads)
        status, data, _ = request(url, "POST", "/gradio_api/upload", *multipart("big.txt", b"a" * 600_000))
        assert status == 413 and data["detail"].startswith("The request is too large: an upload may be at most 0.5 MiB")
        status, data, _ = request(url, "POST", "/gradio_api/upload", *chunked(*multipart("big.txt", b"a" * 2_000_000)))
        assert status == 413 and data["detail"].startswith("The request is too large: an upload may be at most ")
        assert sorted(p.name for p in uploads.rglob("*") if p.is_file()) == ["small.txt"]  # nothing partial
        (uploads / "filler").write_bytes(b"f" * 1024 * 1024)
        os.utime(uploads)
        status, data, _ = request(url, "POST", "/gradio_api/upload", *multipart("small.txt", b"b" * 10_000))
        assert status == 507 and data["detail"].startswith("The server's space for uploads is full")


def test_health_says_answering_works(server):
    status, data, _ = request(server, "GET", "/health")
    assert status == 200
    assert (data["answering"], data["problem"], data["documents"], data["unindexed"], data["build_running"]) == (
        True,
        None,
        2,
        [],
        False,
    )
    assert data["queue"] == {"waiting": 0, "max": 64, "stopped": False}


def test_health_says_why_answering_does_not_work(tmp_path):
    assistant = small_assistant(tmp_path, build=False)
    with running_app(assistant) as url:
        status, data, _ = request(url, "GET", "/health")
    assert status == 503
    assert data["answering"] is False and data["problem"].startswith("no index at ")
    assert data["unindexed"] == ["alpha.txt", "beta.md"]
