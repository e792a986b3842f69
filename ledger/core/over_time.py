"""Status over time (`ledger report --by`): for each period, the report as of its last day, by
the same snapshot and status rules as `report --as-of` (never a second implementation)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from ledger.core import clocks
from ledger.core.errors import InvalidValue
from ledger.core.model import Ledger, Party, Term
from ledger.core.select import Choice, in_order
from ledger.core.status import Obligation, build_report
from ledger.core.words import TermOrder

STEPS = {"year": 12, "quarter": 3, "month": 1}
"""Each grouping and the months in one of its periods."""
MAX_PERIODS = 240
"""More columns than any reader can take in: a window that long is refused, naming it."""


@dataclass(frozen=True)
class Span:
    label: str
    first: date
    last: date
    judged: date
    """The day it is judged on: its last day, or today for the period not yet over (a grid
    shows what is known, never a forecast)."""


@dataclass(frozen=True)
class Row:
    """One obligation across the periods: its standing at the end of each (None where it did
    not bind the party, or the term was not yet recorded)."""

    term: Term
    cells: tuple[Obligation | None, ...]


@dataclass(frozen=True)
class Grid:
    title: str
    known_at: date | None
    by: str
    periods: tuple[Span, ...]
    parties: tuple[tuple[Party, tuple[Row, ...]], ...]


def spans(by: str, since: date, until: date, today: date | None = None) -> list[Span]:
    """The periods of `by` from the one holding `since` to the one holding `until`: `2015`,
    `2015-Q1` or `2015-01`; one not over by `today` is judged on `today`, and one that begins
    after it is refused."""
    months = STEPS[by]
    index = since.year * 12 + (since.month - 1) // months * months
    found: list[Span] = []
    while index <= until.year * 12 + until.month - 1:
        year, month = divmod(index, 12)
        first = date(year, month + 1, 1)
        end_year, end_month = divmod(index + months - 1, 12)
        last = date(end_year, end_month + 1, calendar.monthrange(end_year, end_month + 1)[1])
        label = (f"{year:04d}" if by == "year" else f"{year:04d}-Q{month // 3 + 1}"
                 if by == "quarter" else f"{year:04d}-{month + 1:02d}")
        if today is not None and first > today:
            raise InvalidValue("until", f"{label} begins after today ({today.isoformat()}): a "
                               "grid shows what is known, not a forecast")
        found.append(Span(label, first, last, min(last, today) if today else last))
        if len(found) > MAX_PERIODS:
            raise InvalidValue("since", f"more than {MAX_PERIODS} periods from "
                               f"{since.isoformat()} to {until.isoformat()} by {by}: choose a "
                               "later --since, an earlier --until or a longer --by")
        index += months
    return found


def status_over_time(whole: Ledger, *, by: str, since: date, until: date,
                     known_at: date | None = None, party: Choice = None,
                     category: Choice = None, agreement: Choice = None,
                     stale_after: int | None = None, drafts: bool = False,
                     sort: TermOrder = TermOrder.ID, today: date | None = None) -> Grid:
    """Each obligation's standing at the end of each period: `build_report` as of its last day
    (today for the period not yet over) on the ledger as it stood then (`clocks.snapshot`), as
    known at `known_at`."""
    periods = spans(by, since, until, today)
    reports = []
    for span in periods:
        day = span.judged
        ledger = clocks.snapshot(whole, as_of=day, known_at=known_at, today=day)
        reports.append(build_report(ledger, today=day, as_of=day, known_at=known_at,
                                    party=party, category=category, agreement=agreement,
                                    stale_after=stale_after, drafts=drafts, sort=sort))
    cells: dict[tuple[str, str], list[Obligation | None]] = {}
    terms: dict[str, Term] = {}
    names: dict[str, Party] = {}
    for column, report in enumerate(reports):
        for party_report in report.parties:
            names[party_report.party.id] = party_report.party
            for item in party_report.obligations:
                slot = cells.setdefault((party_report.party.id, item.term.id),
                                        [None] * len(periods))
                slot[column] = item
                terms[item.term.id] = item.term  # the latest version shown
    order = {known.id: position for position, known in enumerate(whole.parties)}
    term_order = {known.id: position  # each term in its latest version shown
                  for position, known in enumerate(in_order(whole, terms.values(), sort))}
    rows: dict[str, list[Row]] = {}
    for (party_id, term_id), slot in sorted(cells.items(), key=lambda item: (
            order.get(item[0][0], 0), term_order.get(item[0][1], 0))):
        rows.setdefault(party_id, []).append(Row(terms[term_id], tuple(slot)))
    return Grid(whole.title, known_at, by, tuple(periods),
                tuple((names[party_id], tuple(found)) for party_id, found in rows.items()))
