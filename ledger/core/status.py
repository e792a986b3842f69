"""The status rules and the report as plain data; reads no file and no clock (dates come in)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from operator import itemgetter

from ledger.core import assessments, staleness
from ledger.core.basis import Basis, basis_of, parties_to_the_process
from ledger.core.counting import Keyed, counted_and_pending, counted_evidence, order_key
from ledger.core.dates import end_day, sort_day
from ledger.core.model import Assessment, Evidence, Ledger, Party, Stance, Term
from ledger.core.rules import Deadline, Status
from ledger.core.select import Choice, in_order, require_known
from ledger.core.words import TermOrder

Grouped = dict[tuple[str, str], dict[str, Keyed]]
"""Each (term, subject)'s current positions: each claimant's latest entry, with its order key."""


@dataclass(frozen=True)
class Obligation:
    """Where one obligor stands on one term: who currently claims compliance, who disputes it."""

    term: Term
    subject: str
    status: Status
    claimed_by: tuple[str, ...]
    disputed_by: tuple[str, ...]
    latest: str | None
    past_due: bool
    """The due day passed before the day judged on, it is not claimed, and it waits on nothing:
    OVERDUE when disputed or contested, past due with no evidence otherwise (`deadline`)."""
    positions: tuple[Evidence, ...] = ()
    waiting_on: tuple[str, ...] = ()
    """Its conditions (terms) that are not claimed for every obligor on the day judged on."""
    late: bool = False
    """Claimed, and every claiming position is dated (from its first day) after the due day."""
    claim_basis: Basis | None = None
    """Whose word the claims rest on (`basis_of`), None when no one claims."""
    dispute_basis: Basis | None = None
    """Whose word the disputes rest on, None when no one disputes."""
    ended: str | None = None
    """The day its agreement ended, when that is on or before the day judged on: the obligation
    is then as it stood that day, and never overdue nor waiting."""
    not_yet_counted: tuple[Evidence, ...] = ()
    """Entries about it whose dated period has begun but which do not count yet on the day
    judged on (`counting.counted_and_pending`)."""
    stale: tuple[Evidence, ...] = ()
    """Positions that no longer count: their dated period ended longer ago than the window."""
    assessment: Assessment | None = None
    """The team's finding shown beside the parties' word (`assessments.finding_for`)."""
    reviewed_by: str | None = None
    """Who approved that finding (None for a draft shown with `--drafts`)."""

    @property
    def on_own_word(self) -> bool:
        """Claimed, or disputed, on the obligor's own word alone."""
        return ((self.status is Status.CLAIMED and self.claim_basis is Basis.OWN)
                or (self.status is Status.DISPUTED and self.dispute_basis is Basis.OWN))

    @property
    def deadline(self) -> Deadline:
        """One word: an ended agreement's obligation is over; a claimed one is done (late or
        not), whatever it waited on."""
        if self.ended is not None:
            return Deadline.ENDED
        if self.status is Status.CLAIMED:
            return Deadline.LATE if self.late else Deadline.NONE
        if self.waiting_on:
            return Deadline.WAITING
        if self.past_due:
            return (Deadline.PAST_DUE if self.status in (Status.NO_EVIDENCE, Status.STALE)
                    else Deadline.OVERDUE)
        return Deadline.NONE

    @property
    def overdue(self) -> bool:
        """Past due, and the latest entries dispute compliance (disputed or contested)."""
        return self.deadline is Deadline.OVERDUE

    @property
    def deadline_word(self) -> str | None:
        """The deadline in the words JSON and CSV give it: None when there is no due day to judge
        by; `due` (not yet due), `met`, `late`, `overdue`, `past due, no evidence`, `waits on`."""
        deadline = self.deadline
        if deadline is not Deadline.NONE:
            return deadline.value.lower()
        if self.term.due is None:
            return None
        return "met" if self.status is Status.CLAIMED else "due"

    @property
    def deadline_text(self) -> str:
        """The deadline as a report words it: `waits on a, b` names the unmet conditions."""
        if self.deadline is Deadline.WAITING:
            return f"{Deadline.WAITING.value} {', '.join(self.waiting_on)}"
        if self.deadline is Deadline.ENDED:
            return f"{Deadline.ENDED.value} {self.ended}"
        return self.deadline.value


@dataclass(frozen=True)
class Counts:
    """What a report counts, by one rule for every format: each status, then the deadlines."""

    statuses: dict[Status, int]
    deadlines: dict[Deadline, int]
    own_word: dict[Status, int]
    """Of each status, how many rest on the obligor's own word alone."""

    @property
    def overdue(self) -> int:
        """Obligations past due and disputed or contested (`Obligation.overdue`)."""
        return self.deadlines[Deadline.OVERDUE]

    @property
    def past_due_no_evidence(self) -> int:
        """Obligations past due with no entry either way: not a finding that a party failed."""
        return self.deadlines[Deadline.PAST_DUE]

    def as_data(self) -> dict[str, int]:
        """The counts as JSON and CSV give them."""
        return {**{status.value: self.statuses[status] for status in Status},
                "overdue": self.overdue, "past_due_no_evidence": self.past_due_no_evidence}


def showing(obligations: Iterable[Obligation]) -> set[str]:
    """What of the rules said only where shown (`rules.Rule.shown_when`) these obligations show."""
    shown: set[str] = set()
    for item in obligations:
        shown |= {name for name, shows in (("stale", item.status is Status.STALE),
                                           ("pending", bool(item.not_yet_counted)),
                                           ("finding", item.assessment is not None),
                                           ("own word", item.on_own_word))
                  if shows}
        shown.add(item.status.value)
        if item.deadline is not Deadline.NONE:
            shown.add(item.deadline.value)
    return shown


def counts_of(obligations: Iterable[Obligation]) -> Counts:
    statuses, deadlines = dict.fromkeys(Status, 0), dict.fromkeys(Deadline, 0)
    own_word = dict.fromkeys(Status, 0)
    for item in obligations:
        statuses[item.status] += 1
        deadlines[item.deadline] += 1
        own_word[item.status] += item.on_own_word
    return Counts(statuses, deadlines, own_word)


@dataclass(frozen=True)
class PartyReport:
    party: Party
    obligations: tuple[Obligation, ...]

    @property
    def counts(self) -> Counts:
        return counts_of(self.obligations)


@dataclass(frozen=True)
class Report:
    title: str
    as_of: date | None
    known_at: date | None
    parties: tuple[PartyReport, ...]
    judged_on: date | None = None
    """The day overdue was judged on: `as_of`, else the day the report was made."""
    sort: TermOrder = TermOrder.ID
    """The `TermOrder` of its terms."""


_KEY, _ENTRY = itemgetter(0), itemgetter(1)


def positions_by_obligation(entries: Iterable[Evidence]) -> Grouped:
    """For each (term, subject), each claimant's latest entry that claims or disputes, with its
    order key: one pass over the entries. An entry that only notes context is left out: it
    never counts."""
    latest: dict[tuple[str, str, str], Keyed] = {}
    for entry in entries:
        if entry.stance is Stance.NOTES:
            continue
        slot, key = (entry.term, entry.subject, entry.claimant), order_key(entry)
        held = latest.get(slot)
        if held is None or key > held[0]:
            latest[slot] = (key, entry)
    grouped: Grouped = defaultdict(dict)
    for (term, subject, claimant), keyed in latest.items():
        grouped[term, subject][claimant] = keyed
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
               parties: frozenset[str], waiting_on: tuple[str, ...] = (),
               stale_before: str | None = None) -> Obligation:
    """The status of `subject` on `term` from each claimant's latest counted entry about it;
    positions about periods that ended before `stale_before` no longer count (`staleness`)."""
    everything = keyed
    keyed, stale = staleness.split(keyed, stale_before)
    positions = {claimant: entry for claimant, (_, entry) in keyed.items()}
    status = Status.STALE if stale and not keyed else status_of(positions)
    in_order = sorted(keyed.values(), key=_KEY)  # by the order keys already made
    latest = (max(everything.values(), key=_KEY)[1].date  # the first of a tie
              if everything else None)
    past_due = (
        term.due is not None
        and end_day(term.due) < reference_day.isoformat()
        and status is not Status.CLAIMED
        and not waiting_on
    )
    claimed_by = tuple(sorted(c for c, e in positions.items() if e.stance is Stance.CLAIMS))
    disputed_by = tuple(sorted(c for c, e in positions.items() if e.stance is Stance.DISPUTES))
    late = (status is Status.CLAIMED and term.due is not None
            and min(sort_day(entry.date) for entry in positions.values()) > end_day(term.due))
    return Obligation(
        term=term,
        subject=subject,
        status=status,
        claimed_by=claimed_by,
        disputed_by=disputed_by,
        latest=latest,
        past_due=past_due,
        positions=tuple(map(_ENTRY, in_order)),
        waiting_on=waiting_on,
        late=late,
        claim_basis=basis_of(claimed_by, subject, parties),
        dispute_basis=basis_of(disputed_by, subject, parties),
        stale=stale,
    )


def ended_by(ledger: Ledger, day: date) -> dict[str, str]:
    """Each agreement that has ended by `day` (as the ledger stands), with the day it ended."""
    text = day.isoformat()
    return {agreement.id: agreement.ended for agreement in ledger.agreements
            if agreement.ended is not None and agreement.ended <= text}


class Judge:
    """Judges obligations on one day, by one rule for every command that shows a status: each
    claimant's latest counted entry (`positions_by_obligation`), conditions, the staleness
    window, entries not yet counted, and agreements that ended by that day, whose obligations
    are judged as they stood on the day each ended (by this same rule, on that day) and are
    never overdue nor waiting after it. `only`: the terms whose entries matter (a term and its
    conditions, for `term show`), None for all."""

    def __init__(self, ledger: Ledger, *, as_of: date | None, today: date,
                 stale_after: int | None = None, counted: list[Evidence] | None = None,
                 only: set[str] | None = None, ends: bool = True, drafts: bool = False) -> None:
        pending: list[Evidence] = []
        if counted is None and as_of is not None:
            counted, pending = counted_and_pending(ledger, as_of)
        elif counted is None:
            counted = counted_evidence(ledger)
        if only is not None:
            counted = [entry for entry in counted if entry.term in only]
            pending = [entry for entry in pending if entry.term in only]
        self._ledger, self._today, self._stale_after = ledger, today, stale_after
        self._only = only
        self.day = as_of or today
        self._grouped = positions_by_obligation(counted)
        self._unmet = unmet_conditions(ledger, self._grouped)
        self._parties = parties_to_the_process(ledger)
        self._windows = staleness.windows(ledger, stale_after)
        self._pending: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        for entry in pending:
            self._pending[entry.term, entry.subject].append(entry)
        self._ended = ended_by(ledger, self.day) if ends else {}
        self._at_end: dict[str, Judge] = {}
        self._drafts = drafts
        self._assessed: dict[tuple[str, str], list[Assessment]] = defaultdict(list)
        for assessment in ledger.assessments:
            self._assessed[assessment.term, assessment.party].append(assessment)
        self._standings = assessments.standings(ledger) if ledger.assessments else {}

    def of(self, term: Term, subject: str) -> Obligation:
        end = self._ended.get(term.agreement)
        if end is not None:
            if end not in self._at_end:
                self._at_end[end] = Judge(self._ledger, as_of=date.fromisoformat(end),
                                          today=self._today, stale_after=self._stale_after,
                                          only=self._only, ends=False, drafts=self._drafts)
            made = self._at_end[end].of(term, subject)
            return replace(made, past_due=False, waiting_on=(), ended=end)
        made = obligation(
            term, subject, self._grouped.get((term.id, subject), {}), reference_day=self.day,
            parties=self._parties, waiting_on=self._unmet(term) if term.conditions else (),
            stale_before=staleness.cutoff(self._windows.get(term.agreement), self.day))
        pending = self._pending.get((term.id, subject))
        if pending:
            made = replace(made, not_yet_counted=tuple(sorted(pending, key=order_key)))
        assessed = self._assessed.get((term.id, subject))
        if assessed:
            shown = assessments.finding_for(assessed, self._standings, day=self.day.isoformat(),
                                            drafts=self._drafts)
            if shown is not None:
                made = replace(made, assessment=shown,
                               reviewed_by=self._standings[shown.id].reviewed_by)
        return made


def obligations_of_term(ledger: Ledger, term: Term, *, as_of: date | None, today: date,
                        stale_after: int | None = None, drafts: bool = False
                        ) -> list[Obligation]:
    judge = Judge(ledger, as_of=as_of, today=today, stale_after=stale_after,
                  only={term.id, *(term.conditions or ())}, drafts=drafts)
    return [judge.of(term, subject) for subject in term.obligors]


def build_report(ledger: Ledger, *, today: date, as_of: date | None = None,
                 known_at: date | None = None, party: Choice = None,
                 category: Choice = None, counted: list[Evidence] | None = None,
                 agreement: Choice = None, stale_after: int | None = None,
                 drafts: bool = False, sort: TermOrder = TermOrder.ID) -> Report:
    """Every party that bears obligations (ledger order), each obligation with its status
    (`Judge`), its terms in the `TermOrder` `sort` names.

    `ledger` is the ledger as it stood (`clocks.snapshot`); `known_at` is only reported. Each
    counted entry is touched once to group it, so the cost grows with the ledger, not with terms
    times entries. Unknown filter values are refused.
    """
    filters = require_known(ledger, party=party, category=category, agreement=agreement)
    parties, categories, agreements = (filters["party"], filters["category"],
                                       filters["agreement"])
    judge = Judge(ledger, as_of=as_of, today=today, stale_after=stale_after, counted=counted,
                  drafts=drafts)
    obligations: dict[str, list[Obligation]] = defaultdict(list)
    for term in in_order(ledger, ledger.terms, sort):
        if (categories and term.category not in categories) or (
                agreements and term.agreement not in agreements):
            continue
        for subject in term.obligors:
            if not parties or subject in parties:
                obligations[subject].append(judge.of(term, subject))
    reports = []
    for known in ledger.parties:
        if known.id not in obligations:
            continue
        reports.append(PartyReport(known, tuple(obligations[known.id])))
    return Report(title=ledger.title, as_of=as_of, known_at=known_at, parties=tuple(reports),
                  judged_on=judge.day, sort=sort)


