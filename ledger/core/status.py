"""The status rules and the report as plain data; reads no file and no clock (dates come in)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import compress
from operator import add, attrgetter, itemgetter

from ledger.core.dates import last_day, sort_day
from ledger.core.errors import InvalidValue
from ledger.core.model import Evidence, Ledger, Party, Stance, Term


class Status(StrEnum):
    CLAIMED = "claimed"
    DISPUTED = "disputed"
    CONTESTED = "contested"
    NO_EVIDENCE = "no-evidence"


STATUS_MEANINGS: dict[Status, str] = {
    Status.CLAIMED: "every claimant's latest entry says the party complies",
    Status.DISPUTED: "every claimant's latest entry says it does not",
    Status.CONTESTED: "claimants disagree",
    Status.NO_EVIDENCE: "no entry claims or disputes it yet",
}
"""What each status word means, for the legend of every report that shows statuses."""


class Deadline(StrEnum):
    """Where an obligation stands against its due day, as a report words it."""

    OVERDUE = "OVERDUE"
    PAST_DUE = "past due, no evidence"
    WAITING = "waits on"
    LATE = "late"
    NONE = ""


def legend(judged_on: date | str | None) -> tuple[str, ...]:
    """The legend of status words, and what overdue means on the day it is judged."""
    words = "; ".join(f"{status.value} = {meaning}" for status, meaning in STATUS_MEANINGS.items())
    day = judged_on.isoformat() if isinstance(judged_on, date) else judged_on
    overdue = ("OVERDUE: the due day passed before " + (day if day else "the day of the report")
               + ", no condition is unmet, and the latest entries dispute compliance (disputed or"
               f" contested); '{Deadline.PAST_DUE.value}': the same with no entry either way, not"
               " a finding that the party failed.")
    others = (f"'{Deadline.WAITING.value} T': T, a term it depends on, is not yet claimed, so it "
              f"is not overdue; '{Deadline.LATE.value}': claimed only by entries dated after the "
              "due day; an entry that notes context never counts.")
    return f"Status words: {words}.", overdue, others


@dataclass(frozen=True)
class Obligation:
    """Where one obligor stands on one term: who currently claims compliance, who disputes it."""

    term: Term
    subject: str
    status: Status
    claimed_by: tuple[str, ...]
    disputed_by: tuple[str, ...]
    latest: str | None
    overdue: bool
    """The due day passed before the day judged on, it is not claimed, and it waits on nothing."""
    positions: tuple[Evidence, ...] = ()
    waiting_on: tuple[str, ...] = ()
    """Its conditions (terms) that are not claimed for every obligor on the day judged on."""
    late: bool = False
    """Claimed, and every claiming position is dated (from its first day) after the due day."""

    @property
    def deadline(self) -> Deadline:
        """One word: a claimed obligation is done (late or not), whatever it waited on."""
        if self.status is Status.CLAIMED:
            return Deadline.LATE if self.late else Deadline.NONE
        if self.waiting_on:
            return Deadline.WAITING
        if self.overdue:
            return Deadline.PAST_DUE if self.status is Status.NO_EVIDENCE else Deadline.OVERDUE
        return Deadline.NONE

    @property
    def deadline_text(self) -> str:
        """The deadline as a report words it: `waits on a, b` names the unmet conditions."""
        if self.deadline is Deadline.WAITING:
            return f"{Deadline.WAITING.value} {', '.join(self.waiting_on)}"
        return self.deadline.value


@dataclass(frozen=True)
class PartyReport:
    party: Party
    obligations: tuple[Obligation, ...]
    counts: dict[Status, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    title: str
    as_of: date | None
    known_at: date | None
    parties: tuple[PartyReport, ...]
    judged_on: date | None = None
    """The day overdue was judged on: `as_of`, else the day the report was made."""


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


_STANCE = attrgetter("stance")
_SLOT = attrgetter("term", "subject", "claimant")
_JOINED = "\0".join
_TERM = attrgetter("term")
_KEY, _ENTRY = itemgetter(0), itemgetter(1)
_TAKES_A_POSITION = frozenset({Stance.CLAIMS, Stance.DISPUTES}).__contains__


def _order_keys(entries: Sequence[Evidence]) -> Iterator[str]:
    """`order_key` of each entry, made in C: a large ledger orders every entry."""
    return map(add, map(sort_day, map(_DATE, entries)), map(_RECORDED, entries))


def positions_by_obligation(entries: Iterable[Evidence]) -> dict[tuple[str, str],
                                                                 dict[str, Keyed]]:
    """For each (term, subject), each claimant's latest entry that claims or disputes: one pass
    over the entries. An entry that only notes context is left out: it never counts."""
    entries = list(entries)
    entries = list(compress(entries, map(_TAKES_A_POSITION, map(_STANCE, entries))))
    latest: dict[str, Keyed] = {}
    held_for = latest.get
    # slot is the entry's term, subject and claimant, made in C as one string (ids hold no NUL):
    # a large dict finds a string about twice as fast as a tuple of three
    slots = map(_JOINED, map(_SLOT, entries))
    for slot, key, entry in zip(slots, _order_keys(entries), entries, strict=True):
        held = held_for(slot)
        if held is None or key > held[0]:
            latest[slot] = (key, entry)
    grouped: dict[tuple[str, str], dict[str, Keyed]] = defaultdict(dict)
    for keyed in latest.values():
        entry = keyed[1]
        grouped[entry.term, entry.subject][entry.claimant] = keyed
    return grouped


def status_of(positions: dict[str, Evidence]) -> Status:
    stances = {entry.stance for entry in positions.values()}
    if not stances:
        return Status.NO_EVIDENCE
    if stances == {Stance.CLAIMS}:
        return Status.CLAIMED
    if stances == {Stance.DISPUTES}:
        return Status.DISPUTED
    return Status.CONTESTED


Grouped = dict[tuple[str, str], dict[str, Keyed]]


def unmet_conditions(ledger: Ledger, grouped: Grouped) -> Callable[[Term], tuple[str, ...]]:
    """A term's conditions that are not met: a condition (another term) is met when it is
    claimed for every one of its obligors, from the same counted entries as the report.

    Whether a condition is met never depends on that term's own conditions, so a cycle cannot
    make the answer undefined (`ledger check` still refuses one). A condition the ledger as it
    stood does not hold is unmet.
    """
    terms = {term.id: term for term in ledger.terms}
    met: dict[str, bool] = {}

    def is_met(term_id: str) -> bool:
        if term_id not in met:
            condition = terms.get(term_id)
            met[term_id] = condition is not None and all(
                status_of({claimant: entry for claimant, (_, entry)
                           in grouped.get((term_id, obligor), {}).items()}) is Status.CLAIMED
                for obligor in condition.obligors)
        return met[term_id]

    def unmet(term: Term) -> tuple[str, ...]:
        return tuple(condition for condition in term.conditions or () if not is_met(condition))

    return unmet


def obligation(term: Term, subject: str, keyed: dict[str, Keyed], *, reference_day: date,
               waiting_on: tuple[str, ...] = ()) -> Obligation:
    """The status of `subject` on `term` from each claimant's latest counted entry about it."""
    positions = {claimant: entry for claimant, (_, entry) in keyed.items()}
    status = status_of(positions)
    in_order = sorted(keyed.values(), key=_KEY)  # by the order keys already made
    latest = max(keyed.values(), key=_KEY)[1].date if keyed else None  # the first of a tie
    overdue = (
        term.due is not None
        and date.fromisoformat(term.due) < reference_day
        and status is not Status.CLAIMED
        and not waiting_on
    )
    late = (status is Status.CLAIMED and term.due is not None
            and min(sort_day(entry.date) for entry in positions.values()) > term.due)
    return Obligation(
        term=term,
        subject=subject,
        status=status,
        claimed_by=tuple(sorted(c for c, e in positions.items() if e.stance is Stance.CLAIMS)),
        disputed_by=tuple(sorted(c for c, e in positions.items() if e.stance is Stance.DISPUTES)),
        latest=latest,
        overdue=overdue,
        positions=tuple(map(_ENTRY, in_order)),
        waiting_on=waiting_on,
        late=late,
    )


def obligations_of_term(ledger: Ledger, term: Term, *, as_of: date | None, today: date
                        ) -> list[Obligation]:
    wanted = {term.id, *(term.conditions or ())}
    grouped = positions_by_obligation(
        entry for entry in counted_evidence(ledger, as_of) if entry.term in wanted
    )
    reference_day = as_of or today
    waiting_on = unmet_conditions(ledger, grouped)(term)
    return [
        obligation(term, subject, grouped.get((term.id, subject), {}),
                   reference_day=reference_day, waiting_on=waiting_on)
        for subject in term.obligors
    ]


Choice = str | Iterable[str] | None
"""A filter: one value, several (any of them matches), or none (everything matches)."""


def chosen(values: Choice) -> frozenset[str]:
    """A filter's values; empty means no filter. One string is one value, not its letters."""
    if values is None:
        return frozenset()
    return frozenset((values,) if isinstance(values, str) else values)


def build_report(ledger: Ledger, *, today: date, as_of: date | None = None,
                 known_at: date | None = None, party: Choice = None,
                 category: Choice = None, counted: list[Evidence] | None = None,
                 agreement: Choice = None) -> Report:
    """Every party that bears obligations (ledger order), each obligation with its status.

    `ledger` is the ledger as it stood (`history.snapshot`); `known_at` is only reported. An
    obligation is overdue if its due day passed before `as_of` (else `today`) unclaimed. Each
    counted entry is touched once to group it, so the cost grows with the ledger, not with terms
    times entries. Unknown filter values are refused.
    """
    parties, categories, agreements = chosen(party), chosen(category), chosen(agreement)
    require_known(ledger, party=parties, category=categories, agreement=agreements)
    if counted is None:
        counted = counted_evidence(ledger, as_of)
    grouped = positions_by_obligation(counted)
    unmet = unmet_conditions(ledger, grouped)
    reference_day = as_of or today
    obligations: dict[str, list[Obligation]] = defaultdict(list)
    for term in ledger.terms:
        if (categories and term.category not in categories) or (
                agreements and term.agreement not in agreements):
            continue
        waiting_on = unmet(term) if term.conditions else ()
        for subject in term.obligors:
            if parties and subject not in parties:
                continue
            obligations[subject].append(obligation(
                term, subject, grouped.get((term.id, subject), {}), reference_day=reference_day,
                waiting_on=waiting_on))
    reports = []
    for known in ledger.parties:
        if known.id not in obligations:
            continue
        counts = dict.fromkeys(Status, 0)
        for item in obligations[known.id]:
            counts[item.status] += 1
        reports.append(PartyReport(known, tuple(obligations[known.id]), counts))
    return Report(title=ledger.title, as_of=as_of, known_at=known_at, parties=tuple(reports),
                  judged_on=reference_day)


@dataclass(frozen=True)
class EvidenceSelection:
    """Filters of `evidence list` (each one value, several, or none); `since`/`until` are days,
    compared with each date's first day."""

    term: Choice = None
    party: Choice = None
    claimant: Choice = None
    stance: Stance | Iterable[Stance] | None = None
    since: date | None = None
    until: date | None = None
    include_retracted: bool = False
    as_of: date | None = None
    """Only entries made by this day (see `made_by`)."""


def select_evidence(ledger: Ledger, selection: EvidenceSelection) -> list[Evidence]:
    """The entries that pass every filter, ordered by date then recording time.

    `party` matches an entry whose subject it is, or whose term binds it. Unknown filter values
    are refused.
    """
    terms, parties, claimants = (chosen(selection.term), chosen(selection.party),
                                 chosen(selection.claimant))
    stances = chosen(selection.stance)  # a Stance is a string
    require_known(ledger, term=terms, party=parties, claimant=claimants)
    obligors = {term.id: term.obligors for term in ledger.terms}
    retracted = set() if selection.include_retracted else retracted_ids(ledger)
    since = selection.since.isoformat() if selection.since else None
    until = selection.until.isoformat() if selection.until else None
    made = made_by(selection.as_of) if selection.as_of else None
    selected = [
        entry for entry in ledger.evidence
        if (not terms or entry.term in terms)
        and (not parties or entry.subject in parties
             or not parties.isdisjoint(obligors[entry.term]))
        and (not claimants or entry.claimant in claimants)
        and (not stances or entry.stance in stances)
        and (since is None or sort_day(entry.date) >= since)
        and (until is None or sort_day(entry.date) <= until)
        and entry.id not in retracted
        and (made is None or made(entry))
    ]
    selected.sort(key=order_key)
    return selected


def require_known(ledger: Ledger, *, party: Choice = None, claimant: Choice = None,
                  term: Choice = None, category: Choice = None, agreement: Choice = None) -> None:
    """Refuse a filter value the ledger does not hold, naming the option and what it holds:
    a filter that silently matched nothing would read as "no evidence"."""
    parties = [known.id for known in ledger.parties]
    known_values = {
        "party": (party, parties, "party"),
        "claimant": (claimant, parties, "party"),
        "term": (term, [known.id for known in ledger.terms], "term"),
        "agreement": (agreement, [known.id for known in ledger.agreements], "agreement"),
    }
    for option, (values, known, kind) in known_values.items():
        for value in sorted(chosen(values)):
            if value not in known:
                raise InvalidValue(option, f"no {kind} {value!r} (known: "
                                   f"{', '.join(known) or 'none'})")
    categories = sorted({known.category for known in ledger.terms})
    for value in sorted(chosen(category)):
        if value not in categories:
            raise InvalidValue("category", f"no term has category {value!r} (categories: "
                               f"{', '.join(categories) or 'none'})")


@dataclass(frozen=True)
class TermSelection:
    """Filters of `term list` (each one value, several, or none): `party` matches the terms it
    is bound by."""

    category: Choice = None
    party: Choice = None
    agreement: Choice = None


def select_terms(ledger: Ledger, selection: TermSelection) -> list[Term]:
    """The terms that pass every filter, in ledger order; unknown filter values are refused."""
    categories, parties, agreements = (chosen(selection.category), chosen(selection.party),
                                       chosen(selection.agreement))
    require_known(ledger, party=parties, category=categories, agreement=agreements)
    return [
        term for term in ledger.terms
        if (not categories or term.category in categories)
        and (not parties or not parties.isdisjoint(term.obligors))
        and (not agreements or term.agreement in agreements)
    ]


def find_term(ledger: Ledger, term_id: str) -> Term:
    term = next((known for known in ledger.terms if known.id == term_id), None)
    if term is None:
        raise InvalidValue("id", f"no term {term_id!r}")
    return term


def timeline_of(ledger: Ledger, term_id: str, as_of: date | None = None) -> list[Evidence]:
    """Every entry about a term, retracted ones too, by date then recording time; with
    `as_of`, only those made by that day (`made_by`), as every other list of entries."""
    return timelines_of(ledger, {term_id}, as_of).get(term_id, [])


def timelines_of(ledger: Ledger, term_ids: set[str], as_of: date | None = None
                 ) -> dict[str, list[Evidence]]:
    """The timeline of each of `term_ids` (as `timeline_of`), in one pass over the evidence."""
    evidence: Sequence[Evidence] = ledger.evidence
    if as_of is not None:
        evidence = list(filter(made_by(as_of), evidence))
    keyed: dict[str, list[Keyed]] = defaultdict(list)
    for term, key, entry in zip(map(_TERM, evidence), _order_keys(evidence), evidence,
                                strict=True):
        if term in term_ids:
            keyed[term].append((key, entry))
    timelines: dict[str, list[Evidence]] = {}
    for term, pairs in keyed.items():
        pairs.sort(key=_KEY)  # stable: entries of one key stay in file order
        timelines[term] = list(map(_ENTRY, pairs))
    return timelines


def latest_of_timelines(ledger: Ledger, term_ids: set[str], count: int,
                        as_of: date | None = None) -> dict[str, tuple[int, list[Evidence]]]:
    """For each of `term_ids`, how many entries its timeline (`timeline_of`) holds and the last
    `count` of them, in its order: every entry's order key sorted once (stably, as
    `timelines_of` sorts), then a walk back from the latest that stops once each term has its
    `count`. What a report page shows of each timeline, without making each one whole."""
    evidence: Sequence[Evidence] = ledger.evidence
    if as_of is not None:
        evidence = list(filter(made_by(as_of), evidence))
    terms = list(map(_TERM, evidence))
    totals = Counter(terms)
    keys = list(_order_keys(evidence))
    latest: dict[str, list[Evidence]] = {term: [] for term in term_ids if totals[term]}
    missing = sum(min(count, totals[term]) for term in latest)
    in_order = sorted(range(len(evidence)), key=keys.__getitem__)
    for index in reversed(in_order):  # not reverse=True: entries of one key stay in file order
        if missing <= 0:
            break
        held = latest.get(terms[index])
        if held is not None and len(held) < count:
            held.append(evidence[index])
            missing -= 1
    return {term: (totals[term], latest.get(term, [])[::-1]) for term in term_ids}


@dataclass(frozen=True)
class ObligationChange:
    """One obligation compared on two days: its standing at each (None where it did not exist),
    the entries that count at the end but not the start, and those that stopped counting."""

    term: Term
    subject: str
    before: Obligation | None
    after: Obligation | None
    new_evidence: tuple[str, ...]
    dropped_evidence: tuple[str, ...]
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
    counts = {status.value: report.counts[status] if report else 0 for status in Status}
    counts["overdue"] = sum(item.overdue for item in report.obligations) if report else 0
    return counts


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


def changes_between(before_ledger: Ledger, after_ledger: Ledger, *, since: date, until: date,
                    known_at: date | None = None, party: Choice = None,
                    category: Choice = None, agreement: Choice = None
                    ) -> ChangesReport:
    """What changed between the report as of `since` and the report as of `until`.

    `before_ledger` and `after_ledger` are the ledger as it stood on each day, under the same
    `known_at` (`history.snapshot`). An obligation is listed when its status, overdue flag or due
    date differs, or when it gained or lost a counted entry; every party bearing obligations on
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
                             counted=counted)
        return {entry.party.id: entry for entry in built.parties}

    counted_at_start = counted_evidence(before_ledger, since)
    counted_at_end = counted_evidence(after_ledger, until)
    before = report_of(before_ledger, since, counted_at_start)
    after = report_of(after_ledger, until, counted_at_end)
    counted_before = _entries_by_obligation(counted_at_start)
    counted_after = _entries_by_obligation(counted_at_end)
    window = [change for change in after_ledger.changes
              if change.of.value == "term" and change.effective is not None
              and since.isoformat() < change.effective <= until.isoformat()]
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
            lost = _in_order(counted_before[slot].keys() - counted_after[slot].keys(),
                             counted_before[slot])

            def standing(item: Obligation | None) -> tuple[object, ...]:
                return ((item.status, item.overdue, item.term.due, item.waiting_on, item.late)
                        if item else (None,))

            if standing(old) == standing(new) and not gained and not lost:
                continue
            shown = new or old
            assert shown is not None
            changed.append(ObligationChange(
                term=shown.term, subject=known.id, before=old, after=new, new_evidence=gained,
                dropped_evidence=lost, amendments=tuple(sorted(
                    change.id for change in window if change.record == term_id))))
        results.append(PartyChanges(parties[known.id], tuple(changed),
                                    _counts(before.get(known.id)), _counts(after.get(known.id))))
    return ChangesReport(after_ledger.title, since, until, known_at, tuple(results))
