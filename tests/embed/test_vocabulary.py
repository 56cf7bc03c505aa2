"""Vocabulary: corpus words are embedded at build time; answering embeds only words the corpus lacks."""

from __future__ import annotations

import numpy as np

from qa.embed.vocabulary import WordVectors, corpus_words, embeddable


def test_corpus_words_are_sorted_and_distinct():
    assert corpus_words(["Owls hunt.", "owls sleep"]) == ["hunt", "owls", "sleep"]


def test_only_words_of_latin_letters_are_embedded():
    # Numbers, codes and identifiers match by spelling, and MiniLM reads Chinese as unknown tokens.
    text = "Set crossmnt and 0,crossmnt on port 8080 for IPv6 主机名 hosts"
    assert corpus_words([text]) == ["and", "crossmnt", "for", "hosts", "on", "port", "set"]
    assert [w for w in ("paperwork", "ipv6", "8080", "主机名", "café") if embeddable(w)] == ["paperwork"]


def test_stored_words_are_looked_up_and_only_the_rest_embedded(fake_embedder):
    stored = {"owls": np.ones(384, np.float32) / np.sqrt(384)}
    wv = WordVectors(fake_embedder, lambda ws: {w: stored[w] for w in ws if w in stored})
    out = wv(["owls", "paperwork", "owls"])
    assert out.shape == (3, 384)
    assert np.allclose(out[0], stored["owls"]) and np.allclose(out[2], stored["owls"])
    assert np.allclose(out[1], fake_embedder.embed(["paperwork"])[0])
    assert fake_embedder.calls == ["paperwork", "paperwork"]  # once by WordVectors, once just above
    fake_embedder.calls.clear()
    wv(["paperwork"])
    assert fake_embedder.calls == []  # cached


def test_an_index_stores_its_vocabulary(fake_assistant, corpus, fake_embedder):
    (corpus / "owls.txt").write_text("Owls hunt at night.\n\nBarn owls nest in towers.\n")
    report = fake_assistant.build_index()
    gen = fake_assistant.generation()
    assert report.n_words == len(gen.vocabulary()) == len(corpus_words(["Owls hunt at night.", "Barn owls nest in towers."]))
    found = gen.word_vectors(["owls", "towers", "paperwork"])
    assert sorted(found) == ["owls", "towers"]
    assert np.allclose(found["owls"], fake_embedder.embed(["owls"])[0], atol=1e-3)  # stored as float16
