"""ui.server against real servers on loopback: bursts, a full queue, a stopped queue, exposure and login."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

import qa
from bench.load import Conn, answer, burst, call, until_answering
from conftest import PROJECT, FakeEmbedder
from support.ui_server import free_port, multipart, running_app, running_demo, small_assistant
from ui.app import build_app, launch
from ui.server import load_auth, reachable_urls, stop
from ui.settings import WebSettings

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

# A guard against a hang, not a speed bound: how soon /ask answers again is bench-load's figure.
HANG_S = 120
ASK = ["How many bridges did the alpha project build?", 3, None, "hybrid"]


class GatedEmbedder(FakeEmbedder):
    """The fake embedder, embedding only while its gate is open: answers that take as long as a test wants."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()

    def embed(self, texts):
        assert self.gate.wait(30)
        return super().embed(texts)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_app(small_assistant(tmp_path_factory.mktemp("server"))) as url:
        yield url


@pytest.mark.slow
def test_after_a_burst_of_3000_unread_calls_ask_answers_again(server):
    statuses = burst(server, calls=3000, senders=32)
    assert sum(statuses.values()) == 3000 and set(statuses) <= {200, 503}, statuses
    assert statuses.get(503), "the bounded queue turned nothing away"
    assert until_answering(server, limit_s=HANG_S) != float("inf")
    conn = Conn(server)
    assert answer(conn, "ask", ASK)[0] == "complete"
    assert answer(conn, "search", ASK)[0] == "complete"


def test_a_full_queue_answers_busy_at_once(tmp_path):
    embedder = GatedEmbedder()
    assistant = small_assistant(tmp_path, embedder=embedder)
    with running_app(assistant, web=WebSettings(queue_size=2, answer_workers=1)) as url:
        embedder.gate.clear()
        conn = Conn(url)
        try:
            accepted = [call(conn, "ask", ASK)[0] for _ in range(3)]  # one runs (held at the gate), two wait
            status, body = call(conn, "ask", ASK)
        finally:
            embedder.gate.set()
        assert accepted == [200, 200, 200]
        assert (status, json.loads(body)) == (
            503,
            {"detail": "The server is busy: all 2 places in its queue are taken; try again in a few seconds."},
        )
        assert until_answering(url, limit_s=HANG_S) != float("inf")


def test_a_stopped_queue_is_restarted(tmp_path):
    demo = build_app(small_assistant(tmp_path))
    with running_demo(demo) as url:
        assert answer(Conn(url), "ask", ASK)[0] == "complete"
        demo._queue.stopped = True  # what gradio's processing task does when it crashes
        assert until_answering(url, limit_s=HANG_S) != float("inf")
        assert demo._queue.stopped is False


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 5.5}, "k=5.5 is not allowed; k must be a whole number from 1 to 50"),
        ({"k": True}, "k=true is not allowed; k must be a whole number from 1 to 50"),
        ({"k": "5"}, "k='5' is not allowed; k must be a whole number from 1 to 50"),
        ({"k": 51}, "k=51 is out of range; k must be a whole number from 1 to 50"),
        ({"mode": "fast"}, "mode='fast' is not allowed; valid choices: hybrid, dense, bm25"),
        (
            {"sources": ["nope.txt", "alpha.txt"]},
            "sources names documents the index does not hold: nope.txt; indexed documents: alpha.txt, beta.md",
        ),
        (
            {"sources": "alpha.txt"},
            "sources='alpha.txt' is not allowed; sources must be a list of document names (or null for all documents)",
        ),
    ],
    ids=["fraction", "boolean", "text", "too-big", "mode", "unknown-source", "source-not-a-list"],
)
@pytest.mark.parametrize("api", ["/ask", "/search"])
def test_bad_parameters_are_refused_naming_the_valid_choices(server, api, kwargs, message):
    with pytest.raises(AppError) as caught:
        Client(server, verbose=False).predict(**{"question": "bridges", **kwargs}, api_name=api)
    assert str(caught.value) == message


def test_valid_parameters_are_taken(server):
    got = Client(server, verbose=False).predict(
        question="apple trees", k=2.0, sources=["beta.md"], mode="bm25", api_name="/search"
    )
    assert [h["citation"]["source"] for h in got["hits"]] == ["beta.md"]


def test_an_unknown_keyword_parameter_is_a_400_not_a_500(server):
    status, body = Conn(server).request("POST", "/gradio_api/call/v2/ask", {"question": "bridges", "colour": "red"})
    assert status == 400
    assert json.loads(body)["detail"].startswith(
        "The parameters do not fit this endpoint (Parameter `colour` is not a valid key-word argument."
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serving_beyond_loopback_needs_the_flag(tmp_path, host):
    demo = build_app(small_assistant(tmp_path))
    with pytest.raises(qa.errors.InvalidSetting) as caught:
        launch(demo, host, 7860, block=False)
    assert str(caught.value) == (
        f"--host {host} would serve the chat to other machines; add --expose to do that on "
        "purpose (and set a login with QA_AUTH_FILE), or use --host 127.0.0.1"
    )
    assert not demo.is_running


def test_qa_serve_refuses_a_public_host_without_the_flag():
    done = subprocess.run(
        [sys.executable, "-m", "qa.cli", "serve", "--host", "0.0.0.0", "--port", "9"],
        cwd=PROJECT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "qa: error: --host 0.0.0.0 would serve the chat to other machines; add --expose to do that on purpose "
        "(and set a login with QA_AUTH_FILE), or use --host 127.0.0.1"
    ]


def test_exposed_on_all_interfaces_with_a_login_refuses_anonymous_calls(tmp_path, capsys):
    with running_app(small_assistant(tmp_path), host="::", expose=True, auth=[("ann", "s3cret pass")]) as url:
        out, err = capsys.readouterr()
        port = urlsplit(url).port
        assert url == f"http://[::1]:{port}"
        assert out.splitlines()[0] == f"qa web chat: http://[::1]:{port}/"
        assert f"warning: serving on :: port {port}, reachable from other machines; a login is required (1 user)." in err
        conn = http.client.HTTPConnection("::1", port, timeout=30)
        conn.request("POST", "/gradio_api/call/ask", body=json.dumps({"data": ASK}), headers={"Content-Type": "application/json"})
        refused = conn.getresponse()
        assert (refused.status, json.loads(refused.read())["detail"]["error"]) == (401, "Not authenticated")
        conn.request("GET", "/health")  # monitors need no login, and learn nothing but whether it answers
        health = conn.getresponse()
        assert (health.status, json.loads(health.read())) == (200, {"answering": True})
        conn.close()
        with pytest.raises(Exception):  # noqa: B017  (gradio_client raises a bare Exception for a refused login)
            Client(url, verbose=False, auth=("ann", "wrong"))
        got = Client(url, verbose=False, auth=("ann", "s3cret pass")).predict(*ASK, api_name="/ask")
        assert got["hits"][0]["citation"]["source"] == "alpha.txt"


def test_an_ipv6_loopback_host_needs_no_flag(tmp_path):
    with running_app(small_assistant(tmp_path), host="::1") as url:
        assert url.startswith("http://[::1]:")
        assert answer(Conn(url), "ask", ASK)[0] == "complete"


def test_printed_urls_for_wildcard_hosts_start_with_loopback():
    assert reachable_urls("0.0.0.0", 8000)[0] == "http://127.0.0.1:8000/"
    assert reachable_urls("::", 8000)[0] == "http://[::1]:8000/"
    assert reachable_urls("[::1]", 8000) == ["http://[::1]:8000/"]
    assert reachable_urls("127.0.0.1", 8000) == ["http://127.0.0.1:8000/"]


def test_logins_come_from_a_file_or_the_environment(tmp_path):
    logins = tmp_path / "logins"
    logins.write_text("# who may use the chat\nann:s3cret: with colon\n\nbob:pw\n")
    assert load_auth({"QA_AUTH_FILE": str(logins)}) == [("ann", "s3cret: with colon"), ("bob", "pw")]
    assert load_auth({"QA_AUTH": "ann:pw"}) == [("ann", "pw")]
    assert load_auth({}) is None


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"QA_AUTH": "annpw"}, "line 1 of QA_AUTH is not user:password; write one login per line as user:password"),
        ({"QA_AUTH": "# nobody"}, "QA_AUTH holds no login; write one login per line as user:password"),
        (
            {"QA_AUTH_FILE": "/nonexistent/logins"},
            "QA_AUTH_FILE=/nonexistent/logins cannot be read (No such file or "
            "directory); point it at a readable file of user:password lines",
        ),
    ],
)
def test_bad_logins_are_refused_in_one_sentence(environ, message):
    with pytest.raises(qa.errors.InvalidSetting) as caught:
        load_auth(environ)
    assert str(caught.value) == message


def test_qa_serve_prints_its_url_and_removes_its_uploads_when_stopped(tmp_path):
    assistant = small_assistant(tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "QA_CORPUS_DIR": str(assistant.settings.corpus_dir),
        "QA_INDEX_DIR": str(assistant.settings.index_path),
        "TMPDIR": str(tmp_path),
    }
    env.pop("GRADIO_TEMP_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "serve", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline() == f"qa web chat: http://127.0.0.1:{port}/\n"
        (folder,) = tmp_path.glob(f"qa-uploads-{server.pid}-*")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/gradio_api/upload", *multipart("notes.txt", b"some notes"))
        stored = json.loads(conn.getresponse().read())
        assert Path(stored[0]).is_relative_to(folder) and Path(stored[0]).read_bytes() == b"some notes"
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0 and not folder.exists()


class _Server:
    closed = False

    def close(self):
        self.closed = True


class _RacedDemo:
    """What gradio's close() leaves when its cross-thread Event.set() races a waiter: flag set, server open."""

    def __init__(self):
        self.server = _Server()
        self.app = type("App", (), {"startup_events_triggered": True})()

    def close(self):
        raise RuntimeError("deque mutated during iteration")


def test_stopping_finishes_the_close_that_gradio_left_half_done():
    demo = _RacedDemo()
    stop(demo)
    assert (demo.server.closed, demo.app.startup_events_triggered) == (True, False)
