"""Answers: the best answering sentences of the top hits, with document spans, and the verdict."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import SEED
from qa import Citation, Hit
from qa.answer.answers import MAX_SENTENCES, AnswerSentence, best_sentences, judge, rank_sentences
from qa.answer.patterns import CANDIDATE_HITS
from qa.answer.verdict_model import SentenceWeights, VerdictModel
from qa.answer.verdicts import Matcher
from qa.embed.vocabulary import WordVectors
from qa.ingest.documents import load_document
from qa.retrieve.shape import shape
from qa.settings import Settings

DOC = (
    "Owl Notes\n\nBarn owls live in old barns and church towers. A barn owl eats about four voles every night. "
    "Their hearing is sharp enough to hunt in total darkness.\n\n1.2 Nesting Habits\nBarn owls nest in hollow "
    "trees. The female lays four to six eggs each spring.\n"
)


def _hit(rank: int, passage: str, doc: str = DOC, source: str = "owls.txt") -> Hit:
    start = doc.index(passage)
    return Hit(
        rank, 1.0 / rank, passage, Citation(source, "Owl Notes", None, None, start, start + len(passage)), f"c{rank}", 0.5, 1.0
    )


HUNTING = DOC[DOC.index("Barn owls live") : DOC.index("\n\n1.2")]
NESTING = DOC[DOC.index("1.2 Nesting") :].strip()


def _answer(question, hits, embedder, limit=MAX_SENTENCES, weights=SentenceWeights()):  # noqa: B008  (frozen)
    """The ranked answer sentences for question over hits, as Assistant.ask finds them."""
    matcher = Matcher(shape(question), lambda ws: np.ones(len(ws)), WordVectors(embedder))
    qvec = embedder.embed([question])[0]
    return best_sentences(rank_sentences(question, hits, embedder, qvec, matcher, weights), limit)


def test_the_sentence_with_the_answer_comes_first(fake_embedder):
    sentences = _answer("How many voles does a barn owl eat every night?", [_hit(1, HUNTING), _hit(2, NESTING)], fake_embedder)
    assert sentences[0] == AnswerSentence(
        "A barn owl eats about four voles every night.",
        1,
        DOC.index("A barn owl eats"),
        DOC.index("A barn owl eats") + 45,
        sentences[0].score,
    )


def test_answer_sentences_are_ranked_and_limited(fake_embedder):
    sentences = _answer("When does the female barn owl lay eggs?", [_hit(1, HUNTING), _hit(2, NESTING)], fake_embedder)
    assert sentences[0].text == "The female lays four to six eggs each spring."
    assert sentences[0].hit_rank == 2
    assert len(sentences) == MAX_SENTENCES
    assert [s.score for s in sentences] == sorted((s.score for s in sentences), reverse=True)
    assert len(_answer("eggs", [_hit(1, HUNTING), _hit(2, NESTING)], fake_embedder, limit=1)) == 1


def test_sentence_spans_map_to_document_offsets(fake_embedder):
    sentences = _answer("barn owls nest eggs voles hearing", [_hit(1, HUNTING), _hit(2, NESTING)], fake_embedder, 10)
    assert len(sentences) >= 4
    for s in sentences:
        assert DOC[s.start : s.end] == s.text


@pytest.mark.parametrize("question", ["Nesting Habits", "What are the nesting habits of barn owls?"])
def test_headings_are_never_answer_sentences(fake_embedder, question):
    sentences = _answer(question, [_hit(1, NESTING)], fake_embedder, 10)
    assert {s.text for s in sentences} == {"Barn owls nest in hollow trees.", "The female lays four to six eggs each spring."}


def test_markdown_headings_are_never_answer_sentences(fake_embedder):
    doc = "## Nesting Habits of Barn Owls\nBarn owls nest in hollow trees and towers.\n"
    sentences = _answer("Nesting habits of barn owls", [_hit(1, doc.strip(), doc)], fake_embedder)
    assert [s.text for s in sentences] == ["Barn owls nest in hollow trees and towers."]


def test_every_sentence_of_the_top_five_hits_is_read_and_no_other(fake_embedder):
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
    passages = [f"{n} owls sleep by day." for n in names[:5]] + ["Zeta owls eat voles every night."]
    doc = "\n\n".join(passages) + "\n"
    hits = [_hit(i + 1, p, doc) for i, p in enumerate(passages)]
    sentences = _answer("Which owls eat voles every night?", hits, fake_embedder, 10)
    assert CANDIDATE_HITS == 5
    assert sorted(s.hit_rank for s in sentences) == [1, 2, 3, 4, 5]


def test_repeated_sentences_are_given_once(fake_embedder):
    doc = "First copy: Owls hunt voles at night.\n\nSecond copy: Owls hunt voles at night.\n"
    hits = [_hit(1, "Owls hunt voles at night.", doc), _hit(2, doc[doc.rindex("Owls") :].strip(), doc)]
    sentences = _answer("Do owls hunt voles at night?", hits, fake_embedder)
    assert [(s.text, s.hit_rank) for s in sentences] == [("Owls hunt voles at night.", 1)]


def test_no_hits_give_no_sentences(fake_embedder):
    assert _answer("anything", [], fake_embedder) == []


def test_a_sentence_with_the_asked_kind_of_answer_is_ranked_first_when_fit_is_weighted(fake_embedder):
    doc = "Owls at night.\n\nThe barn owl colony lives in the old mill near the river.\n\nThe colony has 40 owls.\n"
    hits = [_hit(1, "The barn owl colony lives in the old mill near the river.", doc), _hit(2, "The colony has 40 owls.", doc)]
    question = "How many owls live in the barn owl colony?"
    assert _answer(question, hits, fake_embedder, weights=SentenceWeights(0.5, 0.06, 1.0))[0].text == "The colony has 40 owls."


def test_judge_without_hits_is_not_found(fake_embedder):
    matcher = Matcher(shape("anything at all?"), lambda ws: np.ones(len(ws)), WordVectors(fake_embedder))
    verdict = judge("anything at all?", shape("anything at all?"), [], [], matcher, VerdictModel())
    assert (verdict.label, verdict.missing) == ("not_found", ())


# --- with the real model -----------------------------------------------------------------------------------------


@pytest.mark.model
def test_a_question_the_review_answers_is_answered(real_assistant):
    ans = real_assistant.ask("How many 5G base stations had China built by September 2023?")
    assert (ans.supported, ans.verdict, ans.missing, ans.reason) == (True, "answered", (), "")
    assert "3.189 million" in ans.sentences[0].text
    seed = load_document(SEED, SEED.parent, Settings())
    assert all(seed.text[s.start : s.end] == s.text for s in ans.sentences)
    assert ans.hits[ans.sentences[0].hit_rank - 1].citation.section == "1.3 Data Governance"


@pytest.mark.model
def test_a_question_the_review_does_not_answer_is_not_found(real_assistant):
    ans = real_assistant.ask("What is the boiling point of water at sea level?")
    assert (ans.supported, ans.verdict, ans.reason) == (False, "not_found", "The documents do not answer this.")
    assert len(ans.hits) == 5  # the closest passages are still given


@pytest.mark.model
def test_a_topic_the_review_covers_without_the_fact_is_partial_and_says_what_is_missing(real_assistant):
    ans = real_assistant.ask("How many data trading institutions did China have in 2015?")
    assert (ans.supported, ans.verdict) == (False, "partial")
    assert "“2015”" in ans.missing
    assert ans.reason.startswith("The documents mention ") and "2015" in ans.reason


def test_stored_sentence_vectors_are_used_instead_of_embedding(fake_embedder):
    """The index's answer-sentence vectors (one per sentence of a passage, in order) replace embedding them; a
    passage whose stored count no longer matches its sentences, or that has none, is embedded as before."""
    question = "How many voles does a barn owl eat every night?"
    hits = [_hit(1, HUNTING), _hit(2, NESTING)]
    matcher = Matcher(shape(question), lambda ws: np.ones(len(ws)), WordVectors(fake_embedder))
    qvec = fake_embedder.embed([question])[0]
    hunting = fake_embedder.embed(
        [
            "Barn owls live in old barns and church towers.",
            "A barn owl eats about four voles every night.",
            "Their hearing is sharp enough to hunt in total darkness.",
        ]
    )
    stored = {"c1": hunting[::-1].copy(), "c2": np.zeros((1, 384), np.float32)}  # c2's count is stale
    fake_embedder.calls.clear()
    found = rank_sentences(question, hits, fake_embedder, qvec, matcher, SentenceWeights(), stored=lambda ids: stored)
    nesting = {c.text for c in found if c.hit.rank == 2}
    embedded = [t for t in fake_embedder.calls if " " in t]  # the rest are single words (the matcher's)
    assert sorted(embedded) == sorted(nesting)  # only the stale passage's sentences were embedded
    by_text = {c.text: c.cosine for c in found}
    # Stored vectors were reversed: the first sentence of c1 carries the third's vector.
    assert by_text["Barn owls live in old barns and church towers."] == pytest.approx(float(hunting[2] @ qvec), abs=1e-6)
    assert by_text["A barn owl eats about four voles every night."] == pytest.approx(float(hunting[1] @ qvec), abs=1e-6)
