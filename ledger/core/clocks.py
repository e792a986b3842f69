"""Amendments and corrections: the record in force on a day, as known on a day.

Two clocks, kept apart everywhere:
- `as_of`: the facts as they stood at the end of that day, as the ledger knows them now.
  Amendments effective on or before the day apply; corrections apply to every day.
- `known_at`: only what had been recorded by the end of that day (UTC); records and changes
  recorded later are left out, so a report printed that day can be made again exactly.

A correction fixes the record as it was entered, so it applies under the amendments: a name
corrected from "Nothland" to "Northland" stays corrected after a later renaming takes effect,
and the renaming still takes effect on its day. To fix a mistyped amendment, record another
amendment with the same effective day: of two amendments effective on one day, the one recorded
later wins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypeVar

from ledger.core.counting import retracted_ids
from ledger.core.dates import day_of, recorded_by_then
from ledger.core.model import (
    Agreement,
    Change,
    ChangeKind,
    Evidence,
    Ledger,
    Party,
    RecordKind,
    Term,
)

_Kept = TypeVar("_Kept", Agreement, Party, Term)


def known(recorded_at: str | None, known_at: date | None) -> bool:
    """Whether a record recorded at `recorded_at` (None: a version-1 record, recorded before
    anything else) had been recorded by the end of `known_at` (UTC), or by that moment when it
    is one (`dates.recorded_by_then`)."""
    return known_at is None or recorded_at is None or recorded_by_then(recorded_at, known_at)


def in_order(changes: Iterable[Change]) -> list[Change]:
    """Corrections first (in the order recorded), then amendments by effective day, then by
    recording time."""
    return sorted(changes, key=lambda change: (
        change.kind is ChangeKind.AMENDMENT, change.effective or "", change.recorded_at, change.id))


def applied(changes: Iterable[Change], day: date | None) -> list[Change]:
    """The changes in force on `day` (every one if None), in the order they apply: a later one
    overrides an earlier one's fields."""
    limit = day.isoformat() if day is not None else None
    return [change for change in in_order(changes)
            if not (change.kind is ChangeKind.AMENDMENT and limit is not None
                    and (change.effective or "") > limit)]


def setting(changes: Iterable[Change], field: str, day: date | None = None) -> Change | None:
    """The change whose value of `field` is in force on `day` (every change if None), if any."""
    return next((change for change in reversed(applied(changes, day))
                 if field in change.values.model_fields_set or field in change.cleared), None)


def apply(record: _Kept, changes: Iterable[Change], day: date | None) -> _Kept:
    """`record` with its corrections and the amendments in force on `day` (every one if None)."""
    update: dict[str, object] = {}
    for change in applied(changes, day):
        update.update({field: getattr(change.values, field)
                       for field in change.values.model_fields_set})
        update.update(dict.fromkeys(change.cleared))
    return record.model_copy(update=update) if update else record


def changes_by_record(changes: Iterable[Change]) -> dict[tuple[RecordKind, str], list[Change]]:
    grouped: dict[tuple[RecordKind, str], list[Change]] = defaultdict(list)
    for change in changes:
        grouped[change.of, change.record].append(change)
    return grouped


def snapshot(ledger: Ledger, *, as_of: date | None = None, known_at: date | None = None,
             today: date | None = None) -> Ledger:
    """The ledger as it stood: what was recorded by `known_at`, each agreement, party and term
    in the version in force on `as_of` (else `known_at`, else `today`).

    Evidence entries are kept whatever their date (`status` decides which count on a day);
    retractions and corrections apply whenever they were recorded, as long as they are known.
    """
    if known_at is None and not ledger.changes:
        return ledger
    clock = as_of or known_at or today
    day = day_of(clock) if clock is not None else None
    grouped = changes_by_record(change for change in ledger.changes
                                if known(change.recorded_at, known_at))

    def versions(kind: RecordKind, records: tuple[_Kept, ...]) -> tuple[_Kept, ...]:
        return tuple(apply(record, grouped.get((kind, record.id), ()), day)
                     for record in records if known(record.recorded_at, known_at))

    update: dict[str, tuple[Any, ...]] = {
        "agreements": versions(RecordKind.AGREEMENT, ledger.agreements),
        "parties": versions(RecordKind.PARTY, ledger.parties),
        "terms": versions(RecordKind.TERM, ledger.terms),
    }
    if known_at is not None:  # the lists recorded over time: only what was known by then
        for field in ("evidence", "retractions", "changes", "assessments", "reviews"):
            update[field] = tuple(record for record in getattr(ledger, field)
                                  if recorded_by_then(record.recorded_at, known_at))
    return ledger.model_copy(update=update)


@dataclass(frozen=True)
class Version:
    """One step of a record's history: its first recording, or a change, and the result."""

    change: Change | None
    recorded_at: str | None
    record: Agreement | Party | Term


def history_of(ledger: Ledger, kind: RecordKind, record: _Kept) -> list[Version]:
    """The record as first recorded, then each change in the order recorded, each with the
    version it gives (corrections and amendments recorded so far, as in force after it)."""
    mine: list[Change] = sorted((change for change in ledger.changes
                   if change.of is kind and change.record == record.id),
                  key=lambda change: (change.recorded_at, change.id))
    return [Version(None, record.recorded_at, record), *(
        Version(change, change.recorded_at, apply(record, mine[: number + 1], None))
        for number, change in enumerate(mine))]


def versions_in_force(record: _Kept, changes: list[Change]) -> list[_Kept]:
    """Every version of a record that some day sees: before the first amendment, and from each
    amendment's effective day on."""
    days = sorted({change.effective for change in changes
                   if change.kind is ChangeKind.AMENDMENT and change.effective})
    first = apply(record, [change for change in changes
                           if change.kind is ChangeKind.CORRECTION], None)
    result: list[_Kept] = [first]
    result.extend(apply(record, changes, date.fromisoformat(day)) for day in days)
    return result


def obligors_throughout(term: Term, changes: list[Change], first: date, last: date) -> set[str]:
    """The parties bound by `term` on every day from `first` to `last`: an entry dated over that
    period counts on days when its subject is an obligor, so its subject must be one all along
    (an entry dated `2022-11` counts from 30 November, or from when it was recorded)."""
    days = {first, last} | {date.fromisoformat(change.effective) for change in changes
                            if change.kind is ChangeKind.AMENDMENT and change.effective
                            and first.isoformat() < change.effective <= last.isoformat()}
    bound = [set(apply(term, changes, day).obligors) for day in days]
    return set.intersection(*bound)


def stranded_entries(ledger: Ledger, term_ids: Collection[str] | None = None
                     ) -> list[tuple[int, Evidence, set[str]]]:
    """Each entry that counts (not retracted) whose subject is not an obligor of its term on
    every day of its dated period (`obligors_throughout`), with its position and the parties
    bound all along; only about `term_ids`, when given.

    The command line refuses a change that would strand an entry so, but two copies of a ledger,
    each valid, can merge into one that holds such an entry (one analyst records it while
    another corrects the term's obligors), and so can a hand edit: a report does not count it
    on a day its subject is not bound. Only terms whose obligors a change moved are looked at:
    loading a ledger already found every other entry's subject among its term's obligors.
    """
    from ledger.core.dates import first_day, last_day

    # Only the changes that set obligors move them: the days the others take effect change
    # nothing here, and a term amended a thousand times is looked at by its few such changes.
    moving: dict[str, list[Change]] = {}
    for (kind, record), changes in changes_by_record(ledger.changes).items():
        if kind is RecordKind.TERM and (term_ids is None or record in term_ids):
            setting = [change for change in changes if change.values.obligors]
            if setting:
                moving[record] = setting
    moved = {term.id: (term, moving[term.id]) for term in ledger.terms if term.id in moving}
    if not moved:
        return []
    retracted = retracted_ids(ledger)
    bound_in: dict[tuple[str, str], set[str]] = {}  # by term and date: entries share both
    stranded = []
    for position, entry in enumerate(ledger.evidence):
        if entry.term not in moved or entry.id in retracted:
            continue
        bound = bound_in.get((entry.term, entry.date))
        if bound is None:
            term, changes = moved[entry.term]
            bound = bound_in[entry.term, entry.date] = obligors_throughout(
                term, changes, first_day(entry.date), last_day(entry.date))
        if entry.subject not in bound:
            stranded.append((position, entry, bound))
    return stranded


def why_stranded(entry: Evidence, bound: set[str]) -> str:
    """What is wrong with an entry that `stranded_entries` found."""
    return (f"its subject {entry.subject!r} is not an obligor of term {entry.term!r} throughout "
            f"{entry.date} (bound all along: {', '.join(sorted(bound)) or 'none'})")


def party_names_in_force(ledger: Ledger) -> list[tuple[str, str]]:
    """Each party's id, then every name and alias it has in a version some day sees, as
    (party id, name), in ledger order: the names a party goes by (a name corrected away was
    never in force, and is not one of them)."""
    grouped = changes_by_record(ledger.changes)
    found: list[tuple[str, str]] = []
    for party in ledger.parties:
        names: dict[str, None] = {party.id: None}
        for version in versions_in_force(party, grouped.get((RecordKind.PARTY, party.id), [])):
            names.update(dict.fromkeys((version.name, *version.aliases)))
        found += [(party.id, name) for name in names]
    return found


class LookAlike(NamedTuple):
    """A name of `party` (its id, a name or an alias) that reads like `other_name`, the id or
    a name of the party `other`, which comes before it in the ledger."""

    party: str
    name: str
    other: str
    other_name: str


def lookalike_names(ledger: Ledger) -> list[LookAlike]:
    """Each name of a party (`party_names_in_force`) that reads like a name of another party
    (`lookalike.name_key`): a report would not tell the two apart, and `--party X` would name
    one of them."""
    from ledger.core.lookalike import name_key

    seen: dict[str, tuple[str, str]] = {}
    found: list[LookAlike] = []
    for party, name in party_names_in_force(ledger):
        key = name_key(name)
        other = seen.setdefault(key, (party, name))
        if other[0] != party:
            found.append(LookAlike(party, name, *other))
    return found


def condition_graphs(ledger: Ledger) -> list[dict[str, tuple[str, ...]]]:
    """The conditions of every term as they stand on each day some version of them is in force:
    before any amendment, and from each amendment's effective day on (corrections apply to every
    day, and of two amendments on one day the later recorded wins, as everywhere)."""
    def sets_conditions(change: Change) -> bool:
        return change.of is RecordKind.TERM and (
            change.values.conditions is not None or "conditions" in change.cleared)

    moving = [change for change in ledger.changes if sets_conditions(change)]
    involved = {term.id for term in ledger.terms if term.conditions} | {
        change.record for change in moving}
    if not involved:  # the usual ledger: nothing waits on anything, on any day
        return []
    grouped = changes_by_record(change for change in ledger.changes
                                if change.of is RecordKind.TERM and change.record in involved)
    days = {date.min} | {date.fromisoformat(change.effective) for change in moving
                         if change.kind is ChangeKind.AMENDMENT and change.effective}
    terms = [term for term in ledger.terms if term.id in involved]
    return [{term.id: apply(term, grouped.get((RecordKind.TERM, term.id), ()), day).conditions
             or () for term in terms} for day in sorted(days)]


def _cycle_in(graph: dict[str, tuple[str, ...]], start: str) -> list[str] | None:
    """A chain of conditions from `start` back to `start` (`a, b, a`), or None."""
    path, seen = [start], {start}
    pending = [iter(graph.get(start, ()))]
    while pending:
        following = next(pending[-1], None)
        if following is None:
            pending.pop()
            path.pop()
        elif following == start:
            return [*path, start]
        elif following not in seen:
            seen.add(following)
            path.append(following)
            pending.append(iter(graph.get(following, ())))
    return None


def condition_cycle(ledger: Ledger, through: str | None = None) -> list[str] | None:
    """A chain of terms that waits on itself through their conditions on some day, or None;
    with `through`, only a chain through that term.

    Only versions in force on some day count: a condition corrected away, or an amendment
    overridden by a later one for the same day, forms no cycle.
    """
    for graph in condition_graphs(ledger):
        for start in ([through] if through is not None else list(graph)):
            cycle = _cycle_in(graph, start)
            if cycle is not None:
                return cycle
    return None

