"""The audit log: every record and change in the order recorded, and what each said."""

from __future__ import annotations

from typing import NamedTuple

from ledger.core.counting import retractions_by_entry
from ledger.core.model import (
    Agreement,
    Change,
    ChangeKind,
    Evidence,
    Ledger,
    Party,
    Stance,
    Term,
)


class LogLine(NamedTuple):
    """One line of `ledger log`: a record or a change, when it was recorded and why (a named
    tuple: a log has a line per entry, and a tuple is the cheapest record to make)."""

    recorded_at: str | None
    kind: str
    """added, amended, corrected or retracted"""
    record: str
    what: str
    """agreement, party, term, evidence or change"""
    reason: str
    description: str
    id: str = ""
    """The id of what this line records: the record's, or the retraction's or change's own."""
    change: Change | None = None
    by: str | None = None
    """Who recorded it (`recorded_by`); None for a record made before the program kept it."""


def log_of(ledger: Ledger) -> list[LogLine]:
    """Every record and change in the order recorded (records of a version-1 file first)."""
    retractions = retractions_by_entry(ledger)
    lines: list[LogLine] = []
    for what, records in (("agreement", ledger.agreements), ("party", ledger.parties),
                          ("term", ledger.terms)):
        lines += [LogLine(record.recorded_at, "added", record.id, what, "",
                          f"{what} {record.id}: {_label(record)}", record.id,
                          by=record.recorded_by)
                  for record in records]
    for entry in ledger.evidence:
        corrected = entry.corrects is not None
        reason = retractions[entry.corrects].reason if entry.corrects in retractions else ""
        lines.append(LogLine(
            entry.recorded_at, "corrected" if corrected else "added", entry.id, "evidence",
            reason, (f"corrects {entry.corrects}: " if corrected else "")
            + f"{assertion(entry)} ({entry.date})", entry.id, by=entry.recorded_by))
    replaced_by = {entry.corrects: entry.id for entry in ledger.evidence if entry.corrects}
    lines += [LogLine(retraction.recorded_at, "retracted", retraction.evidence, "evidence",
                      retraction.reason, f"retraction {retraction.id} of {retraction.evidence}"
                      + (f", replaced by {replaced_by[retraction.evidence]}"
                         if retraction.evidence in replaced_by else ""), retraction.id,
                      by=retraction.recorded_by)
              for retraction in ledger.retractions]
    for change in ledger.changes:
        amended = change.kind is ChangeKind.AMENDMENT
        values = ", ".join(
            [f"{field}={_shown(getattr(change.values, field))}"
             for field in sorted(change.values.model_fields_set)]
            + [f"{field} cleared" for field in change.cleared])
        lines.append(LogLine(
            change.recorded_at, "amended" if amended else "corrected", change.record,
            change.of.value, change.reason,
            f"{change.of.value} {change.record}: {values}"
            + (f" from {change.effective}" if amended else " (every day)")
            + f" [change {change.id}]", change.id, change, change.recorded_by))
    lines += [LogLine(assessment.recorded_at, "corrected" if assessment.corrects else "assessed",
                      assessment.id, "assessment", "",
                      (f"corrects {assessment.corrects}: " if assessment.corrects else "")
                      + f"{assessment.party} {assessment.finding.value} on {assessment.term} "
                      f"for {assessment.period} (a draft until reviewed)", assessment.id,
                      by=assessment.recorded_by)
              for assessment in ledger.assessments]
    lines += [LogLine(review.recorded_at, review.action.value, review.assessment, "assessment",
                      review.reason, f"review {review.id} of assessment {review.assessment}",
                      review.id, by=review.recorded_by)
              for review in ledger.reviews]
    lines.sort(key=lambda line: (line.recorded_at or "", line.record, line.kind))
    return lines


def assertion(entry: Evidence) -> str:
    """What an entry asserts, in words: who claims, disputes or notes what."""
    if entry.stance is Stance.NOTES:
        return (f"{entry.claimant} notes context on whether {entry.subject} complies with "
                f"{entry.term}")
    return f"{entry.claimant} {entry.stance.value} that {entry.subject} complies with {entry.term}"


def _label(record: Agreement | Party | Term) -> str:
    return record.name if isinstance(record, Party) else record.title


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ";".join(map(str, value))
    return str(value)
