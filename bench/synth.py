"""Deterministic synthetic corpora and vectors derived from the default documents."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from qa.ingest.chunking import sentence_spans
from qa.ingest.documents import load_document
from qa.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"


def corpus_sentences(corpus: Path = CORPUS) -> list[str]:
    """The sentences of the default documents (at least 4 words each), in document order, each once."""
    settings = Settings(corpus_dir=corpus)
    seen: dict[str, None] = {}
    for path in sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".txt", ".md", ".pdf")):
        doc = load_document(path, corpus, settings)
        for a, b in sentence_spans(doc.text, 0, len(doc.text)):
            s = " ".join(doc.text[a:b].split())
            if len(s.split()) >= 4 and not re.fullmatch(r"[\d.\s]+.*", s[:4]):
                seen.setdefault(s, None)
    return list(seen)


def write_corpus(
    folder: Path, sentences: list[str], n_docs: int, paragraphs: int = 12, seed: int = 0, prefix: str = "synthetic"
) -> list[Path]:
    """n_docs text documents recombining the real sentences: numbered sections of shuffled paragraphs.

    Each document draws its paragraphs (4-8 sentences) from the real sentence pool with a seeded RNG, so
    the same arguments always give the same files; every paragraph is a new combination of real text.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in range(n_docs):
        lines = [f"Synthetic review {seed}-{d}: recombined passages on governance and technology", ""]
        for p in range(paragraphs):
            if p % 4 == 0:
                lines += [f"{p // 4 + 1}. Section {p // 4 + 1} of document {d}", ""]
            picks = rng.choice(len(sentences), size=int(rng.integers(4, 9)), replace=False)
            lines += [" ".join(sentences[i] for i in picks), ""]
        path = folder / f"{prefix}-{seed:02d}-{d:05d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def synth_vectors(base: np.ndarray, n: int, seed: int = 0, mix: int = 3, noise: float = 0.01) -> np.ndarray:
    """n unit vectors shaped like real chunk embeddings: random convex mixtures of `mix` real embeddings
    (Dirichlet weights), plus Gaussian noise of `noise` per dimension (norm ~0.2 at 384 dimensions),
    re-normalized. Mixing real vectors, as the synthetic texts mix real sentences, keeps the data on the
    real embeddings' manifold without making n/len(base) near-identical copies of each one."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), np.float32)
    step = 65536
    for i in range(0, n, step):
        m = min(step, n - i)
        idx = rng.integers(0, len(base), size=(m, mix))
        w = rng.dirichlet(np.ones(mix), size=m).astype(np.float32)
        v = np.einsum("nm,nmd->nd", w, base[idx])
        v += rng.normal(0, noise, size=v.shape).astype(np.float32)
        out[i : i + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


class SynthEmbedder:
    """Chunk vectors for large synthetic corpora without running the model on each chunk.

    A synthetic chunk is a recombination of real sentences, so its vector is the mean of those sentences'
    real embeddings (computed once with the model), plus Gaussian noise (0.01 per dimension, seeded by the
    text) and re-normalized. Lines that are not real sentences (synthetic headings) use a random real one.
    """

    dim = 384

    def __init__(self, sentence_vectors: dict[str, np.ndarray]):
        self.table = sentence_vectors
        self.pool = np.vstack(list(sentence_vectors.values()))

    def embed(self, texts):
        out = np.empty((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
            rng = np.random.default_rng(seed)
            parts = [self.table.get(" ".join(t[a:b].split())) for a, b in sentence_spans(t, 0, len(t))]
            parts = [p for p in parts if p is not None] or [self.pool[rng.integers(len(self.pool))]]
            v = np.mean(parts, axis=0) + rng.normal(0, 0.01, self.dim)
            out[i] = v / np.linalg.norm(v)
        return out

    def embed_spans(self, texts, spans):
        """The chunks' vectors, and for each span the real vector of the sentence it is (zeros for a synthetic
        heading, whose sentence an answer then embeds), as a build stores answer-sentence vectors."""
        pooled = []
        for t, s in zip(texts, spans, strict=True):
            rows = [self.table.get(" ".join(t[a:b].split())) for a, b in s]
            zero = np.zeros(self.dim, np.float32)
            pooled.append(np.array([r if r is not None else zero for r in rows], np.float32).reshape(len(s), self.dim))
        return self.embed(texts), pooled


def embed_sentences(sentences: list[str], embedder) -> dict[str, np.ndarray]:
    """Each sentence's vector by embedder, in batches of 32."""
    vecs = np.vstack([embedder.embed(sentences[i : i + 32]) for i in range(0, len(sentences), 32)])
    return dict(zip(sentences, vecs, strict=False))
