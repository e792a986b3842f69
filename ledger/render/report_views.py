"""The report's view: per-party obligations, counts and legend; the page's matrix and timelines."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.columns import (
    OBLIGATION_COLUMNS,
    obligation_row,
)
from ledger.core.counting import retractions_by_entry
from ledger.core.dates import clock_text
from ledger.core.model import Ledger, Party, Term
from ledger.core.rules import legend
from ledger.core.select import in_order, latest_of_timelines
from ledger.core.status import Obligation, Report, showing
from ledger.render.view import Page, Section, View
from ledger.render.views import (
    OWN_WORD,
    Names,
    correction_mark,
    corrections_of,
    counts_caption,
    deadline_cell,
    finding_cell,
    obligation_data,
    page_entry,
    page_obligation,
    party_legend,
    pending_text,
    status_cell,
    status_text,
    table_section,
)

REPORT_TIMELINE_LIMIT = 10
"""Entries of each term's timeline on a report page: the latest; `term show` shows them all."""


def _page_timelines(ledger: Ledger, terms: list[Term], names: Names, as_of: date | None,
                    known_at: date | None) -> list[dict[str, Any]]:
    """Each term's latest entries (made by `as_of`), with how many earlier ones `term show`
    would add, and that command under the page's clocks: a report page of a ledger of 100,000
    entries stays one a browser can open."""
    latest = latest_of_timelines(ledger, {term.id for term in terms}, REPORT_TIMELINE_LIMIT,
                                 as_of)
    clocks = "".join(f" --{option} {clock_text(day)}" for option, day
                     in (("as-of", as_of), ("known-at", known_at)) if day is not None)
    shown = {term.id: latest[term.id][1] for term in terms}
    retracted = retractions_by_entry(ledger)
    corrected = corrections_of(ledger, (entry.id for entries in shown.values()
                                      for entry in entries if entry.id in retracted))
    return [{"anchor": f"t-{term.id}", "term": term.id, "title": term.title,
             "earlier": latest[term.id][0] - len(shown[term.id]),
             "whole": f"ledger term show {term.id}{clocks} --format html",
             "entries": [page_entry(entry, names, correction_mark(corrected, entry.id, named=True))
                         for entry in shown[term.id]]}
            for term in terms]


def report_view(report: Report, ledger: Ledger) -> View:
    """`ledger report`: per party, each obligation's status; in tables the claimants by id."""
    names = Names(ledger)

    def party_title(party: Party) -> str:
        return f"{party.name} ({party.id})"

    found = any(item.assessment for party_report in report.parties
                for item in party_report.obligations)

    def finding(item: Obligation) -> tuple[str, ...]:
        """The Finding column, where the report has a finding to show."""
        return (finding_cell(item.assessment, item.reviewed_by),) if found else ()

    def sections() -> list[Section]:
        return [table_section(
            ("Term", "Title", "Status", *(("Finding",) if found else ()), "Due", "Deadline",
             "Latest", "Claimed by", "Disputed by"),
            [(item.term.id, item.term.title, status_cell(item), *finding(item),
              item.term.due or "", deadline_cell(item), item.latest or "",
              ", ".join(item.claimed_by), ", ".join(item.disputed_by))
             for item in party_report.obligations],
            title=party_title(party_report.party),
            caption=counts_caption(party_report.counts),
            shows_whole="`ledger term show {id}`")
            for party_report in report.parties]

    def documents() -> list[Section]:
        return [Section(
            ("Term", "Title", "Category", "Status", *(("Finding",) if found else ()),
             "Claimed by", "Disputed by", "Latest", "Due", "Deadline"),
            [(item.term.id, item.term.title, item.term.category, status_text(item),
              *finding(item), names(item.claimed_by), names(item.disputed_by),
              item.latest or "", item.term.due or "", item.deadline_text)
             for item in party_report.obligations],
            title=party_title(party_report.party),
            caption=counts_caption(party_report.counts))
            for party_report in report.parties]

    def data() -> dict[str, Any]:
        return {
            "title": report.title,
            "as_of": report.as_of.isoformat() if report.as_of else None,
            "known_at": clock_text(report.known_at) if report.known_at else None,
            "parties": [
                {
                    "id": party_report.party.id,
                    "name": party_report.party.name,
                    "obligations": [obligation_data(item)
                                    for item in party_report.obligations],
                    "counts": party_report.counts.as_data(),
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
        terms = in_order(ledger, (term for term in ledger.terms if term.id in bound),
                         report.sort)
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
                    obligations=[page_obligation(item, names)
                                 for party_report in report.parties
                                 for item in party_report.obligations],
                    timelines=_page_timelines(ledger, terms, names, report.as_of,
                                              report.known_at))

    claimants = {claimant for party_report in report.parties
                 for item in party_report.obligations
                 for claimant in (*item.claimed_by, *item.disputed_by)}
    notes = [] if report.parties else ["No obligations match: nothing to report."]
    pending = [f"{item.term.id} ({names.one(item.subject)}): {pending_text(item)}"
               for party_report in report.parties for item in party_report.obligations
               if item.not_yet_counted and item.ended is None]
    if pending and report.as_of is not None:
        notes.append(f"Not yet counted as of {report.as_of.isoformat()} (dated in a period that "
                     "has not ended, they may have been made later): " + "; ".join(pending) + ".")
    after_end = [f"{item.term.id} ({names.one(item.subject)}): {pending_text(item)}"
                 for party_report in report.parties for item in party_report.obligations
                 if item.not_yet_counted and item.ended is not None]
    if after_end:
        notes.append("Dated in a period that had not ended when their agreement did, so they "
                     "may have been made after it: " + "; ".join(after_end) + ".")
    return View(data, sections, flat, notes, documents=documents, what="Compliance report",
                legend=(*party_legend(ledger, claimants), *legend(report.judged_on, showing=showing(
                    item for party_report in report.parties
                    for item in party_report.obligations))), page=page)


def _matrix_cell(item: Obligation | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"status": item.status.value, "own_word": OWN_WORD if item.on_own_word else "",
            "overdue": item.overdue, "deadline": item.deadline_text,
            "deadline_kind": item.deadline.name.lower(),
            "anchor": f"o-{item.subject}-{item.term.id}",
            "finding": finding_cell(item.assessment, item.reviewed_by)}
