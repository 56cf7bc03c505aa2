"""Token counts: chunks are sized in the embedding model's tokens, never in characters."""

from __future__ import annotations

from typing import Protocol, Sequence


class TokenCounter(Protocol):
    """Counts model tokens (without the two special tokens) of several texts at once."""

    def __call__(self, texts: Sequence[str]) -> list[int]: ...


def tokenizer_counter(tokenizer) -> TokenCounter:
    """A TokenCounter backed by a `tokenizers.Tokenizer` with truncation disabled."""

    def count(texts: Sequence[str]) -> list[int]:
        return [len(e.ids) - 2 for e in tokenizer.encode_batch(list(texts))] if texts else []

    return count
