"""Evaluation: retrieval and answer quality of each search mode on a JSONL question set."""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.answer.levels import load_levels
from qa.answer.routes import chinese_models
from qa.answer.verdict_model import load_models
from qa.assistant import Assistant
from qa.errors import InvalidSetting
from qa.ops.pdf_truth import PdfTruth, same_section, truths
from qa.retrieve.params import MODES
from qa.text import is_cjk


@dataclass(frozen=True)
class Question:
    """One evaluation question; no answers means the corpus should not answer it."""

    id: str
    question: str
    answers: tuple[str, ...]
    type: str
    doc: str | None = None  # the PDF that holds the answer (../shared/eval sets)
    page: int | None = None  # its 1-based PDF page index
    set: str = ""  # the question set (its file's name without .jsonl)


@dataclass(frozen=True)
class ModeScores:
    """Quality and speed of one search mode over one group of questions."""

    mode: str
    group: str
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float
    first_sentence: float
    answered_answerable: float  # verdict "answered"
    not_answered_unanswerable: float  # verdict "partial" or "not_found"
    n_unanswerable: int
    median_ms: float
    max_hit_chars: int
    held_out_verdicts: int  # questions the verdict model was fitted on, judged by the fold model that left them out
    navigation_hits: int = 0  # top-10 hits (all questions) from a PDF's contents or index pages
    section_match: float = float("nan")  # answer passages whose section is the outline entry holding the answer
    n_section: int = 0  # answerable PDF questions with an answer passage in the top 10 and an outline entry
    # What a reader feels first (the three levels, qa.answer): of the replies given as an answer, the share whose
    # sentence holds an answer (unanswerable questions given an answer count as wrong); of the answerable
    # questions, the share given a right answer; of the unanswerable ones, the share given an answer.
    answer_precision: float = float("nan")
    coverage: float = float("nan")
    unanswerable_answered: float = float("nan")
    n_answered: int = 0


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file: {"id", "question", "answers": [...], "type"} per line."""
    out = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            page = d.get("page")
            out.append(
                Question(
                    str(d.get("id", i)),
                    d["question"],
                    tuple(d.get("answers") or ()),
                    d.get("type", ""),
                    d.get("doc"),
                    int(page) if isinstance(page, int) else None,
                    Path(path).stem,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSetting(f"{path}:{i}: not a question record ({exc})") from None
    return out


# Chinese is written without spaces; typesetting (PDF) puts them around Latin words, HTML and Word often do not.
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def _norm(text: str) -> str:
    """NFKC, curly quotes as straight ones, lower case, whitespace collapsed (and none beside Chinese)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", _CJK_SPACE.sub("", text)).strip().lower()


def contains_answer(text: str, answers: tuple[str, ...]) -> bool:
    """True when text holds one of the answers, compared as ../shared/eval/README.md says: after NFKC, with
    curly and straight quotes equal, case-insensitive, whitespace collapsed; a Chinese answer without any
    whitespace, so that the same book scores the same as PDF, HTML and DOCX."""
    t = _norm(text)
    bare = None
    for a in answers:
        if _CJK.search(a):
            bare = bare if bare is not None else re.sub(r"\s+", "", t)
            if re.sub(r"\s+", "", _norm(a)) in bare:
                return True
        elif _norm(a) in t:
            return True
    return False


def right_answer(ans, q: Question) -> bool:
    """True when the reply is an answer whose first sentence holds one of the question's answers."""
    return bool(ans.supported and q.answers and ans.sentences and contains_answer(ans.sentences[0].text, q.answers))


def level_scores(pairs) -> dict:
    """Answer precision, coverage and unanswerable questions given an answer over (question, answer) pairs."""
    answered = [(q, a) for q, a in pairs if a.supported]
    answerable = [(q, a) for q, a in pairs if q.answers]
    unanswerable = [(q, a) for q, a in pairs if not q.answers]
    nan = float("nan")
    return {
        "answer_precision": sum(right_answer(a, q) for q, a in answered) / len(answered) if answered else nan,
        "coverage": sum(right_answer(a, q) for q, a in answerable) / len(answerable) if answerable else nan,
        "unanswerable_answered": (sum(a.supported for _, a in unanswerable) / len(unanswerable) if unanswerable else nan),
        "n_answered": len(answered),
    }


def evaluate(
    assistant: Assistant, questions: list[Question], modes=MODES, by_language: bool = False, by_set: bool = False
) -> list[ModeScores]:
    """Scores per mode, for the answerable questions, and apart for cross-lingual ones.

    Verdicts, levels and answer sentences are out of sample: a question a model was fitted on is judged by the
    fold model that did not see it (scripts/fit_verdict.py, scripts/fit_chinese_verdict.py,
    scripts/fit_answer_levels.py, whose folds are by document).
    by_language: group the questions by the language they are asked in ("chinese", "english") instead;
    by_set: by their set, with "all" pooling them. In these groups the unanswerable figures are the group's own.
    """
    rows = []
    pdfs = {q.doc for q in questions if q.doc and q.doc.lower().endswith(".pdf")}
    truth = truths(Path(assistant.settings.corpus_dir), pdfs) if pdfs else {}
    models, chinese, levels = load_models(), chinese_models(), load_levels()
    held = sum(
        models.held_out_for(q.question) is not None
        or chinese.held_out_for(q.question) is not None
        or levels.held_out_for(q.question) is not None
        for q in questions
    )
    for mode in modes:
        assistant.clear_caches()  # each mode's latency is measured without the previous mode's vectors
        results = []
        for q in questions:
            t = time.perf_counter()
            ans = assistant.ask(
                q.question,
                k=10,
                mode=mode,
                model=models.held_out_for(q.question),
                chinese_model=chinese.held_out_for(q.question),
                level_model=levels.held_out_for(q.question),
            )
            results.append((q, ans, (time.perf_counter() - t) * 1000))
        nav = navigation_hits([a.hits for _, a, _ in results], truth)
        own = by_language or by_set  # the group's own unanswerable questions, else all of them
        for group, member in _groups(questions, by_language, by_set).items():
            inside = [(q, a, ms) for q, a, ms in results if member(q)]
            chosen = [(q, a) for q, a, _ in inside if q.answers]
            unanswerable = [(q, a) for q, a, _ in (inside if own else results) if not q.answers]
            if chosen or (own and unanswerable):
                rows.append(
                    ModeScores(
                        mode,
                        group,
                        len(chosen),
                        **_retrieval(chosen),
                        **_verdicts(chosen, unanswerable),
                        median_ms=statistics.median(ms for _, _, ms in results),
                        max_hit_chars=max((len(h.text) for _, a, _ in results for h in a.hits), default=0),
                        held_out_verdicts=held,
                        navigation_hits=nav,
                        **section_scores([(q, a.hits) for q, a in chosen], truth),
                        **level_scores(chosen + unanswerable),
                    )
                )
    return rows


def _share(count: float, n: int) -> float:
    return count / n if n else float("nan")


def _retrieval(chosen) -> dict:
    """R@1, R@5, MRR@10 and the first sentence over (answerable question, answer) pairs."""
    ranks = [next((h.rank for h in a.hits if contains_answer(h.text, q.answers)), None) for q, a in chosen]
    n = len(chosen)
    return {
        "recall_at_1": _share(sum(r == 1 for r in ranks), n),
        "recall_at_5": _share(sum(r is not None and r <= 5 for r in ranks), n),
        "mrr_at_10": _share(sum(1 / r for r in ranks if r is not None and r <= 10), n),
        "first_sentence": _share(
            sum(bool(a.sentences) and contains_answer(a.sentences[0].text, q.answers) for q, a in chosen), n
        ),
    }


def _verdicts(chosen, unanswerable) -> dict:
    """The answered share of answerable questions, the not-answered share of unanswerable ones."""
    return {
        "answered_answerable": _share(sum(a.supported for _, a in chosen), len(chosen)),
        "not_answered_unanswerable": _share(sum(not a.supported for _, a in unanswerable), len(unanswerable)),
        "n_unanswerable": len(unanswerable),
    }


def _groups(questions: list[Question], by_language: bool, by_set: bool) -> dict:
    """Which questions each reported group holds."""
    if by_set:
        sets = list(dict.fromkeys(q.set for q in questions))
        groups = {name: (lambda q, name=name: q.set == name) for name in sets}
        return {**groups, "all": lambda q: True} if len(sets) > 1 else groups
    if by_language:
        return {"chinese": lambda q: is_cjk(q.question), "english": lambda q: not is_cjk(q.question)}
    return {
        "answerable": lambda q: q.answers and q.type != "cross-lingual",
        "cross-lingual": lambda q: q.answers and q.type == "cross-lingual",
    }


def navigation_hits(hit_lists, truth: dict[str, PdfTruth]) -> int:
    """How many hits (of top-10 lists) come from a contents or index page of their PDF."""
    return sum(
        1
        for hits in hit_lists
        for h in hits[:10]
        if h.citation.page is not None and h.citation.page in _nav_of(truth, h.citation.source)
    )


def _nav_of(truth: dict[str, PdfTruth], source: str) -> frozenset[int]:
    t = truth.get(Path(source).name)
    return t.navigation if t else frozenset()


def section_scores(asked, truth: dict[str, PdfTruth]) -> dict:
    """{"section_match", "n_section"} over (question, hits) pairs of answerable PDF questions."""
    n = good = 0
    for q, hits in asked:
        t = truth.get(q.doc or "")
        if t is None or q.page is None or not q.answers:
            continue
        entry = t.entry_at(q.page, q.answers)
        passage = next((h for h in hits[:10] if contains_answer(h.text, q.answers)), None)
        if entry is None or passage is None:
            continue
        n += 1
        good += same_section(passage.citation.section, entry)
    return {"section_match": good / n if n else float("nan"), "n_section": n}


def format_table(rows: list[ModeScores]) -> str:
    """A Markdown table of the scores, modes side by side."""
    head = (
        "| mode | questions | n | answer precision | coverage | unanswerable given an answer | R@1 | R@5 | MRR@10 "
        "| 1st sentence | answered (answerable) | not answered (unanswerable) | median ms | max hit chars "
        "| contents/index hits in top 10 | section = outline entry |"
    )
    lines = [head, "|" + "---|" * 16]
    for r in rows:
        lines.append(
            f"| {r.mode} | {r.group} | {r.n} | {r.answer_precision:.3f} (n={r.n_answered}) | {r.coverage:.3f} "
            f"| {r.unanswerable_answered:.3f} "
            f"| {r.recall_at_1:.3f} | {r.recall_at_5:.3f} | {r.mrr_at_10:.3f} "
            f"| {r.first_sentence:.3f} | {r.answered_answerable:.3f} | {r.not_answered_unanswerable:.3f} "
            f"(n={r.n_unanswerable}) | {r.median_ms:.1f} | {r.max_hit_chars} | {r.navigation_hits} "
            f"| {r.section_match:.3f} (n={r.n_section}) |"
        )
    if rows and rows[0].held_out_verdicts:
        lines.append(
            f"\nVerdicts out of sample: {rows[0].held_out_verdicts} of these questions were among those the "
            "verdict models were fitted on; each was judged by the cross-validation fold model that left it "
            "out (scripts/fit_verdict.py, scripts/fit_chinese_verdict.py). The others were never fitted on."
        )
    elif rows:
        lines.append("\nVerdicts out of sample: the verdict model was fitted on none of these questions.")
    return "\n".join(lines)


def to_json(rows: list[ModeScores]) -> str:
    """The scores as JSON for machines."""
    return json.dumps([asdict(r) for r in rows], indent=1)
