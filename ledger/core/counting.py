"""Which entries count on a day (not retracted, made by then) and the order they count in."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from operator import add, attrgetter

from ledger.core.dates import last_day, sort_day
from ledger.core.model import Evidence, Ledger, Retraction


def order_key(entry: Evidence) -> str:
    """Entries order by the first day of their date, then by when they were recorded.

    One string: the first day is always ten characters, so the two compare as the pair would,
    and a large ledger's entries sort several times faster by a string than by a pair."""
    return sort_day(entry.date) + entry.recorded_at


def retracted_ids(ledger: Ledger) -> set[str]:
    """Ids of retracted entries. A retraction says the entry was wrong, so it never counted, on
    any day; `history.snapshot` leaves out those not yet recorded on a `known_at` day."""
    return {retraction.evidence for retraction in ledger.retractions}


def made_by(day: date) -> Callable[[Evidence], bool]:
    """Whether an entry is certain to have been made by the end of `day`: its dated period has
    ended (`2020-06` by 2020-06-30, `2020` by 2020-12-31), or it was recorded by then (a
    statement cannot be recorded before it is made).

    A period has ended by `day` when it is at most the last period of its precision that has
    ended: the day itself; its month if `day` is the month's last day, else the month before;
    its year if `day` is 31 December, else the year before. So the test is string comparisons,
    with no date parsed per entry.
    """
    text = day.isoformat()
    month_ended = last_day(text[:7]) == day
    if month_ended:
        months = text[:7]
    elif (day.year, day.month) == (1, 1):
        months = "0000-00"  # no month before January of year 1
    else:
        months = (date(day.year, day.month, 1) - timedelta(days=1)).isoformat()[:7]
    years = text[:4] if (day.month, day.day) == (12, 31) else f"{day.year - 1:04d}"
    ended = {4: years, 7: months, 10: text}

    def test(entry: Evidence) -> bool:
        written = entry.date
        return written <= ended[len(written)] or entry.recorded_at[:10] <= text

    return test


def counted_evidence(ledger: Ledger, as_of: date | None = None) -> list[Evidence]:
    """The entries that count: not retracted, and (with `as_of`) made by that day."""
    retracted = retracted_ids(ledger)
    if as_of is None:
        return [entry for entry in ledger.evidence if entry.id not in retracted]
    made = made_by(as_of)
    return [entry for entry in ledger.evidence if entry.id not in retracted and made(entry)]


_DATE = attrgetter("date")


_RECORDED = attrgetter("recorded_at")


Keyed = tuple[str, Evidence]
"""An entry with its order key, computed once."""


def order_keys(entries: Sequence[Evidence]) -> Iterator[str]:
    """`order_key` of each entry, made in C: a large ledger orders every entry."""
    return map(add, map(sort_day, map(_DATE, entries)), map(_RECORDED, entries))


def retractions_by_entry(ledger: Ledger) -> dict[str, Retraction]:
    """Each retracted entry's first retraction (two analysts may retract one entry on their own
    branches: the merge keeps both, and the entry is retracted from the first)."""
    retractions: dict[str, Retraction] = {}
    for retraction in ledger.retractions:
        retractions.setdefault(retraction.evidence, retraction)
    return retractions
