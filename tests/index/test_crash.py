"""kill -9 during a rebuild, at every step of writing a generation: the index still loads and answers."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import PROJECT, SEED
from qa import Assistant, Settings
from qa.index.store.reader import Generation, open_current

pytestmark = pytest.mark.slow  # kills builds at every step: minutes, in `make test` only
TESTS = Path(__file__).resolve().parents[1]

# The child builds with the fake embedder; at the named point it says so and waits to be killed.
CHILD = r"""
import sys, threading, time
sys.path[:0] = [sys.argv[4], sys.argv[5]]
from pathlib import Path
from conftest import FakeEmbedder
from qa import Settings
from qa.index import reading as b
from qa.index.store import chunks as c, pointer as p, writer as w

corpus, index, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
said = threading.Lock()  # two read-ahead threads can reach "loading" at once: their lines must not interleave

def stop(name):
    if name == point:
        with said:
            print("AT", name, flush=True)
        time.sleep(600)

def wrap(owner, attr, before=None, after=None, when=lambda args: True):
    real = getattr(owner, attr)
    def wrapper(*args, **kwargs):
        if before and when(args):
            stop(before)
        result = real(*args, **kwargs)
        if after and when(args):
            stop(after)
        return result
    setattr(owner, attr, wrapper)

class Embedder(FakeEmbedder):
    def embed(self, texts):
        stop("embedding")
        return super().embed(texts)

wrap(b, "load_document", before="loading")
wrap(c.sqlite3, "connect", after="sqlite_opened", when=lambda args: "tmp-gen-" in str(args[0]))
wrap(w.np, "save", before="sqlite_written")
wrap(w, "save_vector_index", after="faiss_written")
wrap(w, "file_record", before="bm25_written")
wrap(w, "fsync_tree", after="folder_complete")
wrap(w.os, "rename", after="folder_renamed")
wrap(p.os, "replace", before="pointer_staged", after="pointer_replaced")
print("AT START", flush=True)
from qa.index import build
report = build.build([corpus], Settings(corpus_dir=corpus, index_dir=index), lambda: Embedder())
print("DONE", report.generation, flush=True)
"""

POINTS = [
    "loading",
    "embedding",
    "sqlite_opened",
    "sqlite_written",
    "faiss_written",
    "bm25_written",
    "folder_complete",
    "folder_renamed",
    "pointer_staged",
    "pointer_replaced",
]

NOTES = (
    "Canal notes\n\nThe canal lock at {place} lifted {n} barges a day. Barges carried coal north and "
    "pottery south. The lock keeper lived in a cottage beside the gates.\n"
)


def _child(corpus: Path, index: Path, point: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(corpus), str(index), point, str(TESTS), str(PROJECT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)


def _wait_for(proc: subprocess.Popen, point: str, timeout: float = 120) -> None:
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        for line in proc.stdout:
            if line.strip() == f"AT {point}":
                return
        pytest.fail(f"the build never reached {point}: {proc.stderr.read()[-2000:]}")
    finally:
        timer.cancel()


def _assert_answers(settings: Settings, fake_embedder, expect: str | None = None) -> Generation:
    gen = open_current(settings.index_path)
    assert gen.warning is None
    reader = Assistant(settings, embedder=fake_embedder)
    hits = reader.search("How many barges did the canal lock lift?", k=3)
    assert hits and "barges" in hits[0].text
    if expect:
        assert any(expect in h.text for h in reader.search(f"{expect} canal lock", k=5))
    assert reader.ask("Where did the lock keeper live?").hits
    return gen


def _assert_clean_rebuild(settings: Settings, fake_embedder) -> None:
    """The next build succeeds, removes every leftover and keeps exactly the current and previous generation."""
    report = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index()
    root = settings.index_path
    pointer = json.loads((root / "CURRENT").read_text())
    assert pointer["current"] == report.generation
    names = sorted(p.name for p in root.iterdir() if p.name != "models")
    assert names == sorted([".build.lock", "CURRENT", pointer["current"], pointer["previous"]])
    _assert_answers(settings, fake_embedder, expect="Lowmoor")


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_at_each_step_leaves_a_loadable_index(tmp_path, corpus, fake_embedder, point):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    (corpus / "a.txt").write_text(NOTES.format(place="Highbridge", n=40))
    (corpus / "b.txt").write_text(NOTES.format(place="Eastgate", n=25).replace("coal", "salt"))
    first = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index()
    (corpus / "a.txt").write_text(NOTES.format(place="Highbridge", n=41))
    (corpus / "c.txt").write_text(NOTES.format(place="Lowmoor", n=12).replace("pottery", "wool"))

    proc = _child(corpus, settings.index_path, point)
    _wait_for(proc, point)
    _kill(proc)

    gen = _assert_answers(settings, fake_embedder)
    pointer = json.loads((settings.index_path / "CURRENT").read_text())
    if point == "pointer_replaced":  # the new generation was already current: it is complete
        assert gen.path.name != first.generation and pointer["previous"] == first.generation
        assert {d.source for d in gen.documents()} == {"a.txt", "b.txt", "c.txt"}
    else:  # the old generation is still current, untouched
        assert gen.path.name == first.generation == pointer["current"]
        assert {d.source for d in gen.documents()} == {"a.txt", "b.txt"}
    _assert_clean_rebuild(settings, fake_embedder)


def test_kill_9_after_any_delay_leaves_a_loadable_index(tmp_path, corpus, fake_embedder):
    """Kill a real build (nothing patched) at fractions of its measured duration."""
    baseline = Settings(corpus_dir=corpus, index_dir=tmp_path / "baseline")
    (corpus / "a.txt").write_text(NOTES.format(place="Highbridge", n=40))
    Assistant(baseline, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index()
    shutil.copy(SEED, corpus / SEED.name)  # a bigger build: more time in every step
    (corpus / "c.txt").write_text(NOTES.format(place="Lowmoor", n=12))

    def start(name: str) -> tuple[Settings, subprocess.Popen]:
        settings = baseline.with_(index_dir=tmp_path / name)
        shutil.copytree(baseline.index_path, settings.index_path)
        proc = _child(corpus, settings.index_path, "nowhere")
        _wait_for(proc, "START")
        return settings, proc

    _, proc = start("calibration")
    t0 = time.perf_counter()
    assert proc.stdout.readline().startswith("DONE"), proc.stderr.read()
    duration = time.perf_counter() - t0
    proc.wait(30)

    outcomes = []
    for fraction in (0.02, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.93, 0.98):
        settings, proc = start(f"kill-{fraction}")
        time.sleep(fraction * duration)
        finished = proc.poll() is not None
        _kill(proc)
        gen = _assert_answers(settings, fake_embedder)
        docs = {d.source for d in gen.documents()}
        assert docs in ({"a.txt"}, {"a.txt", "c.txt", SEED.name}), (fraction, finished)
        leftovers = sorted(p.name for p in settings.index_path.iterdir() if p.name.startswith(("tmp-", ".CUR")))
        outcomes.append((fraction, "new" if len(docs) == 3 else "old", leftovers))
        _assert_clean_rebuild(settings, fake_embedder)
    print(f"build of {duration:.2f} s killed at: {outcomes}")
