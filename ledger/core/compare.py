"""What changed between two days: each obligation's standing before and after (`ledger changes`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.core.counting import counted_evidence, order_key
from ledger.core.errors import InvalidValue
from ledger.core.model import Evidence, Ledger, Party, Term
from ledger.core.select import Choice, chosen, require_known
from ledger.core.status import Obligation, PartyReport, build_report, counts_of


@dataclass(frozen=True)
class ObligationChange:
    """One obligation compared on two days: its standing at each (None where it did not exist),
    and the entries that count at the end but not the start (none stops counting: an entry made
    by one day is made by every later day, and a retraction says it never counted)."""

    term: Term
    subject: str
    before: Obligation | None
    after: Obligation | None
    new_evidence: tuple[str, ...]
    amendments: tuple[str, ...]


@dataclass(frozen=True)
class PartyChanges:
    party: Party
    changes: tuple[ObligationChange, ...]
    before_counts: dict[str, int]
    after_counts: dict[str, int]


@dataclass(frozen=True)
class ChangesReport:
    title: str
    since: date
    until: date
    known_at: date | None
    parties: tuple[PartyChanges, ...]


def _counts(report: PartyReport | None) -> dict[str, int]:
    return (report.counts if report else counts_of(())).as_data()


def _entries_by_obligation(counted: list[Evidence]
                           ) -> dict[tuple[str, str], dict[str, Evidence]]:
    grouped: dict[tuple[str, str], dict[str, Evidence]] = defaultdict(dict)
    for entry in counted:
        grouped[entry.term, entry.subject][entry.id] = entry
    return grouped


def _in_order(ids: Iterable[str], entries: dict[str, Evidence]) -> tuple[str, ...]:
    """`ids` in the order of their entries: by date, then recording time (then id, as a set
    of ids has no order of its own)."""
    return tuple(sorted(ids, key=lambda id: (order_key(entries[id]), id)))


def day_before(day: date) -> date:
    """The day before `day`: where a window that starts on `day` is compared from."""
    if day == date.min:
        raise InvalidValue("since", "a window starts after 0001-01-01")
    return day - timedelta(days=1)


def changes_between(before_ledger: Ledger, after_ledger: Ledger, *, since: date, until: date,
                    known_at: date | None = None, party: Choice = None,
                    category: Choice = None, agreement: Choice = None,
                    stale_after: int | None = None, drafts: bool = False) -> ChangesReport:
    """What changed in the window from `since` to `until`, both days included: the report as of
    the day before `since` against the report as of `until`.

    `before_ledger` and `after_ledger` are the ledger as it stood on each of those days, under
    the same `known_at` (`clocks.snapshot`). An obligation is listed when its status, deadline or
    due date differs, or when it gained a counted entry; every party bearing obligations on
    either day is listed, so that its counts at both ends are always there.
    """
    if since > until:
        raise InvalidValue("since", f"{since.isoformat()} is after --until {until.isoformat()}")
    agreements, categories = chosen(agreement), chosen(category)
    either = after_ledger.model_copy(update={"terms": (*before_ledger.terms,
                                                       *after_ledger.terms)})
    require_known(either, party=party, category=categories, agreement=agreements)

    def report_of(ledger: Ledger, day: date, counted: list[Evidence]
                  ) -> dict[str, PartyReport]:
        """A category is the term's on each day: one amended in the window is found by either
        of its names, at the end where it had that name."""
        kept = ledger.model_copy(update={"terms": tuple(
            term for term in ledger.terms
            if (not agreements or term.agreement in agreements)
            and (not categories or term.category in categories))})
        built = build_report(kept, today=day, as_of=day, known_at=known_at, party=party,
                             counted=counted, stale_after=stale_after, drafts=drafts)
        return {entry.party.id: entry for entry in built.parties}

    start = day_before(since)
    counted_at_start = counted_evidence(before_ledger, start)
    counted_at_end = counted_evidence(after_ledger, until)
    before = report_of(before_ledger, start, counted_at_start)
    after = report_of(after_ledger, until, counted_at_end)
    counted_before = _entries_by_obligation(counted_at_start)
    counted_after = _entries_by_obligation(counted_at_end)
    window = [change for change in after_ledger.changes
              if change.of.value in ("term", "agreement") and change.effective is not None
              and since.isoformat() <= change.effective <= until.isoformat()]
    parties = {known.id: known for known in (*before_ledger.parties, *after_ledger.parties)}
    results = []
    for known in after_ledger.parties:
        if known.id not in before and known.id not in after:
            continue
        was = {item.term.id: item for item in (before[known.id].obligations
                                                 if known.id in before else ())}
        now = {item.term.id: item for item in (after[known.id].obligations
                                                 if known.id in after else ())}
        changed = []
        for term_id in dict.fromkeys([*now, *was]):
            old, new = was.get(term_id), now.get(term_id)
            slot = (term_id, known.id)
            gained = _in_order(counted_after[slot].keys() - counted_before[slot].keys(),
                               counted_after[slot])

            def standing(item: Obligation | None) -> tuple[object, ...]:
                return ((item.status, item.deadline, item.term.due, item.waiting_on,
                         item.assessment) if item else (None,))

            if standing(old) == standing(new) and not gained:
                continue
            shown = new or old
            assert shown is not None
            changed.append(ObligationChange(
                term=shown.term, subject=known.id, before=old, after=new, new_evidence=gained,
                amendments=tuple(sorted(
                    change.id for change in window
                    if (change.of.value, change.record) in (("term", term_id),
                                                            ("agreement", shown.term.agreement))
                ))))
        results.append(PartyChanges(parties[known.id], tuple(changed),
                                    _counts(before.get(known.id)), _counts(after.get(known.id))))
    return ChangesReport(after_ledger.title, since, until, known_at, tuple(results))
