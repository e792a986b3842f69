"""The one place that forks: work the library offers aside (`ledger.aside`) runs in a child
process on another core, while the command goes on.

A forked child starts as a copy of this process (its memory is shared until either side writes
to it), so the work needs nothing sent to it; only its result comes back, through an unnamed
temporary file. The child writes nothing else anywhere and ends with `os._exit`, so that it
flushes no buffer of the parent's and runs no exit handler. A fork is made only where it is
safe and can help: on Linux, with a second core this process may use, and no other thread
running (a child of a process with threads can deadlock).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import IO

from ledger.aside import Pending, Work


def run_aside(work: Work) -> Pending | None:
    """Start `work` in a forked child; None when forking is not safe or would not help here."""
    if not _can_fork():
        return None
    import tempfile

    try:
        file = tempfile.TemporaryFile()  # noqa: SIM115 - the child's result; _Child closes it
    except OSError:
        return None
    try:
        child = os.fork()
    except OSError:
        file.close()
        return None
    if child == 0:  # pragma: no cover - runs in the child, which coverage does not follow
        _run_in_child(work, file)
    return _Child(child, file)


def _can_fork() -> bool:
    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        return False
    import threading

    return threading.active_count() == 1


def _run_in_child(work: Work, file: IO[bytes]) -> None:  # pragma: no cover - in the child
    """Do the work, keep its result, and end the child: status 0 only when all of it is kept."""
    status = 1
    try:
        import gc

        gc.disable()  # a collection would touch, and so copy, every page of the parent's objects
        file.write(work())
        file.flush()
        status = 0
    finally:
        os._exit(status)


class _Child:
    """A forked child doing work; its result is in `file` once it has ended with status 0."""

    def __init__(self, pid: int, file: IO[bytes]) -> None:
        self._pid: int | None = pid
        self._file = file

    def result(self) -> bytes | None:
        if self._pid is None:
            return None
        status = self._reap()
        with self._file:
            if status != 0:
                return None
            self._file.seek(0)
            return self._file.read()

    def cancel(self) -> None:
        if self._pid is None:
            return
        import signal

        with contextlib.suppress(OSError):  # it may have ended already
            os.kill(self._pid, signal.SIGKILL)
        self._reap()
        self._file.close()

    def _reap(self) -> int:
        """Wait for the child to end; its exit status (-1 when it cannot be known)."""
        assert self._pid is not None
        pid, self._pid = self._pid, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)
