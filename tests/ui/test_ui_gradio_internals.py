"""The gradio internals ui/sessions.py and ui/server.py patch are still there, shaped as they expect.

ui/sessions.py replaces the queue's session table, restarts its processing loop and swaps the state holder's
class; ui/server.py tunes the queue's analytics. These are gradio's private attributes, so pyproject.toml pins
gradio exactly and this test fails, naming what moved, when an upgrade changes any of them.
"""

from __future__ import annotations

import inspect
import re
from collections import OrderedDict
from pathlib import Path

import gradio as gr
from gradio import queueing, routes
from gradio.blocks import BlocksConfig
from gradio.state_holder import SessionState, StateHolder
from gradio.utils import LRUCache

from ui.sessions import SESSIONS, LeanSessionState, LeanStateHolder

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_installed_gradio_is_the_pinned_one():
    pinned = re.search(r'"gradio==([\d.]+)"', PYPROJECT.read_text(encoding="utf-8"))
    assert pinned and gr.__version__ == pinned.group(1)


def test_the_queue_has_the_attributes_the_session_table_and_the_watchdog_use():
    with gr.Blocks() as demo:
        gr.Textbox()
    demo.queue(max_size=4)
    queue = demo._queue
    assert isinstance(queue, queueing.Queue)
    # The table SessionTable replaces: an LRU of as many sessions as ui.sessions.SESSIONS, filled by item assignment.
    assert type(queue.pending_messages_per_session) is LRUCache and queue.pending_messages_per_session.max_size == SESSIONS
    assert issubclass(LRUCache, OrderedDict)
    assert isinstance(queue.pending_event_ids_session, dict) and isinstance(queue.event_ids_to_events, dict)
    assert isinstance(queue.active_jobs, list) and queue.stopped is False and queue.max_size == 4
    assert list(inspect.signature(queue.start).parameters) == []
    # Read by the watchdog (Blocks) and set by ui/server.py (the queue's analytics, misspelt as gradio spells it).
    assert isinstance(demo.extra_startup_events, list) and demo.is_running is False
    assert isinstance(queue.ANALYTICS_MAX_EVENTS, int) and isinstance(queue.ANAYLTICS_CACHE_FREQUENCY, int)
    assert "stop_event" in inspect.getsource(routes.App.__init__)


def test_session_state_is_built_from_what_lean_session_state_hands_it():
    source = inspect.getsource(SessionState.__init__)
    assert list(inspect.signature(SessionState.__init__).parameters) == ["self", "blocks"]
    # LeanSessionState passes a stand-in with only these two, and builds config_values itself, later.
    assert set(re.findall(r"(?<![\w.])blocks\.(\w+)", source)) == {"default_config", "blocks"}
    assert "self.config_values = {" in source and "self.blocks_config.config_for_block(k, [], v)" in source
    assert list(inspect.signature(BlocksConfig.config_for_block).parameters)[:3] == ["_id", "rendered_ids", "block"]
    assert isinstance(gr.Blocks().default_config, BlocksConfig)
    assert issubclass(LeanSessionState, SessionState) and isinstance(
        inspect.getattr_static(SessionState, "config_values", None), type(None)
    )  # an instance attribute, not a property


def test_the_state_holder_makes_sessions_in_getitem_from_its_blocks():
    holder = StateHolder()
    assert isinstance(holder.session_data, OrderedDict)
    source = inspect.getsource(StateHolder.__getitem__)
    assert "self.session_data[session_id] = SessionState(self.blocks)" in source
    assert issubclass(LeanStateHolder, StateHolder) and "__init__" not in vars(LeanStateHolder)
    assert inspect.getsource(routes.App.__init__).count("self.state_holder = StateHolder()") == 1
