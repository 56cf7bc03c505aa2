"""The embedder for a build's passages: MiniLM's checked ONNX export on every core, else sentence-transformers.

Measured with `python -m bench.build_profile` (results/build-profile.md): the ONNX path, its batches formed by
token length, embeds a build's passages several times faster than sentence-transformers on torch, with the
same vectors (the export is refused unless it reproduces the torch model's, cosine >= 0.9999), and the build
process never imports torch: the one-time export runs in a child process, so its memory is not the build's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from qa.embed.embeddings import Embedder, SentenceTransformerEmbedder, model_hash
from qa.embed.onnx import OnnxEmbedder, build_threads, check_onnx, export_onnx, onnx_path_for

EXPORT_TIMEOUT_S = 600


def ensure_export(index_root: Path) -> Path | None:
    """The checked ONNX export of the installed model beside the index, made (in a child process) when missing.

    None, with a warning saying what follows, when it cannot be made: builds and questions then use
    sentence-transformers (slower, the same vectors).
    """
    target = onnx_path_for(index_root, model_hash())
    if not target.exists() and not _writable(target.parent):
        return None  # nothing can be written there: the build says so in its own one sentence
    if not target.exists():
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        try:
            done = subprocess.run([sys.executable, "-m", "qa.embed.passages", str(target)], env=env,
                                  capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S)
            failure = done.stderr.strip().splitlines()[-1] if done.returncode else ""
        except (OSError, subprocess.TimeoutExpired) as exc:
            failure = str(exc)
        if failure or not target.exists():
            warnings.warn(f"could not export the model to ONNX ({failure or 'no file written'}); "
                          "builds and questions use sentence-transformers (slower)", stacklevel=2)
            return None
    # Exports of other model versions or export formats are never used again.
    for stale in target.parent.glob("minilm-*"):
        if not stale.name.startswith(target.name):
            stale.unlink(missing_ok=True)
    return target


def _writable(folder: Path) -> bool:
    """True when folder (or its nearest existing parent, where it would be made) can be written to."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def passage_embedder(index_root: Path, batch_size: int = 32) -> Embedder:
    """The fastest exact embedder for many passages: the checked ONNX export on every core, else torch."""
    path = onnx_path_for(index_root, model_hash())
    if path.exists():
        try:
            embedder = OnnxEmbedder(path, threads=build_threads(), max_batch=batch_size)
            check_onnx(embedder, path)
            return embedder
        except Exception as exc:  # a damaged export must not stop a build
            warnings.warn(f"ONNX model {path} cannot be used ({exc}); the build uses sentence-transformers "
                          "(slower); delete the file and run `qa index` to export it again", stacklevel=2)
    return SentenceTransformerEmbedder(batch_size=batch_size)


if __name__ == "__main__":  # python -m qa.embed.passages TARGET: the export, in its own process
    export_onnx(Path(sys.argv[1]))
