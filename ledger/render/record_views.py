"""Views of records: lists of parties, agreements, terms and entries; one entry; one term."""

from __future__ import annotations

from datetime import date
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
from ledger.core.clocks import Version
from ledger.core.counting import retracted_ids
from ledger.core.dates import clock_text
from ledger.core.model import (
    Agreement,
    Evidence,
    Ledger,
    Party,
    Retraction,
    Stance,
    Term,
)
from ledger.core.rules import legend
from ledger.core.status import Obligation, showing
from ledger.render.view import Cell, CellValue, Page, Section, View
from ledger.render.views import (
    NOT_RECORDED,
    OVERDUE_STYLE,
    RETRACTED_STYLE,
    STANCE_STYLES,
    Names,
    correction_mark,
    corrections_of,
    deadline_cell,
    dumped,
    finding_cell,
    obligation_data,
    page_entry,
    page_obligation,
    pending_text,
    status_cell,
    table_section,
)


def parties_view(parties: list[Party]) -> View:

    def rows() -> list[tuple[CellValue, ...]]:
        return [(party.id, party.name, party.role.value, "; ".join(party.aliases))
                for party in parties]

    return View(lambda: [dumped(party) for party in parties],
                lambda: [table_section(("Id", "Name", "Role", "Aliases"), rows())],
                lambda: Section(PARTY_COLUMNS, [party_row(party)
                                                        for party in parties]),
                [] if parties else ["No parties yet."], what="Parties")


def agreements_view(agreements: list[Agreement], ledger: Ledger) -> View:
    names = Names(ledger)

    def rows() -> list[tuple[CellValue, ...]]:
        return [(agreement.id, agreement.title, agreement.signed or "",
                 names(agreement.signatories), agreement.place or "", agreement.url or "",
                 agreement.ended or "",
                 f"{agreement.stale_after} months" if agreement.stale_after else "")
                for agreement in agreements]

    def flat() -> Section:
        return Section(AGREEMENT_COLUMNS,
                       [agreement_row(agreement) for agreement in agreements])

    return View(lambda: [dumped(agreement) for agreement in agreements],
                lambda: [table_section(("Id", "Title", "Signed", "Signatories", "Place", "Url",
                                        "Ended", "Stale after"), rows())],
                flat, [] if agreements else ["No agreements yet."], what="Agreements")


def terms_view(terms: list[Term], ledger: Ledger) -> View:
    names = Names(ledger)

    def rows() -> list[tuple[CellValue, ...]]:
        return [(term.id, term.agreement, term.article or "", term.title, term.category,
                 names(term.obligors), term.due or "", ", ".join(term.conditions or ()))
                for term in terms]

    def flat() -> Section:
        return Section(TERM_COLUMNS, [term_row(term) for term in terms])

    return View(
        lambda: [dumped(term) for term in terms],
        lambda: [table_section(("Id", "Agreement", "Article", "Title", "Category", "Obligors",
                                "Due",
                           "Waits on"), rows(), shows_whole="`ledger term show {id}`")],
        flat, [] if terms else ["No terms match."], what="Terms")


def entry_data(entry: Evidence, retraction: Retraction | None) -> dict[str, Any]:
    return {**dumped(entry), "retracted": retraction is not None}


TIMELINE_COLUMNS = ("Id", "Date", "Term", "Stance", "Retracted", "Subject", "Claimant",
                    "Summary")


def retraction_legend(corrected: dict[str, str | None]) -> tuple[str, ...]:
    """The legend line for the marks of the retracted entries shown (`corrections_of`): each
    mark's words only when a row bears it."""
    marks = {correction_mark(corrected, id) for id in corrected}
    words = [*(["RETRACTED: recorded wrong, so it never counts (`ledger evidence show ID` gives "
                "the reason)"] if "RETRACTED" in marks else []),
             *(["CORRECTED: recorded wrong, and recorded again as corrected (it never counts)"]
               if "CORRECTED" in marks else [])]
    return ("; ".join(words) + ".",) if words else ()


def notes_shown(entries: list[Evidence]) -> set[str]:
    """`{"notes"}` (`rules.Rule.shown_when`) when a list of entries shows one that notes."""
    return {"notes"} if any(entry.stance is Stance.NOTES for entry in entries) else set()


def evidence_table_row(entry: Evidence, mark: str, names: Names) -> tuple[CellValue, ...]:
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
    names = Names(ledger)
    corrected = corrections_of(ledger, [entry.id for entry in entries if entry.id in retractions])

    def sections() -> list[Section]:
        return [table_section(TIMELINE_COLUMNS,
                         [evidence_table_row(entry, correction_mark(corrected, entry.id), names)
                          for entry in entries],
                         shows_whole="`ledger evidence show {id}`")]

    return View(
        lambda: [entry_data(entry, retractions.get(entry.id)) for entry in entries],
        sections,
        lambda: Section(EVIDENCE_COLUMNS,
                        [evidence_row(entry, retractions.get(entry.id))
                         for entry in entries]),
        [] if entries else ["No evidence entries match."], what="Evidence",
        legend=(*retraction_legend(corrected), *legend(None, showing=notes_shown(entries))))


def evidence_view(entry: Evidence, retractions: list[Retraction], ledger: Ledger,
                  corrected_by: list[str] | None = None) -> View:
    """One entry in full: its retractions (two, when two analysts each retracted it), the entry
    it corrects and the one correcting it, and the other entries of the same statement."""
    names = Names(ledger)
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
                  for name, value in dumped(entry.source).items()]
    pairs.append(("recorded at", entry.recorded_at))
    pairs.append(("recorded by", entry.recorded_by or NOT_RECORDED))
    if entry.corrects:
        pairs.append(("corrects", entry.corrects))
    if corrected_by:
        gone = retracted_ids(ledger)
        pairs.append(("corrected by", ", ".join(
            f"{other} (retracted)" if other in gone else other for other in corrected_by)))
    first = entry.statement or entry.id
    together = [other for other in ledger.evidence
                if other.id != entry.id and (other.statement or other.id) == first
                and (other.statement is not None or entry.statement is not None)]
    if together:
        pairs.append(("same statement", ", ".join(f"{other.id} ({names.one(other.subject)})"
                                                  for other in together)))
    for retraction in retractions:
        pairs += [("retracted", Cell(f"RETRACTED at {retraction.recorded_at} by "
                                     f"{retraction.recorded_by or NOT_RECORDED}", OVERDUE_STYLE)),
                  ("retraction reason", retraction.reason)]
    rows: list[tuple[CellValue, ...]] = [(name, value) for name, value in pairs]
    data = {**dumped(entry), "retraction": dumped(retractions[0]) if retractions else None,
            "retractions": [dumped(retraction) for retraction in retractions],
            "corrected_by": corrected_by[0] if corrected_by else None,
            "corrections": list(corrected_by or ()),
            "same_statement": [other.id for other in together]}
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
    names = Names(ledger)
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
    found = any(item.assessment for item in obligations)
    status_rows: list[tuple[CellValue, ...]] = [
        (names.one(item.subject), status_cell(item),
         *((finding_cell(item.assessment, item.reviewed_by),) if found else ()),
         item.term.due or "", deadline_cell(item),
         item.latest or "", names(item.claimed_by), names(item.disputed_by))
        for item in obligations
    ]
    corrected = corrections_of(ledger, (entry.id for entry in timeline if entry.id in retractions))
    term_column = TIMELINE_COLUMNS.index("Term")
    timeline_rows = [row[:term_column] + row[term_column + 1:] for row in (
        evidence_table_row(entry, correction_mark(corrected, entry.id), names)
        for entry in timeline)]
    data = {
        "as_of": as_of.isoformat() if as_of else None,
        "known_at": clock_text(known_at) if known_at else None,
        "judged_on": judged_on.isoformat(),
        "term": dumped(term),
        "obligations": [{"subject": item.subject, **obligation_data(item)}
                        for item in obligations],
        "evidence": [entry_data(entry, retractions.get(entry.id)) for entry in timeline],
    }
    sections = [
        Section(("field", "value"), pairs, title=f"Term {term.id}", fields=True,
                shows_whole=f"`ledger term show {term.id} --format json`"),
        table_section(("Obligor", "Status", *(("Finding",) if found else ()), "Due",
                       "Deadline", "Latest", "Claimed by", "Disputed by"),
                 status_rows, title="Status by obligor", caption="; ".join(
                     f"Not counted for {names.one(item.subject)}: {pending_text(item)}"
                     for item in obligations if item.not_yet_counted) or None),
        table_section(tuple(column for column in TIMELINE_COLUMNS if column != "Term"),
                 timeline_rows, title="Evidence timeline",
                 caption=None if timeline else "No evidence recorded for this term.",
                 shows_whole="`ledger evidence show {id}`"),
    ]
    if versions is not None:
        section, history = history_section(versions)
        sections.append(section)
        data["history"] = history
    def page() -> Page:
        return Page(obligations=[page_obligation(item, names) for item in obligations],
                    timelines=[{"anchor": f"t-{term.id}", "term": term.id, "title": term.title,
                                "earlier": 0,
                                "entries": [page_entry(entry, names,
                                                       correction_mark(corrected, entry.id,
                                                                       named=True))
                                            for entry in timeline]}],
                    sections=[sections[0], *sections[3:]])

    return View(lambda: data, lambda: sections,
                lambda: Section(OBLIGATION_COLUMNS,
                                [obligation_row(item) for item in obligations]),
                what="Term", legend=(*legend(judged_on, showing=showing(obligations)
                                             | notes_shown(timeline)),
                                     *retraction_legend(corrected)),
                page=page)


def history_section(versions: list[Version]) -> tuple[Section, list[dict[str, Any]]]:
    """A record's history, for `term show` and the like: each version with its effective day (or
    "correction"), recording time and reason."""
    rows: list[tuple[CellValue, ...]] = []
    data: list[dict[str, Any]] = []
    previous: Any = None
    for version in versions:
        change = version.change
        before, previous = previous, version.record
        if change is None:
            rows.append(("added", "", version.recorded_at or "(version 1)", ""))
            data.append({"kind": "added", "effective": None, "recorded_at": version.recorded_at,
                         "reason": None, "change": None})
            continue
        when = change.effective or "every day"
        values = ", ".join([*(f"{field} {_was(before, field)}"
                              f"{listed(getattr(change.values, field))}"
                              for field in sorted(change.values.model_fields_set)),
                            *(f"{field} {_was(before, field)}none" for field in change.cleared)])
        rows.append((change.kind.value, when, change.recorded_at, f"{change.reason}: {values}"))
        data.append({"kind": change.kind.value, "effective": change.effective,
                     "recorded_at": change.recorded_at, "reason": change.reason,
                     "change": change.id, "values": dumped(change.values),
                     "cleared": list(change.cleared)})
    return table_section(("Change", "Effective", "Recorded", "Reason and values"), rows,
                    title="History"), data


def _was(before: Any, field: str) -> str:
    """What a field held before a change, as its history row says it (`field old -> new`)."""
    held = getattr(before, field, None) if before is not None else None
    return f"{listed(held)} -> " if held not in (None, ()) else "none -> "


def listed(value: object) -> str:
    return "; ".join(map(str, value)) if isinstance(value, tuple) else str(value)
