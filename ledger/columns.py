"""The spreadsheet column contract: the columns and flat rows that CSV (and any other
spreadsheet) exports write, and that `ledger ... import` reads back.

An exported list, edited in a spreadsheet, imports back: the export and the import both take
their columns from here, and a list in one cell (aliases, obligors, signatories, conditions) is
written and read with the one separator.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from ledger.core.edits import LIST_SEPARATOR

if TYPE_CHECKING:
    from ledger.core.model import Agreement, Assessment, Evidence, Party, Retraction, Term
    from ledger.core.status import Obligation


def joined(values: Iterable[str]) -> str:
    """A list written in one cell."""
    return LIST_SEPARATOR.join(values)


def split(cell: str) -> list[str]:
    """The items of a list written in one cell, each stripped; empty items dropped."""
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


PARTY_COLUMNS = ("id", "name", "role", "aliases")
TERM_COLUMNS = ("id", "agreement", "article", "title", "category", "obligors", "due", "text",
                "conditions")
AGREEMENT_COLUMNS = ("id", "title", "signed", "signatories", "place", "url", "ended",
                     "stale_after")
EVIDENCE_COLUMNS = ("id", "date", "term", "subject", "claimant", "stance", "summary", "speaker",
                    "quote", "source", "publisher", "url", "source_date", "document", "sha256",
                    "recorded_at", "retracted")
OBLIGATION_COLUMNS = ("party", "term", "title", "category", "status", "claimed_by",
                      "disputed_by", "claim_basis", "dispute_basis", "latest", "due", "overdue",
                      "deadline", "waiting_on", "late", "ended", "stale", "not_yet_counted",
                      "finding", "finding_level", "finding_period", "finding_id",
                      "finding_reviewed_by")


def party_row(party: Party) -> tuple[str, ...]:
    return (party.id, party.name, party.role.value, joined(party.aliases))


def term_row(term: Term) -> tuple[str, ...]:
    return (term.id, term.agreement, term.article or "", term.title, term.category,
            joined(term.obligors), term.due or "", term.text or "",
            joined(term.conditions or ()))


def agreement_row(agreement: Agreement) -> tuple[str, ...]:
    return (agreement.id, agreement.title, agreement.signed or "", joined(agreement.signatories),
            agreement.place or "", agreement.url or "", agreement.ended or "",
            str(agreement.stale_after) if agreement.stale_after else "")


def evidence_row(entry: Evidence, retraction: Retraction | None = None) -> tuple[str, ...]:
    """An entry's values in the order of `EVIDENCE_COLUMNS` (the CSV row of `evidence list`)."""
    source = entry.source
    return (entry.id, entry.date, entry.term, entry.subject, entry.claimant, entry.stance.value,
            entry.summary, entry.speaker or "", entry.quote or "",
            (source.title or "") if source else "", (source.publisher or "") if source else "",
            (source.url or "") if source else "", (source.date or "") if source else "",
            (source.document or "") if source else "", (source.sha256 or "") if source else "",
            entry.recorded_at, yes_no(retraction is not None))


def obligation_row(item: Obligation) -> tuple[str, ...]:
    return (item.subject, item.term.id, item.term.title, item.term.category, item.status.value,
            joined(item.claimed_by), joined(item.disputed_by),
            item.claim_basis.value if item.claim_basis else "",
            item.dispute_basis.value if item.dispute_basis else "", item.latest or "",
            item.term.due or "", yes_no(item.overdue), item.deadline_word or "",
            joined(item.waiting_on),
            yes_no(item.late), item.ended or "", joined(entry.id for entry in item.stale),
            joined(entry.id for entry in item.not_yet_counted),
            *(_finding_columns(item.assessment)), item.reviewed_by or "")


def _finding_columns(assessment: Assessment | None) -> tuple[str, str, str, str]:
    if assessment is None:
        return ("", "", "", "")
    return (assessment.finding.value, "" if assessment.level is None else str(assessment.level),
            assessment.period, assessment.id)


class ImportKind(StrEnum):
    PARTY = "party"
    TERM = "term"
    EVIDENCE = "evidence"


COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.PARTY: PARTY_COLUMNS, ImportKind.TERM: TERM_COLUMNS,
    ImportKind.EVIDENCE: EVIDENCE_COLUMNS,
}
"""What each kind's file may hold: the columns of `ledger ... list --format csv`."""
REQUIRED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.PARTY: ("id", "name"),
    ImportKind.TERM: ("id", "title", "category", "obligors"),
    ImportKind.EVIDENCE: ("term", "claimant", "stance", "date", "summary"),
}
IGNORED = ("recorded_at",)
"""Columns an export writes that an import does not take: a record imported is recorded now
(and an entry's id is derived from that)."""
LISTS = ("aliases", "obligors", "conditions", "subject")
"""The columns whose cell may list several values (`split`): an evidence row's `subject` names
one statement's subjects, an entry each."""

TRIMMED = ("id", "role", "stance", "date", "due", "source_date", "sha256", "term", "subject",
            "claimant", "agreement", "retracted")
"""Columns whose cells are read without surrounding white space (ids, choices, dates)."""
