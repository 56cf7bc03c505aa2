"""Index: plan what to (re)embed, build a generation of vectors, BM25 terms and chunks, and store it."""
