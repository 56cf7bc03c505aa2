"""Which backends the settings choose: where builds write generations and where search reads passages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InvalidSetting
from .faiss_backend import FaissPassages, LocalGenerations
from .protocol import BACKENDS, GenerationStore, PassageStore

if TYPE_CHECKING:
    from ..settings import Settings
    from .reader import Generation


def check_backend(settings: "Settings") -> None:
    """Raise InvalidSetting unless the backend settings name a usable backend."""
    if settings.backend not in BACKENDS:
        raise InvalidSetting(f"QA_BACKEND={settings.backend!r}; valid choices: {', '.join(BACKENDS)}")
    if settings.backend == "qdrant" and not (settings.qdrant_url or settings.qdrant_path):
        raise InvalidSetting("QA_BACKEND=qdrant needs QA_QDRANT_URL (a server or cluster) or QA_QDRANT_PATH "
                             "(the embedded engine)")


def remote(settings: "Settings") -> GenerationStore | None:
    """The backend generations are published to besides the local index (None: the local index only).

    Qdrant is connected here, so an unreachable server or a refused key is said before any work.
    """
    check_backend(settings)
    if settings.backend == "faiss":
        return None
    from .qdrant import connect

    return connect(settings)


def local(settings: "Settings") -> LocalGenerations:
    """The local generation folders in the index folder (the build's cache, and the FAISS backend)."""
    return LocalGenerations(settings.index_path, settings.keep_generations)


class BackedGeneration:
    """A local generation whose passage queries go to another backend's copy of the same generation.

    Document-level data (documents, sections, pages, references, the vocabulary) still comes from the
    local generation; dense and lexical top-k, vectors and chunk rows come from the backend.
    """

    def __init__(self, local: "Generation", passages: PassageStore):
        self._local = local
        self.passages = passages

    def __getattr__(self, name):
        return getattr(self._local, name)


def passages_of(gen) -> PassageStore:
    """The passage store search should use for gen."""
    store = getattr(gen, "passages", None)
    return store if store is not None else FaissPassages(gen)


def serving(settings: "Settings", gen: "Generation"):
    """gen as search should see it: itself for FAISS, else backed by the backend's copy of it."""
    backend = remote(settings)
    return gen if backend is None else BackedGeneration(gen, backend.open(gen.path.name).bind(gen))


def publish(settings: "Settings", gen: "Generation") -> None:
    """Copy a loaded local generation into the configured backend and make it current there (FAISS: nothing)."""
    from .faiss_backend import as_new

    backend = remote(settings)
    if backend is not None:
        backend.make_current(backend.write(as_new(gen)))
