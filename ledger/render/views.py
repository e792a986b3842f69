"""Build the View of each command from ledger records and status results."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter
from typing import Any

from ledger.columns import (
    AGREEMENT_COLUMNS,
    EVIDENCE_COLUMNS,
    OBLIGATION_COLUMNS,
    PARTY_COLUMNS,
    TERM_COLUMNS,
    agreement_row,
    evidence_row,
    obligation_row,
    party_row,
    term_row,
)
from ledger.core.clocks import LogLine, Version
from ledger.core.compare import ChangesReport
from ledger.core.counting import retracted_ids
from ledger.core.model import (
    Agreement,
    Evidence,
    Ledger,
    Party,
    Retraction,
    Stance,
    Term,
    retractions_by_entry,
)
from ledger.core.select import latest_of_timelines
from ledger.core.status import Deadline, Obligation, Report, Status, legend
from ledger.render.view import Cell, CellValue, Page, PageEntry, Section, View

STATUS_STYLES = {
    Status.CLAIMED: "bold green",
    Status.DISPUTED: "bold red",
    Status.CONTESTED: "bold yellow",
    Status.NO_EVIDENCE: "dim",
}
STANCE_STYLES = {Stance.CLAIMS: "green", Stance.DISPUTES: "red", Stance.NOTES: "blue"}


def _dump(record: Any) -> dict[str, Any]:
    result: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    return result


class _Names:
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


def _section(columns: tuple[str, ...], rows: list[tuple[CellValue, ...]], **named: Any
             ) -> Section:
    """A table section whose columns fit the width by the kinds of their names."""
    return Section(columns, rows, fixed=FIXED_COLUMNS & set(columns),
                   words=NAME_COLUMNS & set(columns), **named)


def _status(status: Status) -> Cell:
    return Cell(status.value, STATUS_STYLES[status])


DEADLINE_STYLES = {Deadline.OVERDUE: OVERDUE_STYLE, Deadline.PAST_DUE: "magenta",
                   Deadline.WAITING: "cyan", Deadline.LATE: "yellow", Deadline.NONE: ""}


def _deadline(item: Obligation) -> Cell:
    """OVERDUE (someone disputes it), past due with no evidence, waiting on a condition, late."""
    return Cell(item.deadline_text, DEADLINE_STYLES[item.deadline])


def _obligation_data(item: Obligation) -> dict[str, Any]:
    return {
        "term": item.term.id,
        "title": item.term.title,
        "category": item.term.category,
        "status": item.status.value,
        "claimed_by": list(item.claimed_by),
        "disputed_by": list(item.disputed_by),
        "latest": item.latest,
        "due": item.term.due,
        "overdue": item.overdue,
        "waiting_on": list(item.waiting_on),
        "late": item.late,
        "evidence": sorted(entry.id for entry in item.positions),
    }


def _counts_caption(counts: dict[Status, int], obligations: Iterable[Obligation]) -> str:
    """The statuses counted, then the deadlines: overdue split into disputed-or-contested and
    no evidence either way, so that a count never reads as more failures than anyone claims."""
    parts = [f"{counts[status]} {status.value}" for status in Status]
    deadlines = [item.deadline for item in obligations]
    disputed, unknown = deadlines.count(Deadline.OVERDUE), deadlines.count(Deadline.PAST_DUE)
    parts.append(f"{disputed + unknown} overdue"
                 + (f" ({unknown} with no evidence either way)" if unknown else ""))
    waiting = deadlines.count(Deadline.WAITING)
    if waiting:
        parts.append(f"{waiting} waiting on a condition")
    return " · ".join(parts)




def _party_legend(ledger: Ledger, shown: Iterable[str]) -> tuple[str, ...]:
    """The names of the parties a table shows by id."""
    wanted = set(shown)
    named = [f"{party.id} = {party.name}" for party in ledger.parties if party.id in wanted]
    return ("Parties: " + "; ".join(named) + ".",) if named else ()


_PAGE_FIELDS = attrgetter("id", "date", "subject", "claimant", "stance", "summary", "speaker",
                          "quote", "source")


def page_entry(entry: Evidence, names: _Names, mark: str = "") -> PageEntry:
    """An entry as a published page shows it: names for ids, the source's link and title, and
    its mark when retracted (`_mark`)."""
    id, date, subject, claimant, stance, summary, speaker, quote, source = _PAGE_FIELDS(entry)
    title, publisher, url = ((source.title or source.publisher, source.publisher, source.url)
                             if source else (None, None, None))
    return PageEntry(id, date, names.one(subject), names.one(claimant), stance.value, summary,
                     speaker, quote, title, publisher, url, mark)


def _page_obligation(item: Obligation, names: _Names) -> dict[str, Any]:
    return {"anchor": f"o-{item.subject}-{item.term.id}", "party": names.one(item.subject),
            "party_id": item.subject, "term": item.term.id, "title": item.term.title,
            "status": item.status.value, "overdue": item.overdue, "due": item.term.due,
            "deadline": item.deadline_text, "deadline_kind": item.deadline.name.lower(),
            "latest": item.latest, "claimed_by": names(item.claimed_by),
            "disputed_by": names(item.disputed_by),
            "entries": [page_entry(entry, names) for entry in item.positions]}


REPORT_TIMELINE_LIMIT = 10
"""Entries of each term's timeline on a report page: the latest; `term show` shows them all."""


def _page_timelines(ledger: Ledger, terms: list[Term], names: _Names, as_of: date | None,
                    known_at: date | None) -> list[dict[str, Any]]:
    """Each term's latest entries (made by `as_of`), with how many earlier ones `term show`
    would add, and that command under the page's clocks: a report page of a ledger of 100,000
    entries stays one a browser can open."""
    latest = latest_of_timelines(ledger, {term.id for term in terms}, REPORT_TIMELINE_LIMIT,
                                 as_of)
    clocks = "".join(f" --{option} {day.isoformat()}" for option, day
                     in (("as-of", as_of), ("known-at", known_at)) if day is not None)
    shown = {term.id: latest[term.id][1] for term in terms}
    retracted = retractions_by_entry(ledger)
    corrected = _corrections(ledger, (entry.id for entries in shown.values()
                                      for entry in entries if entry.id in retracted))
    return [{"anchor": f"t-{term.id}", "term": term.id, "title": term.title,
             "earlier": latest[term.id][0] - len(shown[term.id]),
             "whole": f"ledger term show {term.id}{clocks} --format html",
             "entries": [page_entry(entry, names, _mark(corrected, entry.id, named=True))
                         for entry in shown[term.id]]}
            for term in terms]


def report_view(report: Report, ledger: Ledger) -> View:
    """`ledger report`: per party, each obligation's status; in tables the claimants by id."""
    names = _Names(ledger)

    def party_title(party: Party) -> str:
        return f"{party.name} ({party.id})"

    def sections() -> list[Section]:
        return [_section(
            ("Term", "Title", "Status", "Due", "Deadline", "Latest", "Claimed by", "Disputed by"),
            [(item.term.id, item.term.title, _status(item.status), item.term.due or "",
              _deadline(item), item.latest or "", ", ".join(item.claimed_by),
              ", ".join(item.disputed_by)) for item in party_report.obligations],
            title=party_title(party_report.party),
            caption=_counts_caption(party_report.counts, party_report.obligations),
            shows_whole="`ledger term show {id}`")
            for party_report in report.parties]

    def documents() -> list[Section]:
        return [Section(
            ("Term", "Title", "Category", "Status", "Claimed by", "Disputed by", "Latest", "Due",
             "Deadline"),
            [(item.term.id, item.term.title, item.term.category, item.status.value,
              names(item.claimed_by), names(item.disputed_by), item.latest or "",
              item.term.due or "", item.deadline_text)
             for item in party_report.obligations],
            title=party_title(party_report.party),
            caption=_counts_caption(party_report.counts, party_report.obligations))
            for party_report in report.parties]

    def data() -> dict[str, Any]:
        return {
            "title": report.title,
            "as_of": report.as_of.isoformat() if report.as_of else None,
            "known_at": report.known_at.isoformat() if report.known_at else None,
            "parties": [
                {
                    "id": party_report.party.id,
                    "name": party_report.party.name,
                    "obligations": [_obligation_data(item)
                                    for item in party_report.obligations],
                    "counts": {**{status.value: party_report.counts[status]
                                  for status in Status},
                               "overdue": sum(item.overdue
                                              for item in party_report.obligations)},
                }
                for party_report in report.parties
            ],
        }

    def flat() -> Section:
        return Section(OBLIGATION_COLUMNS, [obligation_row(item)
                                            for party_report in report.parties
                                            for item in party_report.obligations])

    def page() -> Page:
        bound = {item.term.id for party_report in report.parties
                 for item in party_report.obligations}
        terms = [term for term in ledger.terms if term.id in bound]
        standing = {(item.subject, item.term.id): item for party_report in report.parties
                    for item in party_report.obligations}
        parties = [party_report.party for party_report in report.parties]
        matrix = {
            "parties": [{"id": party.id, "name": party.name} for party in parties],
            "rows": [{"term": term.id, "title": term.title, "anchor": f"t-{term.id}",
                      "cells": [_matrix_cell(standing.get((party.id, term.id)))
                                for party in parties]}
                     for term in terms],
        }
        return Page(matrix=matrix,
                    obligations=[_page_obligation(item, names)
                                 for party_report in report.parties
                                 for item in party_report.obligations],
                    timelines=_page_timelines(ledger, terms, names, report.as_of,
                                              report.known_at))

    claimants = {claimant for party_report in report.parties
                 for item in party_report.obligations
                 for claimant in (*item.claimed_by, *item.disputed_by)}
    notes = [] if report.parties else ["No obligations match: nothing to report."]
    return View(data, sections, flat, notes, documents=documents, what="Compliance report",
                legend=(*_party_legend(ledger, claimants), *legend(report.judged_on)), page=page)


def _matrix_cell(item: Obligation | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"status": item.status.value, "overdue": item.overdue,
            "deadline": item.deadline_text, "deadline_kind": item.deadline.name.lower(),
            "anchor": f"o-{item.subject}-{item.term.id}"}




def parties_view(parties: list[Party]) -> View:

    def rows() -> list[tuple[CellValue, ...]]:
        return [(party.id, party.name, party.role.value, "; ".join(party.aliases))
                for party in parties]

    return View(lambda: [_dump(party) for party in parties],
                lambda: [_section(("Id", "Name", "Role", "Aliases"), rows())],
                lambda: Section(PARTY_COLUMNS, [party_row(party)
                                                        for party in parties]),
                [] if parties else ["No parties yet."], what="Parties")


def agreements_view(agreements: list[Agreement], ledger: Ledger) -> View:
    names = _Names(ledger)

    def rows() -> list[tuple[CellValue, ...]]:
        return [(agreement.id, agreement.title, agreement.signed or "",
                 names(agreement.signatories), agreement.place or "", agreement.url or "")
                for agreement in agreements]

    def flat() -> Section:
        return Section(AGREEMENT_COLUMNS,
                       [agreement_row(agreement) for agreement in agreements])

    return View(lambda: [_dump(agreement) for agreement in agreements],
                lambda: [_section(("Id", "Title", "Signed", "Signatories", "Place", "Url"),
                                  rows())],
                flat, [] if agreements else ["No agreements yet."], what="Agreements")


def terms_view(terms: list[Term], ledger: Ledger) -> View:
    names = _Names(ledger)

    def rows() -> list[tuple[CellValue, ...]]:
        return [(term.id, term.agreement, term.article or "", term.title, term.category,
                 names(term.obligors), term.due or "", ", ".join(term.conditions or ()))
                for term in terms]

    def flat() -> Section:
        return Section(TERM_COLUMNS, [term_row(term) for term in terms])

    return View(
        lambda: [_dump(term) for term in terms],
        lambda: [_section(("Id", "Agreement", "Article", "Title", "Category", "Obligors", "Due",
                           "Waits on"), rows(), shows_whole="`ledger term show {id}`")],
        flat, [] if terms else ["No terms match."], what="Terms")


def _entry_data(entry: Evidence, retraction: Retraction | None) -> dict[str, Any]:
    return {**_dump(entry), "retracted": retraction is not None}




TIMELINE_COLUMNS = ("Id", "Date", "Term", "Stance", "Retracted", "Subject", "Claimant",
                    "Summary")


def _corrections(ledger: Ledger, retracted: Iterable[str]) -> dict[str, str | None]:
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


def _mark(corrected: dict[str, str | None], entry_id: str, *, named: bool = False) -> str:
    """An entry's mark, given `_corrections`: none when it counts; CORRECTED when an entry
    corrects it (on a page, naming that entry); else RETRACTED."""
    if entry_id not in corrected:
        return ""
    corrected_by = corrected[entry_id]
    if corrected_by is None:
        return "RETRACTED"
    return f"CORRECTED by {corrected_by}" if named else "CORRECTED"


RETRACTION_LEGEND = ("RETRACTED: recorded wrong, so it never counts (`ledger evidence show ID` "
                     "gives the reason); CORRECTED: the same, and recorded again as corrected.")


def _evidence_row(entry: Evidence, mark: str, names: _Names) -> tuple[CellValue, ...]:
    if mark:
        return (Cell(entry.id, RETRACTED_STYLE), Cell(entry.date, RETRACTED_STYLE),
                Cell(entry.term, RETRACTED_STYLE), Cell(entry.stance.value, RETRACTED_STYLE),
                Cell(mark, OVERDUE_STYLE), Cell(names.one(entry.subject), RETRACTED_STYLE),
                Cell(names.one(entry.claimant), RETRACTED_STYLE),
                Cell(entry.summary, RETRACTED_STYLE))
    return (entry.id, entry.date, entry.term, Cell(entry.stance.value, STANCE_STYLES[entry.stance]),
            "", names.one(entry.subject), names.one(entry.claimant), entry.summary)


def evidence_list_view(entries: list[Evidence], retractions: dict[str, Retraction],
                       ledger: Ledger) -> View:
    names = _Names(ledger)
    shown_retracted = [entry.id for entry in entries if entry.id in retractions]

    def sections() -> list[Section]:
        corrected = _corrections(ledger, shown_retracted)
        return [_section(TIMELINE_COLUMNS,
                         [_evidence_row(entry, _mark(corrected, entry.id), names)
                          for entry in entries],
                         shows_whole="`ledger evidence show {id}`")]

    return View(
        lambda: [_entry_data(entry, retractions.get(entry.id)) for entry in entries],
        sections,
        lambda: Section(EVIDENCE_COLUMNS,
                        [evidence_row(entry, retractions.get(entry.id))
                         for entry in entries]),
        [] if entries else ["No evidence entries match."], what="Evidence",
        legend=(RETRACTION_LEGEND,) if shown_retracted else ())


def evidence_view(entry: Evidence, retractions: list[Retraction], ledger: Ledger,
                  corrected_by: str | None = None) -> View:
    """One entry in full: its retractions (two, when two analysts each retracted it), the entry
    it corrects and the one correcting it."""
    names = _Names(ledger)
    term = next((known for known in ledger.terms if known.id == entry.term), None)
    pairs: list[tuple[str, CellValue]] = [
        ("id", entry.id),
        ("term", f"{entry.term}: {term.title}" if term else entry.term),
        ("subject", f"{names.one(entry.subject)} ({entry.subject})"),
        ("claimant", f"{names.one(entry.claimant)} ({entry.claimant})"),
        ("stance", Cell(entry.stance.value, STANCE_STYLES[entry.stance])),
        ("date", entry.date),
        ("summary", entry.summary),
    ]
    pairs += [(name, value) for name, value in (("speaker", entry.speaker),
                                                ("quote", entry.quote)) if value]
    if entry.source:
        pairs += [(f"source {name}", value)
                  for name, value in _dump(entry.source).items()]
    pairs.append(("recorded at", entry.recorded_at))
    if entry.corrects:
        pairs.append(("corrects", entry.corrects))
    if corrected_by:
        pairs.append(("corrected by", corrected_by))
    for retraction in retractions:
        pairs += [("retracted", Cell(f"RETRACTED at {retraction.recorded_at}", OVERDUE_STYLE)),
                  ("retraction reason", retraction.reason)]
    rows: list[tuple[CellValue, ...]] = [(name, value) for name, value in pairs]
    data = {**_dump(entry), "retraction": _dump(retractions[0]) if retractions else None,
            "retractions": [_dump(retraction) for retraction in retractions],
            "corrected_by": corrected_by}
    return View(lambda: data,
                lambda: [Section(("field", "value"), rows, fields=True,
                                 shows_whole=f"`ledger evidence show {entry.id} --format json`")],
                lambda: Section(("field", "value"), rows), what="Evidence entry")


def term_view(term: Term, obligations: list[Obligation], timeline: list[Evidence],
              retractions: dict[str, Retraction], ledger: Ledger, judged_on: date,
              versions: list[Version] | None = None, *, as_of: date | None = None,
              known_at: date | None = None) -> View:
    """`term show`: the term, each obligor's status, the timeline of its evidence (without the
    term column: every entry is about this term) and, when asked, its history. Its JSON names
    the clocks it was made under and the day deadlines were judged on, as the report's does."""
    names = _Names(ledger)
    agreement = next((known for known in ledger.agreements if known.id == term.agreement), None)
    pairs: list[tuple[CellValue, ...]] = [
        (name, value) for name, value in (
        ("id", term.id),
        ("agreement", f"{agreement.title} ({term.agreement})" if agreement else term.agreement),
        ("article", term.article or ""),
        ("title", term.title),
        ("category", term.category),
        ("obligors", names(term.obligors)),
        ("due", term.due or ""),
        ("waits on", ", ".join(term.conditions or ())),
        ("text", term.text or ""),
        ) if value
    ]
    status_rows: list[tuple[CellValue, ...]] = [
        (names.one(item.subject), _status(item.status), item.term.due or "", _deadline(item),
         item.latest or "", names(item.claimed_by), names(item.disputed_by))
        for item in obligations
    ]
    corrected = _corrections(ledger, (entry.id for entry in timeline if entry.id in retractions))
    term_column = TIMELINE_COLUMNS.index("Term")
    timeline_rows = [row[:term_column] + row[term_column + 1:] for row in (
        _evidence_row(entry, _mark(corrected, entry.id), names) for entry in timeline)]
    data = {
        "as_of": as_of.isoformat() if as_of else None,
        "known_at": known_at.isoformat() if known_at else None,
        "judged_on": judged_on.isoformat(),
        "term": _dump(term),
        "obligations": [{"subject": item.subject, **_obligation_data(item)}
                        for item in obligations],
        "evidence": [_entry_data(entry, retractions.get(entry.id)) for entry in timeline],
    }
    sections = [
        Section(("field", "value"), pairs, title=f"Term {term.id}", fields=True,
                shows_whole=f"`ledger term show {term.id} --format json`"),
        _section(("Obligor", "Status", "Due", "Deadline", "Latest", "Claimed by", "Disputed by"),
                 status_rows, title="Status by obligor"),
        _section(tuple(column for column in TIMELINE_COLUMNS if column != "Term"),
                 timeline_rows, title="Evidence timeline",
                 caption=None if timeline else "No evidence recorded for this term.",
                 shows_whole="`ledger evidence show {id}`"),
    ]
    if versions is not None:
        section, history = history_section(versions)
        sections.append(section)
        data["history"] = history
    def page() -> Page:
        return Page(obligations=[_page_obligation(item, names) for item in obligations],
                    timelines=[{"anchor": f"t-{term.id}", "term": term.id, "title": term.title,
                                "earlier": 0,
                                "entries": [page_entry(entry, names,
                                                       _mark(corrected, entry.id, named=True))
                                            for entry in timeline]}],
                    sections=[sections[0], *sections[3:]])

    return View(lambda: data, lambda: sections,
                lambda: Section(OBLIGATION_COLUMNS,
                                [obligation_row(item) for item in obligations]),
                what="Term", legend=(*legend(judged_on),
                                     *((RETRACTION_LEGEND,) if corrected else ())),
                page=page)


def log_view(lines: list[LogLine]) -> View:
    """`ledger log`: the audit trail, one row per record or change, in the order recorded.

    The table shows the recording time to the second (the file and the other formats keep it
    to the microsecond) and puts what was recorded before its description.
    """
    def flat_rows() -> list[tuple[CellValue, ...]]:
        return [(line.recorded_at or "", line.kind, line.what, line.record, line.reason,
                 line.description) for line in lines]

    def data() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {"recorded_at": line.recorded_at, "kind": line.kind, "what": line.what,
             "record": line.record, "reason": line.reason or None,
             "description": line.description, "id": line.id}
            for line in lines]
        for line, item in zip(lines, items, strict=True):
            if line.change is not None:
                item.update(effective=line.change.effective, values=_dump(line.change.values),
                            cleared=list(line.change.cleared))
        return items

    def sections() -> list[Section]:
        return [_section(("Recorded", "Kind", "Record", "What and why"), [
            ((line.recorded_at or "version 1")[:19].replace("T", " "), line.kind, line.record,
             line.description + (f" (reason: {line.reason})" if line.reason else ""))
            for line in lines])]

    return View(data, sections,
                lambda: Section(("recorded_at", "kind", "what", "record", "reason",
                                 "description"), flat_rows()),
                [] if lines else ["Nothing recorded in this range."],
                documents=lambda: [Section(("Recorded", "Kind", "What", "Record", "Reason",
                                            "Description"), flat_rows())],
                what="Log", legend=("Recorded: when it was entered in the ledger, in UTC (to "
                                    "the microsecond in the file and in JSON and CSV).",))


def history_section(versions: list[Version]) -> tuple[Section, list[dict[str, Any]]]:
    """A record's history, for `term show` and the like: each version with its effective day (or
    "correction"), recording time and reason."""
    rows: list[tuple[CellValue, ...]] = []
    data: list[dict[str, Any]] = []
    for version in versions:
        change = version.change
        if change is None:
            rows.append(("added", "", version.recorded_at or "(version 1)", ""))
            data.append({"kind": "added", "effective": None, "recorded_at": version.recorded_at,
                         "reason": None, "change": None})
            continue
        when = change.effective or "every day"
        values = ", ".join([*(f"{field}={_listed(getattr(change.values, field))}"
                              for field in sorted(change.values.model_fields_set)),
                            *(f"{field} cleared" for field in change.cleared)])
        rows.append((change.kind.value, when, change.recorded_at, f"{change.reason}: {values}"))
        data.append({"kind": change.kind.value, "effective": change.effective,
                     "recorded_at": change.recorded_at, "reason": change.reason,
                     "change": change.id, "values": _dump(change.values),
                     "cleared": list(change.cleared)})
    return _section(("Change", "Effective", "Recorded", "Reason and values"), rows,
                    title="History"), data


def _listed(value: object) -> str:
    return "; ".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _standing(item: Obligation | None) -> dict[str, Any]:
    if item is None:
        return {"status": None, "overdue": False, "due": None, "waiting_on": [], "late": False}
    return {"status": item.status.value, "overdue": item.overdue, "due": item.term.due,
            "waiting_on": list(item.waiting_on), "late": item.late}


def _was(item: Obligation | None) -> str:
    if item is None:
        return "(not bound)"
    deadline = "past due" if item.deadline is Deadline.PAST_DUE else item.deadline_text
    return item.status.value + (f", {deadline}" if deadline else "") + (
        f", due {item.term.due}" if item.term.due else "")


def _count_changes(before: dict[str, int], after: dict[str, int]) -> str:
    moved = [f"{before[name]} -> {after[name]} {name}" for name in before
             if before[name] != after[name]]
    return "; ".join(moved) if moved else "counts unchanged"


def changes_view(report: ChangesReport, ledger: Ledger) -> View:
    """`ledger changes`: per party, each obligation that changed, was -> now, the entries behind
    the change, and the counts at both ends."""
    names = _Names(ledger)
    evidence = {entry.id: entry for entry in ledger.evidence}

    def entries(ids: tuple[str, ...]) -> str:
        return "\n".join(f"{entry_id} {names.one(evidence[entry_id].claimant)} "
                         f"{evidence[entry_id].stance.value} ({evidence[entry_id].date})"
                         if entry_id in evidence else entry_id for entry_id in ids)

    amended = {change.id: change for change in ledger.changes}

    def amendments(ids: tuple[str, ...]) -> str:
        return "\n".join(f"{change_id} from {amended[change_id].effective}: "
                         f"{amended[change_id].reason}" if change_id in amended else change_id
                         for change_id in ids)

    def sections() -> list[Section]:
        return [_section(
            ("Term", "Title", "Was", "Now", "New entries", "No longer counted", "Amendments"),
            [(change.term.id, change.term.title, _was(change.before), _was(change.after),
              entries(change.new_evidence), entries(change.dropped_evidence),
              amendments(change.amendments))
             for change in party.changes],
            title=f"{party.party.name} ({party.party.id})",
            caption=(_count_changes(party.before_counts, party.after_counts)
                     + ("" if party.changes else "; no obligation changed")))
            for party in report.parties]

    def flat() -> Section:
        columns = ("party", "term", "title", "status_before", "status_after", "overdue_before",
                   "overdue_after", "due_before", "due_after", "waiting_on_before",
                   "waiting_on_after", "late_before", "late_after", "new_evidence",
                   "dropped_evidence", "amendments")

        def row(party: Any, change: Any) -> tuple[CellValue, ...]:
            before, after = _standing(change.before), _standing(change.after)
            return (party.party.id, change.term.id, change.term.title, before["status"] or "",
                    after["status"] or "", "yes" if before["overdue"] else "no",
                    "yes" if after["overdue"] else "no", before["due"] or "",
                    after["due"] or "", ";".join(before["waiting_on"]),
                    ";".join(after["waiting_on"]), "yes" if before["late"] else "no",
                    "yes" if after["late"] else "no", " ".join(change.new_evidence),
                    " ".join(change.dropped_evidence), " ".join(change.amendments))

        return Section(columns, [row(party, change) for party in report.parties
                                 for change in party.changes])

    def data() -> dict[str, Any]:
        return {
            "title": report.title,
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
            "known_at": report.known_at.isoformat() if report.known_at else None,
            "parties": [
                {"id": party.party.id, "name": party.party.name,
                 "changes": [{"term": change.term.id, "title": change.term.title,
                              "before": _standing(change.before),
                              "after": _standing(change.after),
                              "new_evidence": list(change.new_evidence),
                              "dropped_evidence": list(change.dropped_evidence),
                              "amendments": list(change.amendments)}
                             for change in party.changes],
                 "counts": {"before": party.before_counts, "after": party.after_counts}}
                for party in report.parties
            ],
        }

    window = f"from {report.since.isoformat()} to {report.until.isoformat()}"
    notes = [] if report.parties else ["No obligations match: nothing to compare."]
    return View(data, sections, flat, notes, what=f"Changes {window}",
                legend=legend(f"each end of the window ({window})"),
                page=lambda: Page(sections=sections()))
