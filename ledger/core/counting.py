"""Which entries count on a day (not retracted, made by then) and the order they count in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger.core.dates import end_day, recorded_day, sort_day
from ledger.core.model import Evidence, Ledger, Retraction


def order_key(entry: Evidence) -> str:
    """Entries order by the first day of their date, then by when they were recorded.

    One string: the first day is always ten characters, so the two compare as the pair would,
    and a large ledger's entries sort several times faster by a string than by a pair."""
    return sort_day(entry.date) + entry.recorded_at


def retracted_ids(ledger: Ledger) -> set[str]:
    """Ids of retracted entries. A retraction says the entry was wrong, so it never counted, on
    any day; `clocks.snapshot` leaves out those not yet recorded on a `known_at` day."""
    return {retraction.evidence for retraction in ledger.retractions}


def counts_from(entry: Evidence) -> str:
    """The first day an entry counts on (`YYYY-MM-DD`): the day it is certain to have been made,
    the last day of its dated period (`2020-06` on 2020-06-30, `2020` on 2020-12-31), or the day
    it was recorded if that is earlier (a statement cannot be recorded before it is made)."""
    return min(end_day(entry.date), recorded_day(entry.recorded_at))


def made_by(day: date) -> Callable[[Evidence], bool]:
    """Whether an entry is certain to have been made by the end of `day` (`counts_from`)."""
    text = day.isoformat()
    return lambda entry: counts_from(entry) <= text


def counted_and_pending(ledger: Ledger, day: date) -> tuple[list[Evidence], list[Evidence]]:
    """The entries that count on `day` (`counted_evidence`), and, in the same pass, those that
    do not yet though their dated period has begun by then (`2022-02` as of 2022-02-23): each may
    have been made later in its period, so it counts from `counts_from`, and a report says so
    rather than leave it out silently. Retracted entries and notes are never pending: they never
    count."""
    from ledger.core.words import Stance

    text = day.isoformat()
    retracted = retracted_ids(ledger)
    counted: list[Evidence] = []
    pending: list[Evidence] = []
    for entry in ledger.evidence:
        if entry.id in retracted:
            continue
        if counts_from(entry) <= text:
            counted.append(entry)
        elif entry.stance is not Stance.NOTES and sort_day(entry.date) <= text:
            pending.append(entry)
    return counted, pending


def counted_evidence(ledger: Ledger, as_of: date | None = None) -> list[Evidence]:
    """The entries that count: not retracted, and (with `as_of`) made by that day."""
    if as_of is not None:
        return counted_and_pending(ledger, as_of)[0]
    retracted = retracted_ids(ledger)
    return [entry for entry in ledger.evidence if entry.id not in retracted]


Keyed = tuple[str, Evidence]
"""An entry with its order key, computed once."""


def retractions_by_entry(ledger: Ledger) -> dict[str, Retraction]:
    """Each retracted entry's first retraction (two analysts may retract one entry on their own
    branches: the merge keeps both, and the entry is retracted from the first)."""
    retractions: dict[str, Retraction] = {}
    for retraction in ledger.retractions:
        retractions.setdefault(retraction.evidence, retraction)
    return retractions
