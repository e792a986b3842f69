"""Work that may be done aside, on another core, while a command goes on: how the library
offers it. The library never starts a process itself; the command line passes a `Runner` that
forks (`ledger.cli.forking`), and without one every piece of work is done in place, when its
result is needed.

The work is a function of what the process holds when it is offered (a forked child sees that
memory as it was, and changes nothing the parent sees), and its result is bytes. Whatever the
runner does, the output is the same: a result that does not come back is made in place.

Only work that touches little of the process's memory is worth offering. After a fork, each
page that either process writes is copied, and Python writes into every object it reads (its
reference count): work over the objects of a loaded ledger (laying out a page's rows, say) gets
back less time than the copying costs, and holds a second copy of much of the ledger while it
runs. Counting the keys in a file's bytes while Pydantic validates them (`store.load`) reads
one object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Pending(Protocol):
    """Work started aside."""

    def result(self) -> bytes | None:
        """Its result, once it is done (this waits); None when it failed, so that the caller
        does the work itself."""

    def cancel(self) -> None:
        """Stop it: its result is no longer wanted."""


Work = Callable[[], bytes]
Runner = Callable[[Work], Pending | None]
"""Starts work aside, or returns None when it cannot now (one core, threads running)."""


def start_aside(runner: Runner | None, work: Work) -> Pending | None:
    """`work` started by `runner`, if there is one and it can."""
    return runner(work) if runner is not None else None


def result_of(pending: Pending | None, work: Work) -> bytes:
    """The result of `work`: from aside when it was started there and came back, else made here."""
    result = pending.result() if pending is not None else None
    return work() if result is None else result
