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
from qa.embed.onnx import BUILD_BATCH_ROWS, OnnxEmbedder, build_threads, check_onnx, export_onnx, onnx_path_for

EXPORT_TIMEOUT_S = 600


class Export:
    """The ONNX export of the installed model beside an index, made in a child process that runs while the caller
    goes on (a build reads and chunks its files meanwhile); wait() gives the checked file, or None with a warning."""

    def __init__(self, index_root: Path):
        self.target = onnx_path_for(index_root, model_hash())
        self._child: subprocess.Popen[str] | None = None
        self._failure = ""
        if self.target.exists() or not _writable(self.target.parent):
            return  # unwritable: the build says so in its own one sentence
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "qa.embed.passages", str(self.target)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        except OSError as exc:
            self._failure = str(exc)

    def wait(self) -> Path | None:
        """The export once it is made; None, with a warning saying what follows, when it cannot be made."""
        if self._child is not None:
            try:
                _, err = self._child.communicate(timeout=EXPORT_TIMEOUT_S)
                code, err = self._child.returncode, err.strip()
                self._failure = (err.splitlines()[-1] if err else f"exit code {code}") if code else ""
            except subprocess.TimeoutExpired as exc:
                self._child.kill()
                self._child.communicate()
                self._failure = str(exc)
            self._child = None
        if not self.target.exists():
            if self._failure or _writable(self.target.parent):
                warnings.warn(
                    f"could not export the model to ONNX ({self._failure or 'no file written'}); "
                    "builds and questions use sentence-transformers (slower)",
                    stacklevel=2,
                )
            return None
        # Exports of other model versions or export formats are never used again.
        for stale in self.target.parent.glob("minilm-*"):
            if not stale.name.startswith(self.target.name):
                stale.unlink(missing_ok=True)
        return self.target


def ensure_export(index_root: Path) -> Path | None:
    """The checked ONNX export of the installed model beside the index, made (in a child process) when missing.

    None, with a warning saying what follows, when it cannot be made: builds and questions then use
    sentence-transformers (slower, the same vectors).
    """
    return Export(index_root).wait()


def _writable(folder: Path) -> bool:
    """True when folder (or its nearest existing parent, where it would be made) can be written to."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def passage_embedder(index_root: Path, batch_size: int = 32) -> Embedder:
    """The fastest exact embedder for many passages: the checked ONNX export on every core, else torch.

    batch_size: texts per batch for torch; the ONNX export batches by tokens (qa/embed/onnx.py).
    """
    path = onnx_path_for(index_root, model_hash())
    if path.exists():
        try:
            embedder = OnnxEmbedder(path, threads=build_threads(), max_batch=BUILD_BATCH_ROWS, spin=False)
            check_onnx(embedder, path)
            return embedder
        except Exception as exc:  # a damaged export must not stop a build
            warnings.warn(
                f"ONNX model {path} cannot be used ({exc}); the build uses sentence-transformers "
                "(slower); delete the file and run `qa index` to export it again",
                stacklevel=2,
            )
    return SentenceTransformerEmbedder(batch_size=batch_size)


if __name__ == "__main__":  # python -m qa.embed.passages TARGET: the export, in its own process
    export_onnx(Path(sys.argv[1]))
