"""Retrieve: checked query parameters, candidates from BM25 and vectors, fused, deduplicated and cited as Hits."""
