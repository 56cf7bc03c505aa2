"""ASGI middleware in front of the whole web app: request limits enforced before bodies are read.

- Size: a declared Content-Length over the limit is refused with 413 before a byte of the body is read;
  a body without one (chunked) is counted as it streams and refused the moment it passes the limit.
  Uploads get their own, larger limit, and all temporary uploads together are capped.
- Origin: a browser request from another site (an Origin header that is not this server) is refused
  unless that origin is configured in QA_ALLOWED_ORIGINS: nobody else's page can upload or ask through
  a visitor's browser.
- Answers in words: a full or stopped queue answers 503 with a sentence and Retry-After; bad keyword
  parameters on /call/v2 answer 400 instead of 500; GET /health says whether answering works.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable, Sequence

from anyio import to_thread

from .exchange import (
    API,
    CLOSE,
    MIB,
    BodyTooLarge,
    Reply,
    Request,
    Scope,
    Watched,
    cors_headers,
    replay,
    reply,
    too_large,
    whole_body,
)
from .settings import WebSettings

HEALTH_PATH = "/health"


def folder_bytes(folder: Path) -> int:
    """Total size of the files under folder (0 if it does not exist)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def _same_host(origin: str, headers: dict[str, str]) -> bool:
    """The Origin names the host the request was sent to (scheme aside: a TLS proxy may sit in front)."""
    return origin.split("://", 1)[-1].rstrip("/").lower() == headers.get("host", "").lower()


class RequestGuard:
    """The middleware; settings is a ui.settings.WebSettings, upload_dir returns gradio's upload folder, health its report."""

    def __init__(
        self,
        app: Callable,
        settings: WebSettings,
        upload_dir: Callable[[], Path],
        health: Callable[[], dict] | None = None,
        api_inputs: dict[str, tuple[str, ...]] | None = None,
    ):
        self.app = app
        # api name -> its inputs in order: a /call/<name> with missing or extra inputs is told which, in one
        # sentence (gradio answers {"error": null} and logs a traceback).
        self.api_inputs = api_inputs or {}
        self.settings = settings
        self.upload_dir = upload_dir
        self.health = health
        self.allowed = {o.strip().rstrip("/").lower() for o in settings.allowed_origins.split(",") if o.strip()}
        self.reserved = 0  # upload bytes admitted and still streaming
        self._usage = (0.0, 0, 0)  # (when measured, folder mtime, bytes) of the upload folder

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request.of(scope)
        refusal = self._origin_refusal(request) or await self._answered_here(request) or self._size_refusal(request)
        if refusal:
            await refusal.send(send)
            return
        limit, reserved, refusal = self._reserve(request)
        try:
            if refusal is None:
                receive, refusal = await self._checked_inputs(request, receive, limit)
            if refusal:
                await refusal.send(send)
            else:
                await self._guarded(scope, receive, send, limit, request.what, self._cors(request))
        finally:
            self.reserved -= reserved

    def _cors(self, request: Request) -> list[tuple[bytes, bytes]]:
        """The CORS headers for an allowed other site's request; none for this server's own pages."""
        allowed = bool(request.origin) and request.origin.rstrip("/").lower() in self.allowed
        return cors_headers(request.origin, request.headers) if allowed else []

    def _origin_refusal(self, request: Request) -> Reply | None:
        origin = request.origin
        if (
            origin
            and not _same_host(origin, request.headers)
            and origin.rstrip("/").lower() not in self.allowed
            and (request.method not in ("GET", "HEAD") or request.path.startswith(API))
        ):
            return Reply(
                403,
                f"Requests from {origin} are refused: this server takes calls and uploads only "
                "from its own pages; to allow that site, add it to QA_ALLOWED_ORIGINS.",
            )
        return None

    async def _answered_here(self, request: Request) -> Reply | None:
        """An allowed site's CORS preflight, or GET /health: answered without the app."""
        cors = self._cors(request)
        if cors and request.method == "OPTIONS":
            return Reply(200, "OK", extra=cors)
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD") and self.health is not None:
            report = await to_thread.run_sync(self.health)
            return Reply(200 if report.get("answering") else 503, report, key=None)
        return None

    def _limit(self, request: Request) -> int:
        return self.settings.max_upload_request_bytes if request.upload else self.settings.max_request_bytes

    def _size_refusal(self, request: Request) -> Reply | None:
        """A Content-Length that is not a number, or over the limit: refused before a byte of the body is read."""
        if request.size is None:
            return Reply(400, "The request's Content-Length header is not a number; send a valid one.")
        limit = self._limit(request)
        if request.size > limit:
            return Reply(413, too_large(request.what, request.size, limit, exact=True), extra=CLOSE)
        return None

    def _reserve(self, request: Request) -> tuple[int, int, Reply | None]:
        """(the body's limit, upload bytes reserved for it, a refusal when the uploads' space is full)."""
        limit, size = self._limit(request), request.size or 0
        if not request.upload:
            return limit, 0, None
        taken = self._upload_usage() + self.reserved
        free = self.settings.upload_storage_bytes - taken
        if size > free or free <= 0:
            return (
                limit,
                0,
                Reply(
                    507,
                    f"The server's space for uploads is full ({taken / MIB:.1f} of "
                    f"{self.settings.upload_storage_bytes / MIB:.1f} MiB taken); wait a few "
                    "minutes for it to be cleaned, or upload fewer files at once.",
                    extra=CLOSE,
                ),
            )
        reserved = size or min(limit, free)
        self.reserved += reserved
        return min(limit, free), reserved, None

    async def _checked_inputs(self, request: Request, receive: Callable, limit: int) -> tuple[Callable, Reply | None]:
        """An API call's body read whole and its inputs checked; the receive that replays it to the app."""
        name = request.path.rstrip("/").removeprefix(f"{API}/call/")
        if request.method != "POST" or name not in self.api_inputs:
            return receive, None
        body = await whole_body(receive, limit)
        if body is None:
            return receive, Reply(413, too_large(request.what, limit + 1, limit, exact=False), extra=CLOSE)
        problem = inputs_problem(name, self.api_inputs[name], body)
        if problem:
            return receive, Reply(400, problem)
        return replay(body, receive), None

    async def _guarded(
        self, scope: Scope, receive: Callable, send: Callable, limit: int, what: str, cors: list[tuple[bytes, bytes]]
    ) -> None:
        path = scope.get("path", "")
        queue_call = path.endswith("/queue/join") or f"{API}/call/" in path
        watched = Watched(receive, send, limit, cors, self.settings.queue_size if queue_call else None)
        try:
            await self.app(scope, watched.receive, watched.send)
        except BodyTooLarge:
            pass
        except (TypeError, ValueError) as exc:
            if watched.started or "/call/v2/" not in path:
                raise
            await reply(
                send, 400, f"The parameters do not fit this endpoint ({exc}); see {API}/info for its parameters and their types."
            )
            return
        if watched.over:
            await reply(send, 413, too_large(what, watched.read, limit, exact=False), extra=CLOSE)

    def _upload_usage(self) -> int:
        when, stamp, used = self._usage
        folder = self.upload_dir()
        try:
            now_stamp = folder.stat().st_mtime_ns  # each upload makes a new folder in it
        except OSError:
            now_stamp = 0
        if now_stamp != stamp or time.monotonic() - when > 1.0:  # not a walk per request of a burst
            used = folder_bytes(folder)
            self._usage = (time.monotonic(), now_stamp, used)
        return used


def inputs_problem(name: str, inputs: Sequence[str], body: bytes) -> str | None:
    """The sentence for a /call/<name> body whose "data" list does not hold exactly the inputs, else None."""
    shape = f'{{"data": [{", ".join(inputs)}]}}'
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        data = None
    if not isinstance(data, list):
        return f"The call to /{name} must send JSON of the form {shape}; send its {len(inputs)} inputs in that order."
    if len(data) < len(inputs):
        missing = inputs[len(data) :]
        return (
            f"The call to /{name} is missing {'its input' if len(missing) == 1 else 'its inputs'} "
            f"{', '.join(missing)}: send all {len(inputs)} inputs in order, as {shape}."
        )
    if len(data) > len(inputs):
        extra = len(data) - len(inputs)
        return (
            f"The call to /{name} sent {len(data)} inputs, {extra} more than it takes: send only "
            f"{', '.join(inputs)}, in order, as {shape}."
        )
    return None
