"""embeddings.fingerprint: a weights file's content hash, remembered between processes by the file's identity."""

from __future__ import annotations

import json
import os

from qa.embed.embeddings import file_hash, fingerprint


def _weights(tmp_path, data: bytes = b"weights " * 1000):
    path = tmp_path / "model.safetensors"
    path.write_bytes(data)
    return path


def test_the_fingerprint_is_the_start_of_the_content_hash_and_is_remembered(tmp_path):
    path, store = _weights(tmp_path), tmp_path / "fingerprints.json"
    value = fingerprint(path, store)
    assert value == file_hash(path)[:16]
    assert list(json.loads(store.read_text()).values()) == [value]


def test_a_remembered_fingerprint_is_read_not_recomputed(tmp_path):
    path, store = _weights(tmp_path), tmp_path / "fingerprints.json"
    fingerprint(path, store)
    (identity,) = json.loads(store.read_text())
    store.write_text(json.dumps({identity: "0123456789abcdef"}))  # what another process remembered
    other = tmp_path / "elsewhere.json"  # a new store: nothing in-process answers for it
    other.write_text(store.read_text())
    assert fingerprint(path, other) == "0123456789abcdef"


def test_a_changed_file_is_hashed_again_and_replaces_its_old_entry(tmp_path):
    path, store = _weights(tmp_path), tmp_path / "fingerprints.json"
    first = fingerprint(path, store)
    path.write_bytes(b"other weights " * 1000)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    second = fingerprint(path, store)
    assert second == file_hash(path)[:16] != first
    assert list(json.loads(store.read_text()).values()) == [second]


def test_a_damaged_store_or_one_without_its_folder_only_costs_a_hash(tmp_path):
    path, store = _weights(tmp_path), tmp_path / "fingerprints.json"
    store.write_text("{not json")
    assert fingerprint(path, store) == file_hash(path)[:16]
    nowhere = tmp_path / "no-folder" / "fingerprints.json"  # never made: a store lives beside existing exports
    assert fingerprint(_weights(tmp_path, b"x" * 10), nowhere) == file_hash(path)[:16]
    assert not nowhere.parent.exists()
