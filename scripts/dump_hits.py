"""Dump the hybrid top-10 hits of each question of the given sets: python scripts/dump_hits.py OUT.json SET.jsonl ..."""

import json
import sys

import qa

a = qa.Assistant.shared()
out = {}
for f in sys.argv[2:]:
    for line in open(f, encoding="utf-8"):
        if not line.strip():
            continue
        d = json.loads(line)
        ans = a.ask(d["question"], k=10, mode="hybrid")
        out[d["id"]] = [
            {"rank": h.rank, "source": h.citation.source, "section": h.citation.section, "page": h.citation.page, "text": h.text}
            for h in ans.hits
        ]
json.dump(out, open(sys.argv[1], "w"), ensure_ascii=False, indent=0)
