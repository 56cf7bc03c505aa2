"""The benchmark's targets, each with what was measured and whether it is met."""

from __future__ import annotations


def targets(r: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every phase that ran."""
    t = []
    d, c, b, v = r.get("default"), r.get("cold"), r.get("build"), r.get("vectors")
    if d:
        t.append(("warm qa.search p50 ≤ 12 ms (default corpus)", f"{d['search']['p50_ms']:.1f} ms", d["search"]["p50_ms"] <= 12))
        t.append(("warm qa.ask p50 ≤ 25 ms (default corpus)", f"{d['ask']['p50_ms']:.1f} ms", d["ask"]["p50_ms"] <= 25))
        ratio = d["plain_search"]["p50_ms"] / d["search"]["p50_ms"]
        t.append(("qa.search ≥ 2× faster than the plain stack", f"{ratio:.1f}×", ratio >= 2))
        if "search_zh" in d:
            zh = d["search_zh"]["p50_ms"] / d["search"]["p50_ms"]
            t.append(
                (
                    "Chinese qa.search p50 ≤ 2× English (default corpus, interleaved)",
                    f"{d['search_zh']['p50_ms']:.1f} ms = {zh:.2f}×",
                    zh <= 2,
                )
            )
    if c:
        t.append(
            ("cold `qa ask` of an English question ≤ 0.7 s", f"{c['qa_ask']['median_s']:.2f} s", c["qa_ask"]["median_s"] <= 0.7)
        )
    if b:
        t.append(
            (
                f"build / bare models, a small build ({b['n_chunks']:,} passages; reported, the target is the full build's)",
                f"{b['build_over_bare_models']:.3f}×",
                True,
            )
        )
    t.extend(_full_build(r.get("full_build") or []))
    if b:
        t.append(("peak RSS of a build ≤ 1 GB", f"{b['peak_rss_mb']:.0f} MB", b["peak_rss_mb"] <= 1024))
    for m in (r.get("memory") or {}).values():
        t.append(
            (f"peak RSS of a {m['n_passages']:,}-passage build ≤ 1 GB", f"{m['peak_rss_mb']:.0f} MB", m["peak_rss_mb"] <= 1024)
        )
    pg = r.get("pages")
    if pg:
        t.append(
            (
                f"page view (render + marks) ≤ {pg['target_ms']:.0f} ms per page, p90",
                f"{pg['p90_ms']:.0f} ms",
                pg["p90_ms"] <= pg["target_ms"],
            )
        )
    if v:
        ch = v["chosen"]
        row = next(ix for ix in v["indexes"] if ix["index"] == "ivf" and ix["nprobe"] == ch["nprobe"])
        t.append(
            (
                f"{v['n']:,}-vector search ≤ 10 ms at recall@10 ≥ 0.95 on the real questions (IVF "
                f"nlist={ch['nlist']}, nprobe={ch['nprobe']})",
                f"{row['p50_ms']:.2f} ms, recall {row['recall_at_10_real_q']:.3f} "
                f"(synthetic queries {row['recall_at_10_synthetic_q']:.3f})",
                row["p50_ms"] <= 10 and row["recall_at_10_real_q"] >= 0.95,
            )
        )
    return t


def _full_build(runs: list[dict]) -> list[tuple[str, str, bool]]:
    """Issue 26's build targets, on the review + ../shared/docs: runs are bench.build_profile.current_runs()."""
    if not runs:
        return []
    from bench.build_profile import runs_summary

    s = runs_summary(runs)
    span = f"median of {s['n_runs']} runs of `bench.build_profile`, range"
    (r0, r1), (p0, p1) = s["ratio_range"], s["rate_range"]
    return [
        (
            f"full build ≤ 1.25× the bare models, same run ({s['n_passages']:,} passages; {span} {r0:.2f}-{r1:.2f}×)",
            f"{s['ratio']:.2f}×",
            s["ratio"] <= 1.25,
        ),
        (f"full build ≥ 40 passages/s ({span} {p0:.1f}-{p1:.1f})", f"{s['passages_per_s']:.1f}", s["passages_per_s"] >= 40),
        ("full build peak RSS ≤ 1 GB (every run)", f"{s['peak_rss_mb']:.0f} MB", s["peak_rss_mb"] <= 1024),
    ]
