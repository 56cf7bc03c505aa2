"""The web server's own settings: what only `qa serve` reads, each overridable by its QA_* variable as qa.Settings."""

from __future__ import annotations

from dataclasses import dataclass

from qa.settings import check_ranges, env_values

_KIB, _GIB = 1024, 1024**3


@dataclass(frozen=True)
class WebSettings:
    """Serving limits, bounded before anything is read: see ui/limits.py and ui/server.py."""

    queue_size: int = 64  # waiting requests; gradio 6.31 keeps at most 2,000 sessions (ui/sessions.py)
    answer_workers: int = 0  # questions answered at once; 0: one per CPU core
    max_request_bytes: int = 1024 * 1024  # any request body except uploads
    max_upload_request_bytes: int = 100 * 1024 * 1024  # one upload request, all its files together
    upload_storage_bytes: int = 400 * 1024 * 1024  # all temporary uploads together
    allowed_origins: str = ""  # comma-separated origins allowed to call or upload from other sites

    def __post_init__(self) -> None:
        check_ranges(self, RANGES)

    @classmethod
    def from_env(cls, **overrides) -> WebSettings:
        """Settings from QA_* environment variables (QA_QUEUE_SIZE, QA_ALLOWED_ORIGINS, ...)."""
        return cls(**{**env_values(cls), **overrides})


# Every numeric setting's valid range, checked when WebSettings is made (so when `qa serve` starts).
RANGES: dict[str, tuple[float, float]] = {
    # The web server keeps at most 2,000 sessions, so the queue stays well below that (ui/sessions.py).
    "queue_size": (1, 1000),
    "answer_workers": (0, 1024),
    "max_request_bytes": (_KIB, 64 * _GIB),
    "max_upload_request_bytes": (_KIB, 64 * _GIB),
    "upload_storage_bytes": (_KIB, 1024 * _GIB),
}
