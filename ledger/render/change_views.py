"""Views of what changed: the audit log, and `ledger changes` between two days."""

from __future__ import annotations

from typing import Any

from ledger.core.compare import ChangesReport
from ledger.core.dates import clock_text
from ledger.core.log import LogLine
from ledger.core.model import (
    Ledger,
)
from ledger.core.rules import Deadline, legend
from ledger.core.status import Obligation, showing
from ledger.render.view import CellValue, Page, Section, View
from ledger.render.views import (
    NOT_RECORDED,
    Names,
    dumped,
    finding_cell,
    finding_data,
    status_text,
    table_section,
)


def log_view(lines: list[LogLine]) -> View:
    """`ledger log`: the audit trail, one row per record or change, in the order recorded.

    The table shows the recording time to the second (the file and the other formats keep it
    to the microsecond) and puts what was recorded before its description.
    """
    def flat_rows() -> list[tuple[CellValue, ...]]:
        return [(line.recorded_at or "", line.by or "", line.kind, line.what, line.record,
                 line.reason, line.description) for line in lines]

    def data() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {"recorded_at": line.recorded_at, "by": line.by, "kind": line.kind,
             "what": line.what,
             "record": line.record, "reason": line.reason or None,
             "description": line.description, "id": line.id}
            for line in lines]
        for line, item in zip(lines, items, strict=True):
            if line.change is not None:
                item.update(effective=line.change.effective, values=dumped(line.change.values),
                            cleared=list(line.change.cleared))
        return items

    def sections() -> list[Section]:
        return [table_section(("Recorded", "Kind", "Record", "What and why", "By"), [
            ((line.recorded_at or "version 1")[:19].replace("T", " "), line.kind, line.record,
             line.description + (f" (reason: {line.reason})" if line.reason else ""),
             line.by or NOT_RECORDED)
            for line in lines])]

    return View(data, sections,
                lambda: Section(("recorded_at", "by", "kind", "what", "record", "reason",
                                 "description"), flat_rows()),
                [] if lines else ["Nothing recorded in this range."],
                documents=lambda: [Section(("Recorded", "By", "Kind", "What", "Record",
                                            "Reason", "Description"), flat_rows())],
                what="Log", legend=("Recorded: when it was entered in the ledger, in UTC (to "
                                    "the microsecond in the file and in JSON and CSV). By: who "
                                    f"recorded it ({NOT_RECORDED}: made before the program kept "
                                    "it).",))


def _standing(item: Obligation | None) -> dict[str, Any]:
    if item is None:
        return {"status": None, "overdue": False, "deadline": None, "due": None,
                "waiting_on": [], "late": False, "ended": None, "assessment": None}
    return {"status": item.status.value, "overdue": item.overdue, "deadline": item.deadline_word,
            "due": item.term.due,
            "waiting_on": list(item.waiting_on), "late": item.late, "ended": item.ended,
            "assessment": finding_data(item.assessment, item.reviewed_by)}


def _was(item: Obligation | None) -> str:
    if item is None:
        return "(not bound)"
    deadline = item.deadline_text
    finding = finding_cell(item.assessment, item.reviewed_by)
    return status_text(item) + (f" · {deadline}" if deadline else "") + (
        f" · due {item.term.due}" if item.term.due else "") + (
        f" · finding {finding}" if finding else "")


_COUNTED = {"past_due_no_evidence": Deadline.PAST_DUE.value}
"""A count's key as the count line words it, where the two differ."""


def _count_changes(before: dict[str, int], after: dict[str, int]) -> str:
    moved = [f"{before[name]} -> {after[name]} {_COUNTED.get(name, name)}" for name in before
             if before[name] != after[name]]
    return "; ".join(moved) if moved else "counts unchanged"


def changes_view(report: ChangesReport, ledger: Ledger) -> View:
    """`ledger changes`: per party, each obligation that changed, was -> now, the entries behind
    the change, and the counts at both ends."""
    names = Names(ledger)
    evidence = {entry.id: entry for entry in ledger.evidence}

    def entries(ids: tuple[str, ...], *, said: bool = False) -> str:
        """Each new entry: id, claimant, stance and date; with `said`, its summary too (the
        page and Markdown, which have the room)."""
        return "\n".join(f"{entry_id} {names.one(evidence[entry_id].claimant)} "
                         f"{evidence[entry_id].stance.value} ({evidence[entry_id].date})"
                         + (f": {evidence[entry_id].summary}" if said else "")
                         if entry_id in evidence else entry_id for entry_id in ids)

    amended = {change.id: change for change in ledger.changes}

    def amendments(ids: tuple[str, ...]) -> str:
        return "\n".join(f"{change_id} from {amended[change_id].effective}: "
                         f"{amended[change_id].reason}" if change_id in amended else change_id
                         for change_id in ids)

    def sections(said: bool = False) -> list[Section]:
        return [table_section(
            ("Term", "Title", "Was", "Now", "New entries", "Amendments"),
            [(change.term.id, change.term.title, _was(change.before), _was(change.after),
              entries(change.new_evidence, said=said), amendments(change.amendments))
             for change in party.changes],
            title=f"{party.party.name} ({party.party.id})",
            caption=(_count_changes(party.before_counts, party.after_counts)
                     + ("" if party.changes else "; no obligation changed")))
            for party in report.parties]

    def flat() -> Section:
        columns = ("party", "term", "title", "status_before", "status_after", "overdue_before",
                   "overdue_after", "deadline_before", "deadline_after", "due_before",
                   "due_after", "waiting_on_before",
                   "waiting_on_after", "late_before", "late_after", "new_evidence",
                   "amendments", "finding_before", "finding_after")

        def row(party: Any, change: Any) -> tuple[CellValue, ...]:
            before, after = _standing(change.before), _standing(change.after)
            return (party.party.id, change.term.id, change.term.title, before["status"] or "",
                    after["status"] or "", "yes" if before["overdue"] else "no",
                    "yes" if after["overdue"] else "no", before["deadline"] or "",
                    after["deadline"] or "", before["due"] or "",
                    after["due"] or "", ";".join(before["waiting_on"]),
                    ";".join(after["waiting_on"]), "yes" if before["late"] else "no",
                    "yes" if after["late"] else "no", " ".join(change.new_evidence),
                    " ".join(change.amendments),
                    finding_cell(change.before.assessment, change.before.reviewed_by)
                    if change.before else "",
                    finding_cell(change.after.assessment, change.after.reviewed_by)
                    if change.after else "")

        return Section(columns, [row(party, change) for party in report.parties
                                 for change in party.changes])

    def data() -> dict[str, Any]:
        return {
            "title": report.title,
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "known_at": clock_text(report.known_at) if report.known_at else None,
            "parties": [
                {"id": party.party.id, "name": party.party.name,
                 "changes": [{"term": change.term.id, "title": change.term.title,
                              "before": _standing(change.before),
                              "after": _standing(change.after),
                              "new_evidence": list(change.new_evidence),
                              "amendments": list(change.amendments)}
                             for change in party.changes],
                 "counts": {"before": party.before_counts, "after": party.after_counts}}
                for party in report.parties
            ],
        }

    window = f"from {report.since.isoformat()} to {report.until.isoformat()}"
    notes = [] if report.parties else ["No obligations match: nothing to compare."]
    return View(data, sections, flat, notes, what=f"Changes {window}",
                legend=legend(f"each end of the window ({window})", showing=showing(
                    item for party in report.parties for change in party.changes
                    for item in (change.before, change.after) if item is not None)),
                documents=lambda: sections(said=True),
                page=lambda: Page(sections=sections(said=True)))
