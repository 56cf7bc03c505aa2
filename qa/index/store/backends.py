"""Which backends the settings choose: where builds write generations and where search reads passages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.errors import IndexNotFound
from qa.index.store.faiss_backend import LocalGenerations
from qa.index.store.manifest import installed_model_hash
from qa.index.store.pointer import pointer_token
from qa.index.store.protocol import ServingGeneration
from qa.index.store.reader import open_current

if TYPE_CHECKING:
    from qa.index.store.qdrant import QdrantGenerations
    from qa.index.store.reader import Generation
    from qa.settings import Settings


def remote(settings: "Settings") -> "QdrantGenerations | None":
    """The backend generations are published to besides the local index (None: the local index only).

    Qdrant is connected here, so an unreachable server or a refused key is said before any work.
    """
    if settings.backend == "faiss":
        return None
    from qa.index.store.qdrant import connect

    return connect(settings)


def local(settings: "Settings") -> LocalGenerations:
    """The local generation folders in the index folder (the build's cache, and the FAISS backend)."""
    return LocalGenerations(settings.index_path, settings.keep_generations)


def current_token(settings: "Settings") -> tuple:
    """A cheap value that changes whenever another generation becomes current where answers come from."""
    backend = remote(settings)
    if backend is None:
        return pointer_token(settings.index_path)
    name = backend.current()  # the alias (a server) or pointer file (embedded): one small request
    return ("qdrant", name) if name else ()


def open_serving(settings: "Settings") -> ServingGeneration:
    """The current generation as search reads it: the local one for FAISS; for Qdrant, from Qdrant alone.

    Both check the manifest against the installed model (ModelUnavailable when it cannot be read).
    """
    backend = remote(settings)
    if backend is None:
        return open_current(settings.index_path)
    name = backend.current()
    if not name:
        raise IndexNotFound(
            f"no index in {backend.engine.where} (collection alias {backend.prefix}); build one with: QA_BACKEND=qdrant qa index"
        )
    return backend.open_generation(name, installed_model_hash(settings.index_path))


def publish(settings: "Settings", gen: "Generation") -> None:
    """Copy a loaded local generation into the configured backend and make it current there (FAISS: nothing)."""
    from qa.index.store.faiss_backend import as_new

    backend = remote(settings)
    if backend is not None:
        backend.make_current(backend.write(as_new(gen)))
