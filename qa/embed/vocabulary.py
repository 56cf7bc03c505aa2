"""Vocabulary: the distinct words of the corpus, embedded once at build time for word-level matching."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from qa.embed.embeddings import Embedder
from qa.text import word_set


def embeddable(word: str) -> bool:
    """True for a word whose embedding means something: Latin letters only.

    MiniLM reads Chinese characters as unknown tokens (every Chinese word gets nearly one vector), and numbers,
    codes and identifiers ("0,crossmnt", "ipv6") match by their spelling, not their sense: those match by stem
    only. Measured (results/word-vectors.md): leaving them out kept the answers and halved the vocabulary.
    """
    return word.isascii() and word.isalpha()


def corpus_words(texts: Sequence[str]) -> list[str]:
    """The sorted distinct embeddable words of some texts."""
    found: set[str] = set()
    for t in texts:
        found |= word_set(t)
    return sorted(w for w in found if embeddable(w))


Lookup = Callable[[list[str]], dict[str, np.ndarray]]


class WordVectors:
    """Embeddings of single words: the index's stored ones, else computed (question words the corpus lacks).

    They let "paperwork" meet "workloads". Computed words are cached; the stored vocabulary means an
    answer embeds only the few question words that no document contains.
    """

    def __init__(self, embedder: Embedder, lookup: Lookup | None = None, limit: int = 100_000):
        self.embedder = embedder
        self.lookup = lookup
        self.limit = limit
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, items: list[str]) -> np.ndarray:
        wanted = list(dict.fromkeys(items))
        found = self.lookup(wanted) if self.lookup else {}
        cache = self._cache
        found.update({w: v for w in wanted if w not in found and (v := cache.get(w)) is not None})
        new = [w for w in wanted if w not in found]
        if new:
            fresh = dict(zip(new, self.embedder.embed(new), strict=False))
            found.update(fresh)
            if len(cache) + len(fresh) > self.limit:
                cache = self._cache = {}  # replaced, not cleared, so other threads' lookups stay valid
            cache.update(fresh)
        return np.array([found[w] for w in items], dtype=np.float32).reshape(len(items), -1)
