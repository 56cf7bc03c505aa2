"""The Qdrant backend chosen through Settings: builds publish to it, answers come from it, failures are one
clear error and leave the local index as it was; dev-set quality is the same as FAISS's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import DEV_SET, FakeEmbedder
from qa import Assistant, Settings, cli
from qa.errors import BackendUnavailable, IndexNotFound, InvalidSetting
from qa.index.store.backends import remote
from qa.index.store.qdrant import forget_engines
from qa.ops.evaluation import evaluate, load_questions

TEXT = (
    "Field notes\n\nThe lighthouse keeper logged {n} storms in the first winter. Each storm was measured "
    "by its wind speed and its wave height. The keeper's log is kept in the harbour museum.\n"
)


@pytest.fixture(autouse=True)
def _fresh_engines():
    yield
    forget_engines()


def _engine_settings(kind: str, tmp_path) -> dict:
    if kind == "edge":
        pytest.importorskip("qdrant_edge")
        return {"qdrant_path": str(tmp_path / "qdrant")}
    pytest.importorskip("qdrant_client")
    return {"qdrant_url": f"local:{tmp_path / 'qdrant-local'}"}


def _assistant(settings: Settings, fake: FakeEmbedder) -> Assistant:
    return Assistant(settings, embedder=fake, build_embedder=lambda: fake, multilingual=FakeEmbedder())


@pytest.mark.parametrize("kind", ["edge", "client"])
def test_a_build_publishes_to_qdrant_and_answers_come_from_it(tmp_path, corpus, fake_embedder, kind):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    (corpus / "b.txt").write_text(TEXT.format(n=30).replace("lighthouse keeper", "ferry captain"))
    local = Settings(corpus_dir=corpus, index_dir=tmp_path / "local")
    qdrant = local.with_(index_dir=tmp_path / "index", backend="qdrant", **_engine_settings(kind, tmp_path))
    _assistant(local, fake_embedder).build_index()
    report = _assistant(qdrant, fake_embedder).build_index()

    # An app server elsewhere: no corpus, an empty index folder; everything comes from Qdrant.
    server = qdrant.with_(corpus_dir=tmp_path / "no-corpus", index_dir=tmp_path / "server-index")
    reader = _assistant(server, fake_embedder)
    gen = reader.generation(build_if_missing=False)
    assert type(gen).__name__ == "QdrantGeneration" and type(gen.passages).__name__ == "QdrantPassages"
    assert reader.status().generation == report.generation and [d.source for d in reader.documents()] == ["a.txt", "b.txt"]
    assert reader.context("b.txt", 0, 11)[1] == "Field notes"
    assert remote(qdrant).current() == report.generation
    plain = _assistant(local, fake_embedder)
    for q, sources in [("ferry captain storms", None), ("wave height", ["a.txt"])]:
        want = [(h.chunk_id, round(h.score, 5)) for h in plain.search(q, k=3, sources=sources)]
        assert [(h.chunk_id, round(h.score, 5)) for h in reader.search(q, k=3, sources=sources)] == want
    assert (
        reader.ask("How many storms did the ferry captain log?").verdict
        == plain.ask("How many storms did the ferry captain log?").verdict
    )
    assert not (tmp_path / "server-index").exists() or not list((tmp_path / "server-index").glob("gen-*"))


@pytest.mark.parametrize("kind", ["edge", "client"])
def test_the_next_build_becomes_current_and_keeps_the_previous(tmp_path, corpus, fake_embedder, kind):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", backend="qdrant", **_engine_settings(kind, tmp_path))
    first = _assistant(settings, fake_embedder).build_index().generation
    (corpus / "b.txt").write_text(TEXT.format(n=30).replace("lighthouse keeper", "ferry captain"))
    second = _assistant(settings, fake_embedder).build_index().generation
    w = remote(settings)
    assert (w.current(), w.generations()) == (second, sorted([first, second]))
    assert w.engine.get_pointer("qa") == {"current": second, "previous": first}


def test_an_unreachable_server_is_one_clear_error_and_the_local_index_is_untouched(tmp_path, corpus, fake_embedder):
    pytest.importorskip("qdrant_client")
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    local = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    _assistant(local, fake_embedder).build_index()
    pointer = (tmp_path / "index" / "CURRENT").read_text()
    down = local.with_(backend="qdrant", qdrant_url="http://127.0.0.1:9")  # nothing listens on port 9
    (corpus / "b.txt").write_text(TEXT.format(n=30))
    with pytest.raises(BackendUnavailable, match=r"Qdrant at http://127\.0\.0\.1:9 cannot be reached"):
        _assistant(down, fake_embedder).build_index()
    with pytest.raises(BackendUnavailable, match=r"Qdrant at http://127\.0\.0\.1:9"):
        _assistant(down, fake_embedder).search("storms")
    assert (tmp_path / "index" / "CURRENT").read_text() == pointer


def test_a_generation_missing_from_qdrant_is_an_error_naming_it(tmp_path, corpus, fake_embedder):
    pytest.importorskip("qdrant_edge")
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    qdrant = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", backend="qdrant", qdrant_path=str(tmp_path / "qdrant"))
    with pytest.raises(
        IndexNotFound,
        match=f"no index in the embedded Qdrant in {tmp_path / 'qdrant'} "
        r"\(collection alias qa\); build one with: QA_BACKEND=qdrant qa index",
    ):
        _assistant(qdrant, fake_embedder).generation(build_if_missing=False)
    name = _assistant(qdrant, fake_embedder).build_index().generation
    remote(qdrant).engine.drop(f"qa-{name}")  # deleted on the server behind the app's back
    with pytest.raises(BackendUnavailable, match=f"collection qa-{name} .*does not exist.*qa index"):
        _assistant(qdrant, fake_embedder).search("storms")


def test_the_embedded_engine_serves_one_process_and_says_so(tmp_path, corpus, fake_embedder):
    pytest.importorskip("qdrant_edge")
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", backend="qdrant", qdrant_path=str(tmp_path / "qdrant"))
    name = _assistant(settings, fake_embedder).build_index().generation  # the builder closes what it wrote
    other = subprocess.run(
        [sys.executable, "-c", OPEN_IN_CHILD, str(tmp_path / "qdrant"), name], capture_output=True, text=True, timeout=120
    )
    assert other.returncode == 0 and other.stdout.strip() == "rows 1"
    _assistant(settings, fake_embedder).search("storms")  # now this process holds it open
    other = subprocess.run(
        [sys.executable, "-c", OPEN_IN_CHILD, str(tmp_path / "qdrant"), name], capture_output=True, text=True, timeout=120
    )
    assert (
        other.stdout.strip() == f"BackendUnavailable: the embedded Qdrant in {tmp_path / 'qdrant'}: "
        f"collection qa-{name} is open in another process; the embedded engine serves one process at a time "
        "(several processes share a Qdrant server: QA_QDRANT_URL)"
    )


OPEN_IN_CHILD = """
import sys
from qa import Settings
from qa.errors import BackendUnavailable
from qa.index.store.backends import remote
try:
    print("rows", remote(Settings(backend="qdrant", qdrant_path=sys.argv[1])).open(sys.argv[2]).n)
except BackendUnavailable as exc:
    print(f"BackendUnavailable: {exc}")
"""


def test_the_cli_says_it_in_one_line(tmp_path, corpus, monkeypatch, capsys):
    pytest.importorskip("qdrant_client")
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    monkeypatch.setenv("QA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_BACKEND", "qdrant")
    monkeypatch.setenv("QA_QDRANT_URL", "http://127.0.0.1:9")
    assert cli.main(["index", "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("qa: error: Qdrant at http://127.0.0.1:9 cannot be reached")
    assert not (tmp_path / "index" / "CURRENT").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"backend": "milvus"}, "QA_BACKEND='milvus'; valid choices: faiss, qdrant"),
        ({"backend": "qdrant"}, "needs QA_QDRANT_URL"),
    ],
)
def test_backend_settings_are_checked(changes, message):
    with pytest.raises(InvalidSetting, match=message):
        Settings(**changes)


@pytest.mark.model
@pytest.mark.parametrize("kind", ["edge", "client"])
def test_dev_set_quality_is_the_same_through_qdrant(real_index, tmp_path, kind):
    """Recall@1/5 and MRR@10 on a sample of the dev set, every mode, FAISS against Qdrant."""
    from qa.index.store.backends import publish
    from qa.index.store.reader import open_current

    questions = load_questions(DEV_SET)[::3]
    qdrant = real_index.with_(backend="qdrant", **_engine_settings(kind, tmp_path))
    gen = open_current(real_index.index_path)
    publish(qdrant, gen)
    plain, through = Assistant(real_index), Assistant(qdrant)
    assert type(through.generation().passages).__name__ == "QdrantPassages"
    key = lambda rows: [(r.mode, r.group, r.n, r.recall_at_1, r.recall_at_5, round(r.mrr_at_10, 6)) for r in rows]  # noqa
    assert key(evaluate(through, questions)) == key(evaluate(plain, questions))


@pytest.mark.model
def test_answer_sentence_vectors_are_the_same_through_qdrant(real_index, tmp_path):
    """Answers over Qdrant read the same stored sentence vectors as over the local index, not embedded anew."""
    from qa.index.store.backends import publish
    from qa.index.store.reader import open_current

    gen = open_current(real_index.index_path)
    qdrant = real_index.with_(backend="qdrant", **_engine_settings("edge", tmp_path))
    publish(qdrant, gen)
    through = Assistant(qdrant).generation()
    ids = [c.chunk_id for c, _ in gen.all_chunks()] + ["no-such-chunk"]
    local, remote_vectors = gen.sentence_vectors(ids), through.sentence_vectors(ids)
    gen.close()
    assert len(local) == len(ids) - 1
    assert sorted(remote_vectors) == sorted(local)
    assert all((remote_vectors[c] == local[c]).all() for c in local)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"qdrant_url": "http://qdrant:6333"}, r"Qdrant at http://qdrant:6333: the Qdrant extra is not installed"),
        ({"qdrant_path": "/srv/qdrant"}, r"the embedded Qdrant in /srv/qdrant: the Qdrant extra is not installed"),
    ],
)
def test_without_the_extra_the_error_says_how_to_install_it(monkeypatch, changes, message):

    monkeypatch.setitem(sys.modules, "qdrant_client", None)
    monkeypatch.setitem(sys.modules, "qdrant_edge", None)
    with pytest.raises(BackendUnavailable, match=message + r"; install it with: pip install '\.\[qdrant\]'"):
        remote(Settings(backend="qdrant", **changes))


@pytest.mark.parametrize(
    "status, message",
    [
        (401, r"Qdrant at http://qdrant\.example:6333 refused the API key \(HTTP 401\); check QA_QDRANT_API_KEY"),
        (403, r"Qdrant at http://qdrant\.example:6333 refused the API key \(HTTP 403\); check QA_QDRANT_API_KEY"),
    ],
)
def test_a_refused_key_is_one_clear_error(monkeypatch, status, message):
    pytest.importorskip("qdrant_client")
    from qdrant_client import QdrantClient
    from qdrant_client.http.exceptions import UnexpectedResponse

    def refuse(self, *args, **kwargs):  # what a server with another key answers
        raise UnexpectedResponse(status_code=status, reason_phrase="Unauthorized", content=b"Invalid api-key", headers={})

    monkeypatch.setattr(QdrantClient, "get_collections", refuse)
    with pytest.raises(BackendUnavailable, match=message):
        remote(Settings(backend="qdrant", qdrant_url="http://qdrant.example:6333", qdrant_api_key="wrong"))
