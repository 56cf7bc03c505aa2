"""ui.sessions: gradio's session table never drops a session with work in flight, and never raises."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from ui.sessions import SessionTable, install


def queue_with(live: dict[str, str], running: list[str]):
    """A stand-in for gradio's Queue: the three attributes SessionTable reads."""
    return SimpleNamespace(
        event_ids_to_events={eid: SimpleNamespace(session_hash=s) for eid, s in live.items()},
        active_jobs=[[SimpleNamespace(session_hash=s)] for s in running] + [None],
        pending_event_ids_session={},
    )


def test_sessions_with_waiting_or_running_events_survive_any_burst():
    queue = queue_with({"e1": "page"}, ["rebuild"])
    table = SessionTable(queue, max_size=100)
    table["rebuild"] = "messages of a running rebuild"
    table["page"] = "messages of a waiting question"
    for i in range(3000):
        sid = f"call-{i}"
        queue.pending_event_ids_session[sid] = {f"event-{i}"}
        table[sid] = f"messages {i}"
    assert len(table) <= 100
    assert table["rebuild"] == "messages of a running rebuild" and table["page"] == "messages of a waiting question"
    assert "call-2999" in table and "call-0" not in table
    assert set(queue.pending_event_ids_session) == set(table) - {"rebuild", "page"}  # forgotten with their session


def test_a_message_for_a_forgotten_session_is_dropped_not_raised():
    table = SessionTable(queue_with({}, []), max_size=10)
    table["gone"].put_nowait("a message nobody will read")
    assert "gone" not in table and table.get("gone") is None


def test_install_replaces_the_table_and_keeps_its_sessions():
    with gr.Blocks() as demo:
        gr.Markdown("x")
    demo.queue(max_size=8)
    demo._queue.pending_messages_per_session["s1"] = "m"
    install(demo)
    table = demo._queue.pending_messages_per_session
    assert isinstance(table, SessionTable) and dict(table) == {"s1": "m"} and table.queue is demo._queue
    assert len(demo.extra_startup_events) == 1


def test_a_lean_session_builds_the_same_configuration_when_first_read(tmp_path):
    from gradio.state_holder import SessionState

    from support.ui_server import small_assistant
    from ui.app import build_app
    from ui.sessions import LeanSessionState

    demo = build_app(small_assistant(tmp_path))
    lean, full = LeanSessionState(demo), SessionState(demo)
    assert lean._config_values is None  # nothing built until read
    assert lean.config_values == full.config_values and list(lean.components) == list(full.components)
    key = next(k for k, v in full.config_values.items() if "props" in v)
    lean._update_value_in_config(key, "new value")
    assert lean.config_values[key]["props"]["value"] == "new value"
