"""The one place that forks: work the library offers aside (`ledger.aside`) runs in a child
process on another core, while the command goes on.

A forked child starts as a copy of this process (its memory is shared until either side writes
to it), so the work needs nothing sent to it; only its result comes back, through an unnamed
temporary file. The child writes nothing else anywhere and ends with `os._exit`, so that it
flushes no buffer of the parent's and runs no exit handler. A fork is made only where it is
safe and can help: on Linux, with a second core this process may use, and no other thread
running (a child of a process with threads can deadlock).

A machine of two cores has one to spare, so one child does all the work aside: work offered
with `run_alongside` waits for the next child that `run_aside` forks and is done there after
that child's own work (or in place, if no child is forked before its result is wanted).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import IO

from ledger.aside import Pending, Work


def run_aside(work: Work) -> Pending | None:
    """Start `work` in a forked child, with the work waiting alongside; None when forking is
    not safe or would not help here."""
    if not _can_fork():
        return None
    import tempfile

    waiting = _WAITING[:MOST_WORKS - 1]
    try:
        files: list[IO[bytes]] = [tempfile.TemporaryFile()  # noqa: SIM115 - _Child closes them
                                  for _ in range(len(waiting) + 1)]
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        for file in files:
            file.close()
        return None
    if pid == 0:  # pragma: no cover - runs in the child, which coverage does not follow
        _run_in_child([work, *(companion.work for companion in waiting)], files)
    del _WAITING[:len(waiting)]
    child = _Child(pid, files)
    for number, companion in enumerate(waiting, 1):
        companion.taken(child, number)
    return _Result(child, 0)


def run_alongside(work: Work) -> Pending:
    """Offer `work` to the next child `run_aside` forks, to be done after that child's work:
    it needs the second core less urgently than the work that forks. Its result is None (do
    it in place) when no child took it. A child's results are read once it has ended, so offer
    only work whose result is wanted soon after the first (an import's spreadsheet, wanted
    once the ledger is loaded)."""
    companion = _Companion(work)
    _WAITING.append(companion)
    return companion


def _can_fork() -> bool:
    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        return False
    import threading

    return threading.active_count() == 1


MOST_WORKS = 255
"""Works one child does at most: its exit status says how many it finished (`_run_in_child`)."""


def _run_in_child(works: list[Work], files: list[IO[bytes]]
                  ) -> None:  # pragma: no cover - in the child
    """Do each work in turn and keep its result; end the child with the number of results
    kept as its status, so that a work that fails loses only its own result and those after
    it."""
    done = 0
    try:
        import gc

        gc.disable()  # a collection would touch, and so copy, every page of the parent's objects
        for work, file in zip(works, files, strict=True):
            file.write(work())
            file.flush()
            done += 1
    finally:
        os._exit(done)


class _Child:
    """A forked child doing works; the result of work N is in file N once it has ended with a
    status above N (the number of works it finished). It is stopped early only when no result
    of it is wanted any more."""

    def __init__(self, pid: int, files: list[IO[bytes]]) -> None:
        self._pid: int | None = pid
        self._status = -1
        self._files = files
        self._wanted = set(range(len(files)))

    def result(self, number: int) -> bytes | None:
        self._wanted.discard(number)
        with self._files[number] as file:
            if self._ended() <= number:
                return None
            file.seek(0)
            return file.read()

    def cancel(self, number: int) -> None:
        self._wanted.discard(number)
        self._files[number].close()
        if not self._wanted and self._pid is not None:
            import signal

            with contextlib.suppress(OSError):  # it may have ended already
                os.kill(self._pid, signal.SIGKILL)
            self._ended()

    def _ended(self) -> int:
        """Wait for the child to end; its exit status (negative when killed by a signal, -1 when
        it cannot be known)."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                return self._status
            self._status = os.waitstatus_to_exitcode(status)
        return self._status


class _Result:
    """The result of one work of a child, wanted once."""

    def __init__(self, child: _Child, number: int) -> None:
        self._child: _Child | None = child
        self._number = number

    def result(self) -> bytes | None:
        child, self._child = self._child, None
        return child.result(self._number) if child is not None else None

    def cancel(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.cancel(self._number)


class _Companion:
    """Work waiting for a child (`run_alongside`), then the result of it there."""

    def __init__(self, work: Work) -> None:
        self.work = work
        self._result: _Result | None = None

    def taken(self, child: _Child, number: int) -> None:
        self._result = _Result(child, number)

    def result(self) -> bytes | None:
        self._withdraw()
        return self._result.result() if self._result is not None else None

    def cancel(self) -> None:
        """Not wanted: withdrawn if it is still waiting, else no longer wanted of its child."""
        self._withdraw()
        if self._result is not None:
            self._result.cancel()

    def _withdraw(self) -> None:
        with contextlib.suppress(ValueError):
            _WAITING.remove(self)


_WAITING: list[_Companion] = []
"""Work offered alongside, not yet taken by a child."""
