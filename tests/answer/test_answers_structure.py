"""Answers over tables and code: a table row is quoted with its header; code is not the answer over prose unless
the question asks for a command or an example, and then it is."""

from __future__ import annotations

import numpy as np

from qa import Citation, Hit
from qa.answer.answers import best_sentences, prefer_prose, rank_sentences
from qa.answer.verdict_model import SentenceWeights
from qa.answer.verdicts import Matcher
from qa.embed.vocabulary import WordVectors
from qa.ingest.code_blocks import fence
from qa.ingest.tables import pipe_table
from qa.retrieve.shape import shape

TABLE = pipe_table((("Fuel", "Years", "Range"), ("Whale oil", "1800-1860", "12 miles"), ("Kerosene", "1860-1920", "18 miles")))
CODE = fence("$ lamp --trim --wick\nwick trimmed")
PROSE = "The keeper trims the lamp wick every four hours with the lamp scissors."


def _hit(rank: int, text: str, doc: str) -> Hit:
    start = doc.index(text)
    return Hit(rank, 1.0 / rank, text, Citation("lamps.md", "Lamps", None, None, start, start + len(text)), f"c{rank}", 0.5, 1.0)


def _first(question: str, hits: list[Hit], embedder) -> str:
    matcher = Matcher(shape(question), lambda ws: np.ones(len(ws)), WordVectors(embedder))
    qvec = embedder.embed([question])[0]
    return best_sentences(rank_sentences(question, hits, embedder, qvec, matcher, SentenceWeights()), 1)[0].text


def test_a_table_row_answers_with_its_header(fake_embedder):
    doc = f"Lamp fuels\n\n{TABLE}\n"
    assert (
        _first("How far did kerosene lamps reach?", [_hit(1, TABLE, doc)], fake_embedder)
        == "Fuel: Kerosene; Years: 1860-1920; Range: 18 miles"
    )


def test_code_is_not_the_answer_over_prose_unless_a_command_is_asked_for(fake_embedder):
    doc = f"Wicks\n\n{CODE}\n\n{PROSE}\n"
    hits = [_hit(1, CODE, doc), _hit(2, PROSE, doc)]
    assert _first("How is the lamp wick trimmed?", hits, fake_embedder) == PROSE
    assert _first("Which command trims the lamp wick?", hits, fake_embedder) == CODE


def test_prefer_prose_keeps_the_order_within_prose_and_within_code(fake_embedder):
    doc = f"{CODE}\n\n{PROSE}\n\n$ lamp --off\n"
    hits = [_hit(1, CODE, doc), _hit(2, PROSE, doc)]
    question = "lamp wick trim off"
    matcher = Matcher(shape(question), lambda ws: np.ones(len(ws)), WordVectors(fake_embedder))
    ranked = rank_sentences(question, hits, fake_embedder, fake_embedder.embed([question])[0], matcher, SentenceWeights())
    assert [c.text for c in prefer_prose(question, ranked)] == [PROSE, CODE]
    assert [c.text for c in prefer_prose("an example: " + question, ranked)] == [CODE, PROSE]
