"""A compact console for runs launched from the command line: one line per step with its timing, one live line for
training (step N of M, loss, tokens/s), and every Dagster event and library message in a log file instead.

The run executes in this process; a thread follows its events in the instance's event log. Library output on the
process's stderr (progress bars, warnings, and the native extensions' messages at interpreter exit) is sent to the
log file at the file-descriptor level, so nothing but the progress view reaches the terminal.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

TRAINING_LINE = re.compile(r"step (\d+): loss ([0-9.]+), ([0-9.]+) tokens/s")
# the adapter's plan: the recipe may train fewer steps than the max_steps the command was given
PLAN_LINE = re.compile(r"training plan: .*\((\d+) optimizer steps\)$")


def _fmt(seconds: float) -> str:
    return f"{seconds:5.1f} s" if seconds < 120 else f"{seconds / 60:4.1f} min"


class ProgressView:
    """Prints the progress of one run (``run_id``) as its events reach ``instance``'s event log."""

    def __init__(self, instance, run_id: str, out, total_steps: int | None = None, poll_s: float = 0.5) -> None:
        self.instance, self.run_id, self.out = instance, run_id, out
        self.total_steps, self.poll_s = total_steps, poll_s
        self.started: dict[str, float] = {}
        self.cursor: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._live = False

    def __enter__(self) -> ProgressView:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._drain()

    def _print(self, line: str, live: bool = False) -> None:
        if self._live and not live:
            self.out.write("\n")
        self.out.write(("\r" if live else "") + line + ("" if live else "\n"))
        self.out.flush()
        self._live = live

    def _follow(self) -> None:
        while not self._stop.is_set():
            self._drain()
            self._stop.wait(self.poll_s)

    def _drain(self) -> None:
        while True:
            try:
                page = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, limit=500)
            except Exception:  # the run is not in the event log yet
                return
            for record in page.records:
                self._show(record.event_log_entry)
            self.cursor = page.cursor
            if not page.has_more:
                return

    def _show(self, entry) -> None:
        step = entry.step_key or ""
        event = entry.dagster_event
        kind = event.event_type_value if event else None
        if kind == "STEP_START":
            self.started[step] = entry.timestamp
            self._print(f"  ▶ {step}")
        elif kind == "STEP_SUCCESS":
            took = entry.timestamp - self.started.get(step, entry.timestamp)
            self._print(f"  ✓ {step:<24} {_fmt(took)}")
        elif kind == "STEP_FAILURE":
            took = entry.timestamp - self.started.get(step, entry.timestamp)
            self._print(f"  ✗ {step:<24} {_fmt(took)}  (failed: see the log file)")
        elif kind == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                self._print(f"    ! check {check.check_name} on {check.asset_key.to_user_string()} failed")
        elif event is None and (m := PLAN_LINE.search(entry.user_message or "")):
            self.total_steps = int(m.group(1))
        elif event is None and (m := TRAINING_LINE.search(entry.user_message or "")):
            of = f"/{self.total_steps}" if self.total_steps else ""
            self._print(
                f"    training step {m.group(1)}{of}: loss {float(m.group(2)):.3f}, {float(m.group(3)):.0f} tokens/s",
                live=True,
            )


@contextlib.contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Points file descriptor 2 (and ``sys.stderr``) at ``path`` for the rest of the process: what native code and
    libraries print there, up to the interpreter's exit, lands in the log file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    log = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (kept open until the process exits)
    sys.stderr.flush()
    os.dup2(log.fileno(), 2)
    sys.stderr = log
    yield


def write_event_log(instance, run_id: str, path: Path) -> None:
    """Every event of the run, as the console logger would have printed it, appended to ``path``."""
    with open(path, "a", encoding="utf-8") as f:
        for entry in instance.all_logs(run_id):
            kind = entry.dagster_event.event_type_value if entry.dagster_event else entry.level
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.timestamp))
            f.write(f"{stamp} {kind} {entry.step_key or '-'} {entry.message}\n")
