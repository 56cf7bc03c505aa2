"""qa.retrieve.relevance: one 0-1 relevance with one meaning, labelled strong / fair / weak, the same in every mode."""

from __future__ import annotations

import pytest

from qa.retrieve import relevance as rel


@pytest.mark.parametrize(
    "cosine, value, label",
    [
        (-0.3, 0.0, "weak match"),
        (rel.UNRELATED_COSINE, 0.0, "weak match"),
        (0.30, 0.25, "weak match"),
        (0.36, 0.35, "fair match"),
        (0.45, 0.5, "fair match"),
        (0.51, 0.6, "strong match"),
        (rel.PARAPHRASE_COSINE, 1.0, "strong match"),
        (0.99, 1.0, "strong match"),
    ],
)
def test_relevance_rescales_the_cosine_and_labels_it(cosine, value, label):
    assert rel.relevance(cosine) == pytest.approx(value, abs=1e-4)
    assert rel.match_label(rel.relevance(cosine)) == label


def test_every_mode_gives_a_passage_the_same_relevance(fake_assistant, corpus):
    (corpus / "birds.txt").write_text(
        "Bird Notes\n\nBarn owls hunt voles at night in the fields.\n\n"
        "Swifts sleep on the wing and rarely land.\n\nRobins sing at dawn in winter.\n"
    )
    fake_assistant.build_index()
    by_mode = {
        mode: {h.chunk_id: (h.relevance, h.match) for h in fake_assistant.search("What do barn owls hunt?", k=3, mode=mode)}
        for mode in ("hybrid", "dense", "bm25")
    }
    shared = set(by_mode["hybrid"]) & set(by_mode["dense"]) & set(by_mode["bm25"])
    assert shared
    for chunk in shared:
        assert by_mode["hybrid"][chunk] == by_mode["dense"][chunk] == by_mode["bm25"][chunk]
    for found in by_mode.values():
        for value, label in found.values():
            assert 0.0 <= value <= 1.0 and label in rel.LABELS


@pytest.mark.parametrize(
    "model, cosine, value, label",
    [
        ("multilingual", 0.05, 0.0, "weak match"),
        ("multilingual", 0.225, 0.35, "fair match"),
        ("multilingual", 0.35, 0.6, "strong match"),
        ("multilingual", 0.6, 1.0, "strong match"),
        ("minilm", 0.35, 1 / 3, "weak match"),
    ],
)
def test_each_embedding_model_has_its_own_calibration(model, cosine, value, label):
    assert rel.relevance(cosine, model) == pytest.approx(value, abs=1e-4)
    assert rel.match_label(rel.relevance(cosine, model)) == label
