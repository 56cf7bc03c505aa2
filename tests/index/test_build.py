"""Builds: incremental re-embedding, file-by-file reports, --full, removed files, empty corpora, one build at a time."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import SEED
from qa import Assistant, Settings
from qa.errors import BuildInProgress, CorpusNotFound, EmptyCorpus
from qa.index.build import build
from qa.index.store.reader import open_current
from qa.ingest.chunking import embedding_text

PARAGRAPHS = [
    f"Paragraph {i} is about the {topic}. The {topic} was studied in {1900 + i} by a team of {i + 3} people. "
    f"They wrote that the {topic} changes slowly and that measuring it takes patience."
    for i, topic in enumerate(
        [
            "glacier",
            "river delta",
            "salt marsh",
            "coral reef",
            "pine forest",
            "tundra",
            "mangrove",
            "savanna",
            "kelp bed",
            "peat bog",
            "dune field",
            "estuary",
        ]
    )
]


def _passages(texts: list[str]) -> list[str]:
    """The passage texts among embedded texts (the rest are single vocabulary words)."""
    return [t for t in texts if any(c.isspace() for c in t)]


def _chunks_of(assistant: Assistant, source: str) -> list:
    gen = assistant.generation(build_if_missing=False)
    return [c for c, _ in gen.all_chunks() if c.source == source]


def test_adding_one_document_to_the_default_corpus_embeds_only_its_chunks(fake_assistant, corpus, fake_embedder):
    shutil.copy(SEED, corpus / SEED.name)
    first = fake_assistant.build_index()
    assert first.added == (SEED.name,) and first.n_embedded == first.n_chunks == len(_passages(fake_embedder.calls))
    assert len(fake_embedder.calls) == first.n_embedded + first.n_words
    fake_embedder.calls.clear()

    (corpus / "rivers.md").write_text("# Rivers\n\n" + "\n\n".join(PARAGRAPHS) + "\n")
    report = fake_assistant.build_index()

    assert report.added == ("rivers.md",)
    assert report.unchanged == (SEED.name,)
    assert report.updated == report.removed == () and report.skipped == ()
    new_chunks = _chunks_of(fake_assistant, "rivers.md")
    assert len(new_chunks) >= 2
    # Exactly the new document's chunk texts were embedded, nothing of the review again.
    assert sorted(_passages(fake_embedder.calls)) == sorted(embedding_text(c) for c in new_chunks)
    assert len(fake_embedder.calls) == report.n_embedded + report.n_words  # and only the new words
    assert report.n_embedded == len(new_chunks) == report.n_chunks - first.n_chunks
    assert fake_assistant.search("Which team studied the glacier?", k=1)[0].citation.source == "rivers.md"


def test_editing_one_paragraph_re_embeds_only_the_changed_chunks(fake_assistant, corpus, fake_embedder):
    doc = corpus / "nature.txt"
    doc.write_text("Nature notes\n\n" + "\n\n".join(PARAGRAPHS) + "\n")
    first = fake_assistant.build_index()
    assert first.n_chunks >= 3
    fake_embedder.calls.clear()

    doc.write_text(doc.read_text().replace("The tundra was studied in 1905", "The tundra was surveyed in 1905"))
    report = fake_assistant.build_index()

    assert report.updated == ("nature.txt",) and report.added == () and report.unchanged == ()
    assert 1 <= report.n_embedded < report.n_chunks
    assert all("surveyed" in t for t in _passages(fake_embedder.calls))
    hit = fake_assistant.search("When was the tundra surveyed?", k=1)[0]
    assert "surveyed" in hit.text


def test_nothing_changed_embeds_nothing_and_full_embeds_everything(fake_assistant, corpus, fake_embedder):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + "\n\n".join(PARAGRAPHS[:6]) + "\n")
    (corpus / "b.md").write_text("# Beta\n\n" + "\n\n".join(PARAGRAPHS[6:]) + "\n")
    first = fake_assistant.build_index()
    fake_embedder.calls.clear()

    again = fake_assistant.build_index()
    assert again.n_embedded == 0 and fake_embedder.calls == []
    assert again.unchanged == ("a.txt", "b.md") and again.added == again.updated == ()

    full = fake_assistant.build_index(full=True)
    assert full.n_embedded == full.n_chunks == first.n_chunks
    assert len(_passages(fake_embedder.calls)) == first.n_chunks
    assert full.unchanged == ("a.txt", "b.md")  # the report still compares with the index before


def test_removed_files_are_dropped_from_the_index(fake_assistant, corpus):
    (corpus / "keep.txt").write_text("Keep notes\n\n" + PARAGRAPHS[0] + "\n")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "gone.txt").write_text("Gone notes\n\n" + PARAGRAPHS[3] + "\n")
    fake_assistant.build_index()
    assert {d.source for d in fake_assistant.documents()} == {"keep.txt", "sub/gone.txt"}

    (corpus / "sub" / "gone.txt").unlink()
    report = fake_assistant.build_index()

    assert report.removed == ("sub/gone.txt",) and report.unchanged == ("keep.txt",)
    assert [d.source for d in fake_assistant.documents()] == ["keep.txt"]
    assert all(h.citation.source == "keep.txt" for h in fake_assistant.search("coral reef", k=5))


def test_a_damaged_replacement_keeps_the_indexed_version(fake_assistant, corpus):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + PARAGRAPHS[1] + "\n")
    (corpus / "b.txt").write_text("Beta notes\n\n" + PARAGRAPHS[2] + "\n")
    fake_assistant.build_index()
    (corpus / "b.txt").write_bytes(b"\x00\x01binary\x00" * 50)

    report = fake_assistant.build_index()

    assert [s.source for s in report.skipped] == ["b.txt"] and "binary" in report.skipped[0].reason
    assert any(w.startswith("b.txt: kept the previously indexed version") for w in report.warnings)
    assert {d.source for d in fake_assistant.documents()} == {"a.txt", "b.txt"}
    assert fake_assistant.search("salt marsh", k=1)[0].citation.source == "b.txt"


def test_empty_corpus_is_an_error_that_leaves_the_index_untouched(fake_assistant, corpus):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + PARAGRAPHS[4] + "\n")
    fake_assistant.build_index()
    root = fake_assistant.root
    before = ((root / "CURRENT").read_bytes(), sorted(p.name for p in root.iterdir()))

    (corpus / "a.txt").unlink()
    with pytest.raises(EmptyCorpus, match="existing index is unchanged"):
        fake_assistant.build_index()
    (corpus / "empty.txt").write_bytes(b"")  # only unusable files: still empty, and the reason is named
    with pytest.raises(EmptyCorpus, match="empty.txt: empty file"):
        fake_assistant.build_index()

    assert ((root / "CURRENT").read_bytes(), sorted(p.name for p in root.iterdir())) == before
    assert fake_assistant.search("pine forest", k=1)[0].citation.source == "a.txt"


def test_an_empty_corpus_with_no_index_builds_nothing(fake_assistant):
    with pytest.raises(EmptyCorpus):
        fake_assistant.build_index()
    assert not (fake_assistant.root / "CURRENT").exists()


def test_a_missing_path_is_named(fake_assistant, tmp_path):
    with pytest.raises(CorpusNotFound, match="nowhere.txt"):
        fake_assistant.build_index([tmp_path / "nowhere.txt"])


def test_files_outside_the_corpus_are_named_without_colliding(fake_assistant, corpus, tmp_path):
    (corpus / "notes.txt").write_text("Corpus notes\n\n" + PARAGRAPHS[5] + "\n")
    outside = tmp_path / "more"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "extra.txt").write_text("Extra notes\n\n" + PARAGRAPHS[7] + "\n")
    clash = tmp_path / "notes.txt"
    clash.write_text("Other notes\n\n" + PARAGRAPHS[8] + "\n")

    report = fake_assistant.build_index([corpus, outside, clash])

    assert set(report.added) == {"notes.txt", "more/deep/extra.txt"}
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("notes.txt", "another file is already indexed under the name notes.txt")
    ]


class _SlowEmbedder:
    """Wraps an embedder; each build's embedding step blocks until released."""

    def __init__(self, inner):
        self.inner = inner
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed(self, texts):
        self.entered.set()
        assert self.release.wait(30)
        return self.inner.embed(texts)


# flock(2)'s number, by architecture: /proc/<pid>/task/<tid>/syscall starts with the call a thread sits in.
SYS_FLOCK = {"x86_64": 73, "aarch64": 32}


def _until_blocked_in_flock(thread: threading.Thread) -> None:
    """Return once thread sits in flock(2), waiting for the lock (a hang guard, not a timing)."""
    number = SYS_FLOCK.get(platform.machine())
    syscall = Path(f"/proc/self/task/{thread.native_id}/syscall")
    for _ in range(3000):
        if number is None or not syscall.exists():
            thread.join(0.5)  # no way to look inside the kernel here: give it the time it needs
            return
        if syscall.read_text().split()[:1] == [str(number)]:
            return
        thread.join(0.01)
    raise AssertionError("the waiting build never reached the lock")


def test_a_second_build_is_told_or_waits_and_never_interleaves(tmp_path, corpus, fake_embedder):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + PARAGRAPHS[0] + "\n")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    slow = _SlowEmbedder(fake_embedder)
    events: list[str] = []

    def run(name: str, wait: bool, embedder) -> None:
        def progress(stage, done, total):
            if stage == "load" and done == 0:
                events.append(f"{name} start")
            if stage == "write" and done == total:
                events.append(f"{name} end")

        try:
            build([corpus], settings, lambda: embedder, full=True, progress=progress, wait=wait)
        except BuildInProgress as exc:
            events.append(f"{name} refused: {exc}")

    first = threading.Thread(target=run, args=("first", False, slow))
    first.start()
    assert slow.entered.wait(30)
    run("second", False, fake_embedder)  # told, at once
    waiter = threading.Thread(target=run, args=("third", True, fake_embedder))
    waiter.start()
    _until_blocked_in_flock(waiter)
    assert "third start" not in events  # it waits for the lock
    slow.release.set()
    first.join(30)
    waiter.join(30)

    assert events[0] == "first start"
    assert events[1].startswith("second refused: another build") and "is running" in events[1]
    assert events[2:] == ["first end", "third start", "third end"]


def test_a_build_in_another_process_is_detected(tmp_path, corpus, fake_embedder):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + PARAGRAPHS[0] + "\n")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    settings.index_path.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({str(settings.index_path / '.build.lock')!r}, 'a+')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildInProgress):
            build([corpus], settings, lambda: fake_embedder)
    finally:
        holder.kill()
        holder.wait()
    report = build([corpus], settings, lambda: fake_embedder)  # the dead holder's lock is gone
    assert report.added == ("a.txt",)
    assert open_current(settings.index_path).manifest.n_chunks == report.n_chunks


def test_changed_chunking_settings_rebuild_everything(tmp_path, corpus, fake_embedder):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + "\n\n".join(PARAGRAPHS) + "\n")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build([corpus], settings, lambda: fake_embedder)
    fake_embedder.calls.clear()
    report = build([corpus], settings.with_(chunk_tokens=48, max_chunk_tokens=64), lambda: fake_embedder)
    assert report.unchanged == ("a.txt",)
    assert report.n_chunks > 0 and len(fake_embedder.calls) == report.n_embedded > 0 and report.n_words == 0
    gen = open_current(settings.index_path)
    assert gen.manifest.chunking["chunk_tokens"] == 48


def test_paths_given_as_text_and_relative_names_work(tmp_path, corpus, fake_embedder, monkeypatch):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + PARAGRAPHS[0] + "\n")
    monkeypatch.chdir(tmp_path)
    settings = Settings(corpus_dir=Path("corpus"), index_dir=Path("index"))
    report = Assistant(settings, embedder=fake_embedder, build_embedder=lambda: fake_embedder).build_index(
        ["corpus/../corpus", "corpus/a.txt"]
    )
    assert report.added == ("a.txt",) and report.skipped == ()


def test_an_unexpected_error_on_one_file_skips_only_that_file(fake_assistant, corpus, monkeypatch):
    (corpus / "a.txt").write_text("Alpha notes\n\n" + PARAGRAPHS[0] + "\n")
    (corpus / "b.txt").write_text("Beta notes\n\n" + PARAGRAPHS[1] + "\n")
    import qa.index.plan

    real = qa.index.plan.chunk_document

    def flaky(doc, *args):
        if doc.source == "b.txt":
            raise IndexError("list index out of range")
        return real(doc, *args)

    monkeypatch.setattr(qa.index.plan, "chunk_document", flaky)
    report = fake_assistant.build_index()
    assert report.added == ("a.txt",)
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("b.txt", "could not be read (IndexError: list index out of range)")
    ]


@pytest.mark.model
def test_a_real_build_keeps_every_passages_sentence_vectors(real_index):
    """Each row stores one vector per sentence of its passage (qa/index/sentence_vectors.py), read back by chunk id."""
    import numpy as np

    from qa.ingest.chunking import sentence_spans

    gen = open_current(real_index.index_path)
    try:
        keyed = gen.all_chunks()
        assert gen.stored_sentences is not None
        counts = [len(list(sentence_spans(c.text, 0, len(c.text)))) for c, _ in keyed]
        assert gen.stored_sentences.rows[:, 1].tolist() == counts
        first = keyed[0][0].chunk_id
        got = gen.sentence_vectors([first, "no-such-chunk"])
        assert list(got) == [first]
        assert got[first].shape == (counts[0], 384)
        np.testing.assert_allclose(np.linalg.norm(got[first], axis=1), 1.0, atol=2e-3)  # float16 on disk
    finally:
        gen.close()


@pytest.mark.model
def test_an_added_document_keeps_the_sentence_vectors_of_unchanged_passages(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\n\n".join(PARAGRAPHS[:6]), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    Assistant(settings).build_index()
    before = open_current(settings.index_path)
    old = {c.chunk_id: before.sentence_vectors([c.chunk_id])[c.chunk_id] for c, _ in before.all_chunks()}
    before.close()
    (corpus / "b.txt").write_text("\n\n".join(PARAGRAPHS[6:]), encoding="utf-8")
    report = Assistant(settings).build_index()
    after = open_current(settings.index_path)
    try:
        assert report.n_embedded == len([c for c, _ in after.all_chunks() if c.source == "b.txt"])
        for cid, vectors in old.items():
            assert (after.sentence_vectors([cid])[cid] == vectors).all()
        new = [c.chunk_id for c, _ in after.all_chunks() if c.source == "b.txt"]
        assert set(after.sentence_vectors(new)) == set(new)
    finally:
        after.close()
