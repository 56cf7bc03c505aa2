"""Answers: the best answering sentences of the top hits, with document spans, and the supported decision."""

from __future__ import annotations

import pytest

from conftest import SEED
from qa import Citation, Hit
from qa.answers import (MAX_SENTENCES, SENTENCE_HITS, AnswerSentence, Evidence, content_terms, gather_evidence,
                        is_supported, best_sentences)
from qa.documents import load_document
from qa.settings import Settings

DOC = ("Owl Notes\n\nBarn owls live in old barns and church towers. A barn owl eats about four voles every night. "
       "Their hearing is sharp enough to hunt in total darkness.\n\n1.2 Nesting Habits\nBarn owls nest in hollow "
       "trees. The female lays four to six eggs each spring.\n")


def _hit(rank: int, passage: str, doc: str = DOC, source: str = "owls.txt") -> Hit:
    start = doc.index(passage)
    return Hit(rank, 1.0 / rank, passage, Citation(source, "Owl Notes", None, None, start, start + len(passage)),
               f"c{rank}", 0.5, 1.0)


HUNTING = DOC[DOC.index("Barn owls live"):DOC.index("\n\n1.2")]
NESTING = DOC[DOC.index("1.2 Nesting"):].strip()


def test_the_sentence_with_the_answer_comes_first(fake_embedder):
    sentences, best = best_sentences("How many voles does a barn owl eat every night?",
                                     [_hit(1, HUNTING), _hit(2, NESTING)], fake_embedder)
    assert sentences[0] == AnswerSentence("A barn owl eats about four voles every night.", 1,
                                          DOC.index("A barn owl eats"), DOC.index("A barn owl eats") + 45,
                                          sentences[0].score)
    assert 0 < best <= 1


def test_answer_sentences_are_ranked_and_limited(fake_embedder):
    sentences, _ = best_sentences("When does the female barn owl lay eggs?", [_hit(1, HUNTING), _hit(2, NESTING)],
                                  fake_embedder)
    assert sentences[0].text == "The female lays four to six eggs each spring."
    assert sentences[0].hit_rank == 2
    assert len(sentences) == MAX_SENTENCES
    assert [s.score for s in sentences] == sorted((s.score for s in sentences), reverse=True)
    assert len(best_sentences("eggs", [_hit(1, HUNTING), _hit(2, NESTING)], fake_embedder, limit=1)[0]) == 1


def test_sentence_spans_map_to_document_offsets(fake_embedder):
    sentences, _ = best_sentences("barn owls nest eggs voles hearing", [_hit(1, HUNTING), _hit(2, NESTING)],
                                  fake_embedder, limit=10)
    assert len(sentences) >= 4
    for s in sentences:
        assert DOC[s.start:s.end] == s.text


@pytest.mark.parametrize("question", ["Nesting Habits", "What are the nesting habits of barn owls?"])
def test_headings_are_never_answer_sentences(fake_embedder, question):
    sentences, _ = best_sentences(question, [_hit(1, NESTING)], fake_embedder, limit=10)
    assert {s.text for s in sentences} == {"Barn owls nest in hollow trees.",
                                           "The female lays four to six eggs each spring."}


def test_markdown_headings_are_never_answer_sentences(fake_embedder):
    doc = "## Nesting Habits of Barn Owls\nBarn owls nest in hollow trees and towers.\n"
    sentences, _ = best_sentences("Nesting habits of barn owls", [_hit(1, doc.strip(), doc)], fake_embedder)
    assert [s.text for s in sentences] == ["Barn owls nest in hollow trees and towers."]


def test_sentences_come_only_from_the_top_hits(fake_embedder):
    doc = "Alpha owls sleep by day.\n\nBeta owls sleep by day.\n\nGamma owls sleep by day.\n\n" \
          "Delta owls eat voles every night.\n"
    hits = [_hit(i + 1, p, doc) for i, p in enumerate(["Alpha owls sleep by day.", "Beta owls sleep by day.",
                                                       "Gamma owls sleep by day.",
                                                       "Delta owls eat voles every night."])]
    sentences, _ = best_sentences("Which owls eat voles every night?", hits, fake_embedder, limit=10)
    assert SENTENCE_HITS == 3
    assert sorted(s.hit_rank for s in sentences) == [1, 2, 3]


def test_repeated_sentences_are_given_once(fake_embedder):
    doc = "First copy: Owls hunt voles at night.\n\nSecond copy: Owls hunt voles at night.\n"
    hits = [_hit(1, "Owls hunt voles at night.", doc), _hit(2, doc[doc.rindex("Owls"):].strip(), doc)]
    sentences, _ = best_sentences("Do owls hunt voles at night?", hits, fake_embedder)
    assert [(s.text, s.hit_rank) for s in sentences] == [("Owls hunt voles at night.", 1)]


def test_no_hits_give_no_sentences(fake_embedder):
    assert best_sentences("anything", [], fake_embedder) == ([], 0.0)


@pytest.mark.parametrize("text, terms", [
    ("How many base stations?", {"base", "station"}),
    ("Judges' workloads dropped by 30%", {"judges'", "workload", "dropp", "30"}),
    ("数据治理", {"数据", "治理"}),  # Chinese: jieba's words, not single characters
    ("What is the?", set()),
])
def test_content_terms(text, terms):
    assert content_terms(text) == terms


# --- is_supported ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("evidence, supported", [
    (Evidence(0.8, 0.8, (0.0, 0.0)), True),  # close sentence, every question word found
    (Evidence(0.6, 0.6, (0.1, 0.2)), True),
    (Evidence(0.3, 0.3, (0.6, 0.8)), False),  # the passages miss most of the question
    (Evidence(0.1, 0.2, (1.0, 1.0)), False),
    (Evidence(0.0, 0.0, (1.0, 1.0)), False),  # what no hits give
])
def test_is_supported(evidence, supported):
    result, confidence = is_supported(evidence)
    assert result is supported
    assert 0 <= confidence <= 1 and (confidence >= 0.5) is supported


def test_confidence_grows_with_closer_sentences_and_fewer_unsupported_words():
    base = Evidence(0.4, 0.4, (0.3, 0.4))
    closer = Evidence(0.6, 0.4, (0.3, 0.4))
    covered = Evidence(0.4, 0.4, (0.0, 0.1))
    assert is_supported(base)[1] < is_supported(closer)[1]
    assert is_supported(base)[1] < is_supported(covered)[1]


def test_evidence_without_hits_is_unsupported():
    evidence = gather_evidence("anything at all", [], 0.0, None, None, None)
    assert evidence == Evidence(0.0, 0.0, (1.0, 1.0))
    assert is_supported(evidence)[0] is False


# --- with the real model -----------------------------------------------------------------------------------------

@pytest.mark.model
def test_a_question_the_review_answers_is_supported(real_assistant):
    ans = real_assistant.ask("How many 5G base stations had China built by September 2023?")
    assert ans.supported is True
    assert "3.189 million" in ans.sentences[0].text
    seed = load_document(SEED, SEED.parent, Settings())
    assert all(seed.text[s.start:s.end] == s.text for s in ans.sentences)
    assert ans.hits[ans.sentences[0].hit_rank - 1].citation.section == "1.3 Data Governance"


@pytest.mark.model
def test_a_question_the_review_does_not_answer_is_not_supported(real_assistant):
    ans = real_assistant.ask("What is the boiling point of water at sea level?")
    assert ans.supported is False
    assert ans.confidence < 0.5
    assert len(ans.hits) == 5  # the closest passages are still given
