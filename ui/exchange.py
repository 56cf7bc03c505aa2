"""One request's exchange as ui/limits.py's RequestGuard sees it: what it reads before the body, the answers it
gives instead of the app's, and the body counted and the response watched while the app runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Sequence

from starlette.formparsers import MultiPartException

Scope = dict[str, Any]
Message = dict[str, Any]
API = "/gradio_api"
MIB = 2**20


class BodyTooLarge(MultiPartException):
    """The request body passed its limit while streaming.

    A MultiPartException, so that gradio's upload parser, which is reading when it is raised, removes the
    partial files it has written (it does so only for its own exception type).
    """

    def __init__(self) -> None:
        super().__init__("request body too large")


CLOSE = ((b"connection", b"close"),)


@dataclass(frozen=True)
class Request:
    """What the guard reads of a request before its body."""

    path: str
    method: str
    headers: dict[str, str]
    size: int | None  # the declared Content-Length (0 without one); None when it is not a number

    @classmethod
    def of(cls, scope: Scope) -> Request:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length")
        try:
            size: int | None = 0 if declared is None else int(declared)
        except ValueError:
            size = None
        return cls(scope.get("path", ""), scope.get("method", "GET"), headers, size)

    @property
    def origin(self) -> str:
        return self.headers.get("origin", "")

    @property
    def upload(self) -> bool:
        return self.method == "POST" and self.path.rstrip("/") == f"{API}/upload"

    @property
    def what(self) -> str:
        return "an upload" if self.upload else "a request"


@dataclass(frozen=True)
class Reply:
    """A complete answer the guard gives instead of the app's."""

    status: int
    detail: Any
    extra: Sequence[tuple[bytes, bytes]] = ()
    key: str | None = "detail"

    async def send(self, send: Callable[[Message], Awaitable[None]]) -> None:
        await reply(send, self.status, self.detail, key=self.key, extra=self.extra)


class Watched:
    """One request between the app and the client: its body counted against the limit as it streams, and a
    queue's 503 held back (queue_size given) to be answered with a sentence and Retry-After."""

    def __init__(self, receive: Callable, send: Callable, limit: int, cors: list[tuple[bytes, bytes]], queue_size: int | None):
        self._receive, self._send, self.limit, self.cors, self.queue_size = receive, send, limit, cors, queue_size
        self.read = 0
        self.over = False
        self.started = False
        self.hold: list[bytes] | None = None

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            if self.read > self.limit:
                self.over = True
                raise BodyTooLarge()
        return message

    async def send(self, message: Message) -> None:
        if self.over:
            return  # the 413 RequestGuard sends replaces whatever the app answers once the limit is passed
        if message["type"] == "http.response.start":
            started = self._start(message)
            if started is None:
                return
            message = started
        elif self.hold is not None and message["type"] == "http.response.body":
            await self._held(message)
            return
        await self._send(message)

    def _start(self, message: Message) -> Message | None:
        """The response's start with the CORS headers; None when it is a queue's 503, held back."""
        self.started = True
        if self.cors:  # gradio's own CORS headers cover only localhost origins
            message = {**message, "headers": [*message.get("headers", []), *self.cors]}
        if self.queue_size is not None and message["status"] == 503:
            self.hold = []
            return None
        return message

    async def _held(self, message: Message) -> None:
        assert self.hold is not None and self.queue_size is not None
        self.hold.append(message.get("body", b""))
        if not message.get("more_body"):
            await reply(self._send, 503, busy(b"".join(self.hold), self.queue_size), extra=[(b"retry-after", b"2")])


async def whole_body(receive: Callable, limit: int) -> bytes | None:
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


def replay(body: bytes, receive: Callable) -> Callable:
    """A receive that gives the app the body already read, then what the connection says next."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def cors_headers(origin: str, headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    out = [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
    ]
    if "access-control-request-method" in headers:
        out += [
            (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
            (b"access-control-allow-headers", headers.get("access-control-request-headers", "content-type").encode("latin-1")),
        ]
    return out


def too_large(what: str, size: int, limit: int, exact: bool) -> str:
    return (
        f"The request is too large: {what} may be at most {limit / MIB:.1f} MiB and this one is "
        f"{'' if exact else 'over '}{size / MIB:.1f} MiB; send a smaller file or fewer files at once."
    )


def busy(original: bytes, queue_size: int) -> str:
    if b"stopped" in original.lower():
        return "The server's request queue is restarting; try again in a few seconds."
    return f"The server is busy: all {queue_size} places in its queue are taken; try again in a few seconds."


async def reply(
    send: Callable[[Message], Awaitable[None]],
    status: int,
    detail: Any,
    key: str | None = "detail",
    extra: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """A complete JSON response: {"detail": sentence} (the shape FastAPI uses), or detail itself."""
    body = json.dumps({key: detail} if key else detail).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})
