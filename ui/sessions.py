"""Keeps gradio's queue alive under bursts of calls whose results are never read.

gradio 6.31 keeps each session's pending messages in an LRUCache(2000). Every `/call/<api>` POST is a new
session, and a session is only forgotten when its results are read over a stream that then breaks. So a
burst of a few thousand unread calls evicts sessions in insertion order; when an evicted session still has
an event waiting or running, the queue's next message to it raises KeyError inside the queue's processing
task, the task ends, `queue.stopped` becomes True, and every later call answers 503 "Queue is stopped"
until a restart. The page itself still loads, so the site looks up.

Three guards, each enough on its own for the failure seen:
- the queue is bounded (WebSettings.queue_size, well below 2,000), so a burst is refused at the door and
  never piles up thousands of live sessions;
- SessionTable replaces the LRU: it never evicts a session with an event waiting or running, it forgets
  the event ids of the sessions it evicts (gradio keeps those forever otherwise), and a message for a
  session it no longer knows is dropped instead of raising;
- a watchdog restarts the queue's processing loop if it stops anyway while the server runs.
"""

from __future__ import annotations

import asyncio
import sys
from collections import OrderedDict
from typing import Any

from gradio.state_holder import SessionState, StateHolder

SESSIONS = 2000  # as many as gradio keeps


class _Dropped:
    """Where messages to a forgotten session go: nobody is listening for them."""

    def put_nowait(self, message: Any) -> None:
        pass

    async def put(self, message: Any) -> None:
        pass


class SessionTable(OrderedDict):
    """gradio's per-session message table, minus the eviction that stops the queue."""

    def __init__(self, queue: Any, max_size: int = SESSIONS, items: Any = ()):
        self.queue = queue
        self.max_size = max_size
        super().__init__()
        for key, value in dict(items).items():
            self[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self:
            self.move_to_end(key)
        elif len(self) >= self.max_size:
            self._evict()
        super().__setitem__(key, value)

    def __missing__(self, key: str) -> Any:
        return _Dropped()

    def live_sessions(self) -> set[str]:
        """Sessions with an event waiting in the queue or being processed."""
        live = {e.session_hash for e in list(self.queue.event_ids_to_events.values())}
        for job in list(self.queue.active_jobs):
            live.update(e.session_hash for e in job or ())
        return live

    def _evict(self) -> None:
        # A tenth at a time, oldest first, so that the scan for live sessions is paid rarely.
        target = self.max_size - max(1, self.max_size // 10)
        live = self.live_sessions()
        for key in list(self.keys()):
            if len(self) <= target:
                break
            if key not in live:
                OrderedDict.__delitem__(self, key)
                self.queue.pending_event_ids_session.pop(key, None)


def install(blocks: Any, max_size: int = SESSIONS) -> None:
    """Put a SessionTable and a watchdog on the blocks' queue; call after blocks.queue(), before launch."""
    queue = blocks._queue
    if not isinstance(queue.pending_messages_per_session, SessionTable):
        queue.pending_messages_per_session = SessionTable(queue, max_size, queue.pending_messages_per_session)
    tasks: set[asyncio.Task] = set()

    async def start_watchdog() -> None:
        task = asyncio.get_running_loop().create_task(watchdog(blocks))
        tasks.add(task)  # a reference, or the task may be garbage-collected while it runs
        task.add_done_callback(tasks.discard)

    blocks.extra_startup_events.append(start_watchdog)


async def watchdog(blocks: Any, every: float = 0.5) -> None:
    """Restart the queue's processing loop when it has stopped while the server still runs."""
    seen_stopped = False
    while True:
        await asyncio.sleep(every)
        app = getattr(blocks, "server_app", None)
        closing = not blocks.is_running or (app is not None and app.stop_event.is_set())
        if closing:
            return
        queue = blocks._queue
        if not queue.stopped:
            seen_stopped = False
            continue
        if not seen_stopped:  # twice in a row: close() stops the queue just before it marks the server down
            seen_stopped = True
            continue
        print("qa serve: the request queue had stopped; restarted it", file=sys.stderr, flush=True)
        queue.stopped = False
        queue.start()
        seen_stopped = False


class LeanSessionState(SessionState):
    """gradio's per-session state, with its copy of the page's configuration built only when first read.

    gradio builds that copy (inspect.signature on every component: ~2 ms here) for every new session, and
    every /call is a new session; only deep links and state updates read it, and API calls do neither.
    """

    class _Unbuilt:
        def __init__(self, blocks: Any):
            self.default_config, self.blocks = blocks.default_config, dict[Any, Any]()

    def __init__(self, blocks: Any):
        self._lean_blocks = blocks
        self._config_values: dict | None = None
        super().__init__(self._Unbuilt(blocks))  # type: ignore[arg-type]  # the parent then builds an empty copy, at no cost

    @property
    def config_values(self) -> dict:
        if self._config_values is None:  # what SessionState.__init__ builds
            self._config_values = {
                k: self.blocks_config.config_for_block(k, [], v)
                for k, v in self.blocks_config.blocks.items()
                if k in self._lean_blocks.blocks
            }
        return self._config_values

    @config_values.setter
    def config_values(self, value: dict) -> None:
        if value or self._config_values is not None:  # the parent's empty placeholder leaves it unbuilt
            self._config_values = value


class LeanStateHolder(StateHolder):
    """gradio's StateHolder, making LeanSessionStates."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LeanSessionState(self.blocks)
        return super().__getitem__(session_id)


def lean_sessions(blocks: Any) -> None:
    """Make the launched blocks' new sessions LeanSessionStates (same object, so nothing it holds is lost)."""
    blocks.state_holder.__class__ = LeanStateHolder
