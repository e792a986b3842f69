"""What the views of every command share: cells, styles, names for ids, captions, page entries."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from ledger.core.counting import (
    counts_from,
    retracted_ids,
)
from ledger.core.model import (
    Assessment,
    Evidence,
    Ledger,
    Stance,
)
from ledger.core.rules import Deadline, Status
from ledger.core.status import Counts, Obligation
from ledger.core.words import LEVELS
from ledger.render.view import Cell, CellValue, PageEntry, Section

STATUS_STYLES = {
    Status.CLAIMED: "bold green",
    Status.DISPUTED: "bold red",
    Status.CONTESTED: "bold yellow",
    Status.NO_EVIDENCE: "dim",
    Status.STALE: "dim",
}
STANCE_STYLES = {Stance.CLAIMS: "green", Stance.DISPUTES: "red", Stance.NOTES: "blue"}


NOT_RECORDED = "not recorded"
"""What a record made before `recorded_by` existed says of who recorded it."""


def dumped(record: Any) -> dict[str, Any]:
    result: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    return result


class Names:
    def __init__(self, ledger: Ledger) -> None:
        self._names = {party.id: party.name for party in ledger.parties}

    def __call__(self, ids: tuple[str, ...] | list[str]) -> str:
        return ", ".join(self._names.get(party, party) for party in ids)

    def one(self, party: str) -> str:
        return self._names.get(party, party)


OVERDUE_STYLE = "bold magenta"
RETRACTED_STYLE = "dim strike"
FIXED_COLUMNS = frozenset({"Id", "Term", "Date", "Status", "Stance", "Latest", "Due", "Deadline",
                           "Signed", "Role", "Retracted", "Agreement", "Article",
                           "Category", "Recorded", "Kind", "Record", "Change", "Effective"})
NAME_COLUMNS = frozenset({"Subject", "Claimant", "Claimed by", "Disputed by", "Obligor", "Obligors",
                          "Signatories", "Name", "Aliases", "Was", "Now", "Waits on"})


def table_section(columns: tuple[str, ...], rows: list[tuple[CellValue, ...]], **named: Any
             ) -> Section:
    """A table section whose columns fit the width by the kinds of their names."""
    return Section(columns, rows, fixed=FIXED_COLUMNS & set(columns),
                   words=NAME_COLUMNS & set(columns), **named)


OWN_WORD = "own word"
"""Beside a status that rests on the obligor's own word alone (`Obligation.on_own_word`)."""


def status_text(item: Obligation) -> str:
    """The status as a report words it: `claimed (own word)`, `stale since 2015-02` (the date
    of the latest word that no longer counts)."""
    if item.status is Status.STALE:
        return f"{item.status.value} since {item.latest}"
    return f"{item.status.value} ({OWN_WORD})" if item.on_own_word else item.status.value


def status_cell(item: Obligation) -> Cell:
    return Cell(status_text(item), STATUS_STYLES[item.status])


DEADLINE_STYLES = {Deadline.OVERDUE: OVERDUE_STYLE, Deadline.PAST_DUE: "magenta",
                   Deadline.WAITING: "cyan", Deadline.LATE: "yellow", Deadline.ENDED: "dim",
                   Deadline.NONE: ""}


def deadline_cell(item: Obligation) -> Cell:
    """OVERDUE (someone disputes it), past due with no evidence, waiting on a condition, late."""
    return Cell(item.deadline_text, DEADLINE_STYLES[item.deadline])


def obligation_data(item: Obligation) -> dict[str, Any]:
    return {
        "term": item.term.id,
        "title": item.term.title,
        "category": item.term.category,
        "status": item.status.value,
        "claimed_by": list(item.claimed_by),
        "disputed_by": list(item.disputed_by),
        "claim_basis": item.claim_basis.value if item.claim_basis else None,
        "dispute_basis": item.dispute_basis.value if item.dispute_basis else None,
        "latest": item.latest,
        "due": item.term.due,
        "overdue": item.overdue,
        "deadline": item.deadline_word,
        "ended": item.ended,
        "waiting_on": list(item.waiting_on),
        "late": item.late,
        "evidence": sorted(entry.id for entry in item.positions),
        "not_yet_counted": [entry.id for entry in item.not_yet_counted],
        "stale": [entry.id for entry in item.stale],
        "assessment": finding_data(item.assessment, item.reviewed_by),
    }


def _own_word_count(own: int, of: int) -> str:
    if not own:
        return ""
    return ", all on their own word" if own == of else f", {own} of them on their own word"


def counts_caption(counts: Counts) -> str:
    """The statuses counted, then the deadlines: overdue split into disputed-or-contested and
    no evidence either way, so that a count never reads as more failures than anyone claims."""
    parts = [f"{counts.statuses[status]} {status.value}"
             + _own_word_count(counts.own_word[status], counts.statuses[status])
             for status in Status if status is not Status.STALE or counts.statuses[status]]
    parts.append(f"{counts.overdue} overdue")
    if counts.past_due_no_evidence:
        parts.append(f"{counts.past_due_no_evidence} {Deadline.PAST_DUE.value}")
    waiting = counts.deadlines[Deadline.WAITING]
    if waiting:
        parts.append(f"{waiting} waiting on a condition")
    return " · ".join(parts)


def party_legend(ledger: Ledger, shown: Iterable[str]) -> tuple[str, ...]:
    """The names of the parties a table shows by id."""
    wanted = set(shown)
    named = [f"{party.id} = {party.name}" for party in ledger.parties if party.id in wanted]
    return ("Parties: " + "; ".join(named) + ".",) if named else ()


_PAGE_FIELDS = attrgetter("id", "date", "subject", "claimant", "stance", "summary", "speaker",
                          "quote", "source")


def page_entry(entry: Evidence, names: Names, mark: str = "") -> PageEntry:
    """An entry as a published page shows it: names for ids, the source's link and title, and
    its mark when retracted (`_mark`)."""
    id, date, subject, claimant, stance, summary, speaker, quote, source = _PAGE_FIELDS(entry)
    title, publisher, url = ((source.title or source.publisher, source.publisher, source.url)
                             if source else (None, None, None))
    return PageEntry(id, date, names.one(subject), names.one(claimant), stance.value, summary,
                     speaker, quote, title, publisher, url, mark)


def finding_text(assessment: Assessment | None) -> str:
    """A finding as a table cell: `violates`, with its level where one was given
    (`partly, level 2 intermediate`)."""
    if assessment is None:
        return ""
    if assessment.level is None:
        return assessment.finding.value
    return f"{assessment.finding.value}, level {assessment.level} {LEVELS[assessment.level]}"


def finding_cell(assessment: Assessment | None, reviewed_by: str | None) -> str:
    """A finding in a report's table: the finding, its level, its period, and `draft` for one
    not yet approved (shown with `--drafts`)."""
    if assessment is None:
        return ""
    return (f"{finding_text(assessment)} ({assessment.period})"
            + ("" if reviewed_by is not None else ", draft"))


def finding_data(assessment: Assessment | None, reviewed_by: str | None) -> dict[str, Any] | None:
    """A finding as a report's JSON gives it beside the parties' word."""
    if assessment is None:
        return None
    return {"id": assessment.id, "period": assessment.period,
            "finding": assessment.finding.value, "level": assessment.level,
            "rationale": assessment.rationale, "evidence": list(assessment.evidence),
            "by": assessment.recorded_by, "reviewed_by": reviewed_by}


def page_obligation(item: Obligation, names: Names) -> dict[str, Any]:
    return {"anchor": f"o-{item.subject}-{item.term.id}", "party": names.one(item.subject),
            "party_id": item.subject, "term": item.term.id, "title": item.term.title,
            "status": item.status.value, "own_word": OWN_WORD if item.on_own_word else "",
            "overdue": item.overdue, "due": item.term.due, "deadline": item.deadline_text,
            "deadline_kind": item.deadline.name.lower(),
            "latest": item.latest, "claimed_by": names(item.claimed_by),
            "disputed_by": names(item.disputed_by),
            "entries": [page_entry(entry, names) for entry in item.positions],
            "finding": finding_cell(item.assessment, item.reviewed_by),
            "rationale": item.assessment.rationale if item.assessment else "",
            "finding_by": (f"by {item.assessment.recorded_by or NOT_RECORDED}, approved by "
                           f"{item.reviewed_by}" if item.reviewed_by else
                           f"by {item.assessment.recorded_by or NOT_RECORDED}, not yet reviewed")
            if item.assessment else "",
            "cited": ", ".join(item.assessment.evidence) if item.assessment else ""}


def corrections_of(ledger: Ledger, retracted: Iterable[str]) -> dict[str, str | None]:
    """Each of the `retracted` entries with the entry that corrects it (`evidence correct`), or
    None: a correction retracted in its turn corrects nothing. Looked up only for entries shown
    retracted, so a ledger with none to show is not searched."""
    corrected: dict[str, str | None] = dict.fromkeys(retracted)
    if not corrected:
        return corrected
    gone = retracted_ids(ledger)
    for entry in ledger.evidence:
        if entry.corrects in corrected and entry.id not in gone:
            corrected[entry.corrects] = corrected[entry.corrects] or entry.id
    return corrected


def correction_mark(corrected: dict[str, str | None], entry_id: str, *, named: bool = False) -> str:
    """An entry's mark, given `_corrections`: none when it counts; CORRECTED when an entry
    corrects it (on a page, naming that entry); else RETRACTED."""
    if entry_id not in corrected:
        return ""
    corrected_by = corrected[entry_id]
    if corrected_by is None:
        return "RETRACTED"
    return f"CORRECTED by {corrected_by}" if named else "CORRECTED"


def pending_text(item: Obligation) -> str | None:
    """What a report says of the entries not yet counted: `+2 dated 2022-02, count from
    2022-02-28` (each date and day once, in order)."""
    if not item.not_yet_counted:
        return None
    groups: dict[tuple[str, str], int] = {}
    for entry in item.not_yet_counted:
        key = (entry.date, counts_from(entry))
        groups[key] = groups.get(key, 0) + 1
    if item.ended is not None:  # judged as it stood on the end day: they never count
        return "; ".join(f"+{count} dated {dated}, never counted: the agreement ended "
                         f"{item.ended}, before {start}" for (dated, start), count
                         in groups.items())
    return "; ".join(f"+{count} dated {dated}, count from {start}"
                     for (dated, start), count in groups.items())
