"""`ledger report --by`: each party's obligations across periods, as a table with one column per
period, a CSV row per obligation and period, JSON keyed by period, and a page's grid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.core.dates import clock_text
from ledger.core.rules import DEADLINE_WORDS, legend
from ledger.core.status import Obligation, showing
from ledger.render.view import CellValue, Page, Section, View
from ledger.render.views import finding_cell, status_cell

if TYPE_CHECKING:
    from ledger.core.over_time import Grid

NOT_BOUND = "-"
"""A cell where the term did not bind the party at the end of that period."""


def _word(item: Obligation | None) -> str:
    return item.status.value if item is not None else NOT_BOUND


def _finding(item: Obligation | None) -> str | None:
    return item.assessment.finding.value if item is not None and item.assessment else None


def _cell(item: Obligation | None) -> CellValue:
    """A status as the grid's table shows it: the word, and the team's finding after a slash
    (`disputed / violates`), a draft's marked."""
    if item is None:
        return NOT_BOUND
    if item.assessment is None:
        return status_cell(item)
    draft = "" if item.reviewed_by is not None else " (draft)"
    return f"{item.status.value} / {item.assessment.finding.value}{draft}"


def grid_view(grid: Grid) -> View:
    labels = [span.label for span in grid.periods]

    def data() -> dict[str, Any]:
        return {
            "title": grid.title,
            "known_at": clock_text(grid.known_at) if grid.known_at else None,
            "by": grid.by,
            "periods": labels,
            "parties": [
                {"id": party.id, "name": party.name,
                 "obligations": [
                     {"term": row.term.id, "title": row.term.title,
                      "statuses": {label: (item.status.value if item else None)
                                   for label, item in zip(labels, row.cells, strict=True)},
                      "findings": {label: _finding(item)
                                   for label, item in zip(labels, row.cells, strict=True)},
                      "reviewed_by": {label: item.reviewed_by if item else None
                                      for label, item in zip(labels, row.cells, strict=True)}}
                     for row in rows]}
                for party, rows in grid.parties],
        }

    def sections() -> list[Section]:
        """A period's cell is a status, never split: periods that do not fit beside the term go
        under it, each labelled with its period."""
        return [Section(("Term", *labels),
                        [(row.term.id, *map(_cell, row.cells)) for row in rows],
                        title=f"{party.name} ({party.id})", fixed=frozenset(("Term", *labels)),
                        shows_whole="`ledger term show {id}`")
                for party, rows in grid.parties]

    def flat() -> Section:
        return Section(("party", "term", "title", "period", "status", "deadline", "finding",
                        "finding_level", "finding_id", "finding_reviewed_by"),
                       [(party.id, row.term.id, row.term.title, label, _word(item),
                         (item.deadline_word or "") if item else "", _finding(item) or "",
                         str(item.assessment.level) if item and item.assessment
                         and item.assessment.level is not None else "",
                         item.assessment.id if item and item.assessment else "",
                         (item.reviewed_by or "") if item else "")
                        for party, rows in grid.parties for row in rows
                        for label, item in zip(labels, row.cells, strict=True)])

    def page() -> Page:
        """The page's cells show each deadline too, so its legend says what those mean."""
        return Page(legend=legend_of(showing(everything)), grid={
            "periods": labels,
            "parties": [{"name": party.name, "id": party.id, "rows": [
                {"term": row.term.id, "title": row.term.title,
                 "cells": [None if item is None else {
                     "status": item.status.value, "deadline": item.deadline_text,
                     "deadline_kind": item.deadline.name.lower(),
                     "finding": finding_cell(item.assessment, item.reviewed_by)}
                     for item in row.cells]} for row in rows]}
                for party, rows in grid.parties]})

    cells = [item for _, rows in grid.parties for row in rows for item in row.cells]
    everything = [item for item in cells if item is not None]
    marks = [*([f"{NOT_BOUND}: the term did not bind the party then"]
               if len(everything) < len(cells) else []),
             *(["a / b: status a, and b the team's finding for the latest period over by then"]
               if any(item.assessment for item in everything) else [])]
    first, last = grid.periods[0], grid.periods[-1]

    def legend_of(shown: set[str]) -> tuple[str, ...]:
        return (*(["; ".join(marks) + "."] if marks else []),
                *legend("the last day of each period", showing=shown))

    return View(data, sections, flat,
                [] if grid.parties else ["No obligations match: nothing to report."],
                what=f"Status by {grid.by}, {first.label} to {last.label} (each as of the "
                     "period's last day" + (f"; {last.label} as of {last.judged.isoformat()}, "
                                            "not yet over" if last.judged < last.last else "")
                     + ")",
                legend=legend_of(showing(everything) - DEADLINE_WORDS),
                page=page)
