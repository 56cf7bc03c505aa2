"""Whether answering works right now, what the corpus holds that the index does not, and leftover cleanup."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from qa.errors import BuildInProgress, QAError, explain
from qa.index.build import build_lock
from qa.ingest.files import collect_files, shown_name, stamp_of

PROBE_QUESTION = "status check"
_PART = re.compile(r"^\.upload-[0-9a-f]+-(\d+)\.part$")


@dataclass(frozen=True)
class Health:
    """What `qa status` and the web app's /health report."""

    answering: bool  # a probe question was answered from the current index
    problem: str | None  # why not, in one sentence
    generation: str | None
    documents: int
    chunks: int
    unindexed: tuple[str, ...]  # corpus files the current index does not hold, that a rebuild would read
    build_running: bool
    refused: tuple[tuple[str, str], ...] = ()  # (source, reason): files the last build refused, unchanged since
    rebuilding: bool = False  # the index was lost and is being rebuilt in the background

    def as_json(self) -> dict:
        """The report as JSON-ready values."""
        return {
            "answering": self.answering,
            "problem": self.problem,
            "generation": self.generation,
            "documents": self.documents,
            "chunks": self.chunks,
            "unindexed": list(self.unindexed),
            "refused": [{"source": s, "reason": r} for s, r in self.refused],
            "build_running": self.build_running,
            "rebuilding": self.rebuilding,
        }


def build_running(index_dir: Path) -> bool:
    """True while some thread or process holds the index's build lock."""
    try:
        fd = os.open(Path(index_dir) / ".build.lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def unindexed(corpus_dir: Path, indexed: set[str], refused: dict | None = None) -> tuple[str, ...]:
    """Corpus files a rebuild would read that are not in the index: new, or changed since the last build refused
    them (refused: the index's record of those, IndexStatus.refused)."""
    return corpus_state(corpus_dir, indexed, refused)[0]


def corpus_state(
    corpus_dir: Path, indexed: set[str], refused: dict | None = None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(files waiting for a rebuild, (file, reason) refused by the last build and unchanged since) in the corpus."""
    try:
        files, _ = collect_files([Path(corpus_dir)], Path(corpus_dir))
    except (QAError, OSError):
        return (), ()
    refused = refused or {}
    pending, kept_out = [], []
    for f in files:
        if f.source in indexed:
            continue
        record = refused.get(f.source)
        if isinstance(record, dict) and stamp_of(f.path) == (record.get("size"), record.get("mtime_ns")):
            kept_out.append((f.source, str(record.get("reason", ""))))
        else:
            pending.append(f.source)
    return tuple(sorted(pending)), tuple(sorted(kept_out))


def check(assistant, probe: bool = True) -> Health:
    """The health of answering with this Assistant; probe=True answers a probe question end to end."""
    settings = assistant.settings
    running = build_running(settings.index_path)
    rebuilding = assistant.rebuilding()
    if rebuilding:
        return Health(False, rebuilding, None, 0, 0, (), True, rebuilding=True)
    try:
        status = assistant.status()
        sources = {d.source for d in assistant.documents()}
    except (QAError, OSError) as exc:
        return Health(
            False,
            explain(exc, settings.index_path, settings.corpus_dir),
            None,
            0,
            0,
            unindexed(settings.corpus_dir, set()),
            running,
        )
    problem: str | None = None
    if probe:
        try:
            assistant.search(PROBE_QUESTION, k=1)
        except Exception as exc:  # whatever stops answering is the answer to "does answering work"
            problem = explain(exc, settings.index_path, settings.corpus_dir)
    pending, refused = corpus_state(settings.corpus_dir, sources, status.refused)
    return Health(problem is None, problem, status.generation, status.documents, status.chunks, pending, running, refused)


def pid_alive(pid: int) -> bool:
    """True while a process with this id runs (leftovers of a live build or upload are not touched)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(corpus_dir: Path, index_dir: Path) -> list[Path]:
    """Remove partial uploads of dead processes and unfinished index generations; returns what was removed.

    Generations are only touched while holding the build lock, so a build running elsewhere keeps its folder.
    """
    removed: list[Path] = []
    try:
        parts = list(Path(corpus_dir).glob(".upload-*.part"))
    except OSError:
        parts = []
    for p in parts:
        m = _PART.match(p.name)
        if m and not pid_alive(int(m.group(1))):
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return removed
    try:
        with build_lock(index_dir, wait=False):
            for p in [*index_dir.glob("tmp-gen-*"), *index_dir.glob(".CURRENT.*")]:
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                if not p.exists():
                    removed.append(p)
    except (BuildInProgress, OSError):
        pass
    return removed


def server_health(url: str, timeout: float = 30.0) -> dict:
    """A running server's /health report; a server that cannot be reached is reported as not answering."""
    import json
    import urllib.error
    import urllib.request

    target = url.rstrip("/") + "/health"
    try:
        with urllib.request.urlopen(target, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as exc:  # 503: the server runs but cannot answer; its report says why
        try:
            return json.loads(exc.read())
        except ValueError:
            return {"answering": False, "problem": f"{target} answered HTTP {exc.code}; check the server's log."}
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return {
            "answering": False,
            "problem": f"No server answers at {url} ({reason}); start it with `qa serve` or check the address.",
        }


def report_lines(report: dict) -> list[str]:
    """A health report as lines for the terminal."""
    lines = [f"answering: {'yes' if report.get('answering') else 'NO'}"]
    if report.get("problem"):
        lines.append(f"problem: {report['problem']}")
    if report.get("generation"):
        lines.append(
            f"index: generation {report['generation']}, {report.get('documents', 0)} documents, "
            f"{report.get('chunks', 0)} passages"
        )
    if "build_running" in report:
        lines.append(f"rebuild running: {'yes' if report['build_running'] else 'no'}")
    queue = report.get("queue")
    if queue:
        lines.append(
            f"queue: {queue.get('waiting', 0)} waiting of at most {queue.get('max')}"
            + (" (stopped)" if queue.get("stopped") else "")
        )
    if report.get("unindexed"):
        lines.append(
            f"not in the index yet: {', '.join(map(shown_name, report['unindexed']))} (run `qa index` or "
            "press Rebuild index on the page)"
        )
    for r in report.get("refused") or ():
        lines.append(
            f"refused: {shown_name(str(r.get('source')))}: {shown_name(str(r.get('reason')))} (fix or replace "
            "the file, then rebuild)"
        )
    return lines
