"""The README's figures, written from the committed results files so that they cannot drift from them.

    python -m scripts.readme_figures           # rewrite the README's generated blocks
    python -m scripts.readme_figures --check   # exit 1, naming the blocks, when the README differs

A generated block sits between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->`; everything between
the two lines is replaced by what BLOCKS[NAME] renders from results/.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Callable

from bench.build_profile import current_runs, runs_summary

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
RESULTS = PROJECT / "results"
_BLOCK = re.compile(r"(<!-- figures:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /figures:(?P=name) -->)", re.S)


def _load(name: str) -> dict:
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def _ms(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:.2g}"


def bench() -> str:
    """The Speed section's figures, from results/bench.json."""
    b = _load("bench.json")
    d, cold, vec = b["default"], b["cold"], b["vectors"]
    search, plain_s, ask, plain_a = (d[k]["p50_ms"] for k in ("search", "plain_search", "ask", "plain_ask"))
    zh = d["search_zh"]["p50_ms"]
    chosen = vec["chosen"]
    row = next(i for i in vec["indexes"] if i["index"] == chosen["kind"] and i.get("nprobe") == chosen.get("nprobe"))
    ten = b["backends"]["10k"]["latency"]
    seam = ", ".join(f"{e} {_ms(v['search_step']['p50_ms'])} / {_ms(v['search_step']['p95_ms'])}" for e, v in ten.items())
    ray = b["ray"]
    stages = b["build"]["stages"]
    usem3_per_1000 = 1000 * stages["embed_multilingual"]["seconds"] / max(1, b["build"]["n_chunks"])
    full = runs_summary(current_runs(RESULTS / "build-profile.json"))
    four = _load("ask-latency.json")
    memory = sorted(b["memory"].values(), key=lambda m: m["n_passages"])
    return (
        "\n".join(
            [
                f"- Warm `qa.search` on the default corpus: {plain_s / search:.1f}× faster than the plain stack (p50 "
                f"{_ms(search)} against {_ms(plain_s)} ms); `qa.ask` {plain_a / ask:.1f}× ({_ms(ask)} against {_ms(plain_a)} ms). "
                f"Warm `qa.ask` on the review with three manuals ({four['passages']:,} passages, `results/ask-latency.md`): "
                f"p50 {four['ask_p50_ms']:.1f} ms.",
                f"- Chinese `qa.search` p50 {_ms(zh)} ms against English {_ms(search)} ms in the same run, {zh / search:.2f}× "
                f"English (target ≤ 2×). The multilingual vectors add {usem3_per_1000:.0f} s per 1,000 passages to a build here.",
                f"- Build of the review and every shared manual ({full['n_passages']:,} passages, "
                f"`results/build-profile.md`, medians of {full['n_runs']} runs): "
                f"{full['passages_per_s']:.1f} passages/s (range {full['rate_range'][0]:.1f}-{full['rate_range'][1]:.1f}), "
                f"{full['ratio']:.2f}× the bare models on the same passages in the same run (range "
                f"{full['ratio_range'][0]:.2f}-{full['ratio_range'][1]:.2f}×; the bare models took {full['bare_s']:.0f} s), "
                f"peak RSS at most {full['peak_rss_mb']:,.0f} MB. Peak RSS of a build at "
                + ", ".join(f"{m['n_passages']:,}" for m in memory)
                + " synthetic passages: "
                + ", ".join(f"{m['peak_rss_mb']:,.0f}" for m in memory)
                + " MB.",
                f"- Cold `qa ask`: {cold['qa_ask']['median_s']:.2f} s median against {cold['plain_ask']['median_s']:.1f} s for the "
                f"plain stack ({cold['plain_ask']['median_s'] / cold['qa_ask']['median_s']:.1f}×); peak memory "
                f"{cold['qa_ask']['peak_rss_mb']:.0f} against {cold['plain_ask']['peak_rss_mb']:.0f} MB.",
                f"- Vector search at {chosen['rows']:,} vectors, {chosen['kind'].upper()} nlist={chosen.get('nlist')} "
                f"nprobe={chosen.get('nprobe')} (what qa builds at that size): p50 {row['p50_ms']:.2f} ms, recall@10 "
                f"**{row['recall_at_10_real_q']:.3f} on the dev set's real questions** ({row['recall_at_10_synthetic_q']:.3f} "
                "on synthetic queries, which flatter an index).",
                f"- Storage backends at 10,000 passages (one search's seam calls, p50 / p95 ms): {seam}.",
                f"- Ray on the same 2 cores, {ray['texts']} passages: plain {ray['plain_s']} s against {ray['ray_embed_s']} s "
                f"through Ray Data, plus {ray['ray_init_s']} s to start the local cluster; largest vector difference "
                f"{ray['max_abs_diff']:.1e}.",
            ]
        )
        + "\n"
    )


def backends() -> str:
    """The backends table and the Ray overhead, from results/backends.json."""
    b = _load("backends.json")
    lines = [
        "| passages | backend | publish s | dense top-50 | same, 1 of 20 documents | BM25 top-50 | rows by id "
        "| one search's seam calls |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size in b["backends"]:
        for engine, lat in size["latency"].items():
            cells = [
                f"{lat[k]['p50_ms']:.2f} / {lat[k]['p95_ms']:.2f}"
                for k in ("dense", "dense_filtered", "lexical", "rows", "search_step")
            ]
            lines.append(f"| {size['n']:,} | {engine} | {size['publish_s'][engine]:.1f} | " + " | ".join(cells) + " |")
    ray = b["ray"]
    lines += [
        "",
        f"Ray, alternating with the plain embedder on the same 2 cores, {ray['texts']} passages, median of "
        f"{ray['rounds']} runs: plain {ray['plain_s']} s; through Ray Data {ray['ray_embed_s']} s "
        f"({ray['overhead']:+.0%}), plus {ray['ray_init_s']} s to start the local cluster; largest vector "
        f"difference {ray['max_abs_diff']:.1e}.",
    ]
    return "\n".join(lines) + "\n"


BLOCKS: dict[str, Callable[[], str]] = {"bench": bench, "backends": backends}


def render(text: str) -> str:
    """text with every generated block rendered anew from results/."""
    return _BLOCK.sub(lambda m: m.group(1) + BLOCKS[m["name"]]() + m.group(4), text)


def stale(text: str) -> list[str]:
    """The names of the blocks whose text differs from what results/ gives."""
    return [m["name"] for m in _BLOCK.finditer(text) if m["body"] != BLOCKS[m["name"]]()]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m scripts.readme_figures", description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 when the README's figures differ from results/")
    args = p.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.check:
        names = stale(text)
        if names:
            print(f"README.md: figures out of date in {', '.join(names)}; run: python -m scripts.readme_figures", file=sys.stderr)
        return 1 if names else 0
    README.write_text(render(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
