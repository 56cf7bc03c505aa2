"""Exceptions the library raises; the CLI and the web app turn each into one clear message."""


class QAError(Exception):
    """Base class of every error the library raises on purpose."""


class CorpusNotFound(QAError):
    """A corpus folder or file given to index does not exist."""


class EmptyCorpus(QAError):
    """Nothing indexable was found; the existing index is left as it was."""


class InvalidQuestion(QAError):
    """The question is empty, whitespace or otherwise unusable."""


class IndexNotFound(QAError):
    """No index has been built at the configured location."""


class IndexCorrupt(QAError):
    """The index on disk is damaged or does not match its manifest."""


class BuildInProgress(QAError):
    """Another process or thread is rebuilding the same index."""


class DocumentError(QAError):
    """One file could not be read; builds skip it and report the reason."""


class InvalidSetting(QAError):
    """A setting or argument has a value outside its valid choices."""


class PageNotRendered(QAError):
    """A PDF page cannot be shown as an image; the message says why in one sentence."""


class DocumentNotRemoved(QAError):
    """A document cannot be removed from the corpus; the message says why."""


class IndexOutdated(IndexCorrupt):
    """The index was written by an older version in a format this one does not read; a rebuild fixes it."""


class BackendUnavailable(QAError):
    """A search backend (a Qdrant server or cluster, the embedded engine, a Ray cluster) cannot be reached,
    refuses the key, or lacks the collection asked for; the message names it. The local index is untouched."""


class ModelUnavailable(QAError):
    """The embedding model is not installed or cannot be read, so an index cannot be checked against it."""
