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
from typing import Any, Awaitable, Callable, Sequence

from anyio import to_thread
from starlette.formparsers import MultiPartException

Scope = dict[str, Any]
Message = dict[str, Any]
API = "/gradio_api"
HEALTH_PATH = "/health"
MIB = 2**20


class BodyTooLarge(MultiPartException):
    """The request body passed its limit while streaming.

    A MultiPartException, so that gradio's upload parser, which is reading when it is raised, removes the
    partial files it has written (it does so only for its own exception type).
    """

    def __init__(self) -> None:
        super().__init__("request body too large")


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
    """The middleware; settings is a qa.Settings, upload_dir returns gradio's upload folder, health its report."""

    def __init__(self, app: Callable, settings: Any, upload_dir: Callable[[], Path],
                 health: Callable[[], dict] | None = None, api_inputs: dict[str, tuple[str, ...]] | None = None):
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
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path, method = scope.get("path", ""), scope.get("method", "GET")
        origin = headers.get("origin", "")
        if origin and not _same_host(origin, headers) and origin.rstrip("/").lower() not in self.allowed \
                and (method not in ("GET", "HEAD") or path.startswith(API)):
            await _reply(send, 403, f"Requests from {origin} are refused: this server takes calls and uploads only "
                                    "from its own pages; to allow that site, add it to QA_ALLOWED_ORIGINS.")
            return
        cors = bool(origin) and origin.rstrip("/").lower() in self.allowed
        if cors and method == "OPTIONS":
            await _reply(send, 200, "OK", extra=_cors_headers(origin, headers))
            return
        if path == HEALTH_PATH and method in ("GET", "HEAD") and self.health is not None:
            report = await to_thread.run_sync(self.health)
            await _reply(send, 200 if report.get("answering") else 503, report, key=None)
            return
        upload = method == "POST" and path.rstrip("/") == f"{API}/upload"
        limit = self.settings.max_upload_request_bytes if upload else self.settings.max_request_bytes
        what = "an upload" if upload else "a request"
        declared = headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _reply(send, 400, "The request's Content-Length header is not a number; send a valid one.")
                return
            if size > limit:
                await _reply(send, 413, _too_large(what, size, limit, exact=True), extra=[(b"connection", b"close")])
                return
        else:
            size = 0
        reserved = 0
        if upload:
            taken = self._upload_usage() + self.reserved
            free = self.settings.upload_storage_bytes - taken
            if size > free or free <= 0:
                await _reply(send, 507, f"The server's space for uploads is full ({taken / MIB:.1f} of "
                                        f"{self.settings.upload_storage_bytes / MIB:.1f} MiB taken); wait a few "
                                        "minutes for it to be cleaned, or upload fewer files at once.",
                             extra=[(b"connection", b"close")])
                return
            limit = min(limit, free)
            reserved = size or limit
            self.reserved += reserved
        name = path.rstrip("/").removeprefix(f"{API}/call/")
        if method == "POST" and name in self.api_inputs:
            body = await _whole_body(receive, limit)
            if body is None:
                await _reply(send, 413, _too_large(what, limit + 1, limit, exact=False),
                             extra=[(b"connection", b"close")])
                return
            problem = inputs_problem(name, self.api_inputs[name], body)
            if problem:
                await _reply(send, 400, problem)
                return
            receive = _replay(body, receive)
        try:
            await self._guarded(scope, receive, send, limit, what, _cors_headers(origin, headers) if cors else [])
        finally:
            self.reserved -= reserved

    async def _guarded(self, scope: Scope, receive: Callable, send: Callable, limit: int, what: str,
                       cors: list[tuple[bytes, bytes]]) -> None:
        state: dict[str, Any] = {"read": 0, "over": False, "started": False, "hold": None}
        path = scope.get("path", "")
        queue_call = path.endswith("/queue/join") or f"{API}/call/" in path

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["over"] = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"]:
                return  # the 413 below replaces whatever the app answers once the limit is passed
            if message["type"] == "http.response.start":
                state["started"] = True
                if cors:  # gradio's own CORS headers cover only localhost origins
                    message = {**message, "headers": [*message.get("headers", []), *cors]}
                if queue_call and message["status"] == 503:
                    state["hold"] = []
                    return
            elif state["hold"] is not None and message["type"] == "http.response.body":
                state["hold"].append(message.get("body", b""))
                if not message.get("more_body"):
                    await _reply(send, 503, _busy(b"".join(state["hold"]), self.settings.queue_size),
                                 extra=[(b"retry-after", b"2")])
                return
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
        except (TypeError, ValueError) as exc:
            if state["started"] or "/call/v2/" not in path:
                raise
            await _reply(send, 400, f"The parameters do not fit this endpoint ({exc}); see {API}/info for its "
                                    "parameters and their types.")
            return
        if state["over"]:
            await _reply(send, 413, _too_large(what, state["read"], limit, exact=False),
                         extra=[(b"connection", b"close")])

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


async def _whole_body(receive: Callable, limit: int) -> bytes | None:
    """The request body (None once it passes limit): an API call's inputs are checked before the app sees them."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        size += len(parts[-1])
        if size > limit:
            return None
        if not message.get("more_body"):
            break
    return b"".join(parts)


def _replay(body: bytes, receive: Callable) -> Callable:
    """A receive that gives the app the body already read, then what the connection says next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


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
        missing = inputs[len(data):]
        return (f"The call to /{name} is missing {'its input' if len(missing) == 1 else 'its inputs'} "
                f"{', '.join(missing)}: send all {len(inputs)} inputs in order, as {shape}.")
    if len(data) > len(inputs):
        extra = len(data) - len(inputs)
        return (f"The call to /{name} sent {len(data)} inputs, {extra} more than it takes: send only "
                f"{', '.join(inputs)}, in order, as {shape}.")
    return None


def _cors_headers(origin: str, headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    out = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"access-control-allow-credentials", b"true"),
           (b"vary", b"Origin")]
    if "access-control-request-method" in headers:
        out += [(b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                (b"access-control-allow-headers",
                 headers.get("access-control-request-headers", "content-type").encode("latin-1"))]
    return out


def _too_large(what: str, size: int, limit: int, exact: bool) -> str:
    return (f"The request is too large: {what} may be at most {limit / MIB:.1f} MiB and this one is "
            f"{'' if exact else 'over '}{size / MIB:.1f} MiB; send a smaller file or fewer files at once.")


def _busy(original: bytes, queue_size: int) -> str:
    if b"stopped" in original.lower():
        return "The server's request queue is restarting; try again in a few seconds."
    return (f"The server is busy: all {queue_size} places in its queue are taken; try again in a few seconds.")


async def _reply(send: Callable[[Message], Awaitable[None]], status: int, detail: Any, key: str | None = "detail",
                 extra: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """A complete JSON response: {"detail": sentence} (the shape FastAPI uses), or detail itself."""
    body = json.dumps({key: detail} if key else detail).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})
