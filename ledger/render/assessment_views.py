"""The views of the team's assessments: `assessment list`, `assessment show`, and the finding
as a report shows it beside the parties' word."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.columns import joined
from ledger.render.view import CellValue, Section, View
from ledger.render.views import NOT_RECORDED, Names, dumped, finding_text, table_section

if TYPE_CHECKING:
    from ledger.core.assessments import Standing
    from ledger.core.model import Assessment, Ledger

ASSESSMENT_COLUMNS = ("id", "term", "party", "period", "finding", "level", "state", "by",
                      "reviewed_by", "evidence", "rationale", "corrects", "recorded_at")


def _row(assessment: Assessment, standing: Standing) -> tuple[str, ...]:
    return (assessment.id, assessment.term, assessment.party, assessment.period,
            assessment.finding.value, "" if assessment.level is None else str(assessment.level),
            standing.state, assessment.recorded_by or "", standing.reviewed_by or "",
            joined(assessment.evidence), assessment.rationale, assessment.corrects or "",
            assessment.recorded_at)


def assessments_view(assessments: list[Assessment], standings: dict[str, Standing],
                     ledger: Ledger) -> View:
    """`assessment list`: each assessment, its finding and where it stands."""
    names = Names(ledger)
    rows: list[tuple[CellValue, ...]] = [
        (assessment.id, assessment.term, names.one(assessment.party), assessment.period,
         finding_text(assessment), standings[assessment.id].state,
         assessment.recorded_by or NOT_RECORDED, standings[assessment.id].reviewed_by or "")
        for assessment in assessments]
    return View(lambda: [{**dumped(assessment),
                          "state": standings[assessment.id].state,
                          "reviewed_by": standings[assessment.id].reviewed_by}
                         for assessment in assessments],
                lambda: [table_section(("Id", "Term", "Party", "Period", "Finding", "State",
                                        "By", "Reviewed by"), rows)],
                lambda: Section(ASSESSMENT_COLUMNS, [_row(assessment, standings[assessment.id])
                                                     for assessment in assessments]),
                [] if assessments else ["No assessments match."], what="Assessments")


def assessment_view(assessment: Assessment, standing: Standing, ledger: Ledger) -> View:
    """`assessment show`: the finding in full, the entries it cites and every review."""
    names = Names(ledger)
    entries = {entry.id: entry for entry in ledger.evidence}
    reviews = [review for review in ledger.reviews if review.assessment == assessment.id]
    replaced_by = [other.id for other in ledger.assessments if other.corrects == assessment.id]
    pairs: list[tuple[str, str]] = [
        ("id", assessment.id), ("term", assessment.term),
        ("party", f"{names.one(assessment.party)} ({assessment.party})"),
        ("period", assessment.period), ("finding", finding_text(assessment)),
        ("rationale", assessment.rationale),
        *((f"evidence {entry_id}", f"{names.one(entries[entry_id].claimant)} "
           f"{entries[entry_id].stance.value} ({entries[entry_id].date}): "
           f"{entries[entry_id].summary}" if entry_id in entries else "not in the ledger")
          for entry_id in assessment.evidence),
        ("state", standing.state),
        ("recorded at", assessment.recorded_at),
        ("recorded by", assessment.recorded_by or NOT_RECORDED),
        *((("corrects", assessment.corrects),) if assessment.corrects else ()),
        *((("corrected by", ", ".join(replaced_by)),) if replaced_by else ()),
        *((f"{review.action.value}", f"{review.recorded_at} by "
           f"{review.recorded_by or NOT_RECORDED}: {review.reason}") for review in reviews),
    ]
    data = {**dumped(assessment), "state": standing.state,
            "reviewed_by": standing.reviewed_by,
            "reviews": [dumped(review) for review in reviews], "corrected_by": replaced_by}
    return View(lambda: data,
                lambda: [Section(("field", "value"), list(pairs), fields=True,
                                 shows_whole=f"`ledger assessment show {assessment.id} "
                                             "--format json`")],
                lambda: Section(("field", "value"), list(pairs)), what="Assessment")
