"""A format-neutral description of what a command shows: sections of rows, and the JSON data.

A view holds functions that make each format's rows, not the rows themselves: a command prints
one format, and building the others for every entry of a large ledger would cost as much again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

from ledger.core.dates import clock_text


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell whose text carries a style in the table format (status colours, overdue marks)."""

    text: str
    style: str | None = None

    def __str__(self) -> str:
        return self.text


CellValue = str | Cell

ColumnKind = Literal["fixed", "words", "text"]


@dataclass(frozen=True)
class Section:
    """A titled table; `fields` sections are one record shown as field/value pairs.

    How a table fits its columns to the width: a `fixed` column (ids, dates, statuses, flags) is
    never wrapped or cut; a `words` column (names, lists of ids) wraps only between words; every
    other column is free text, which takes the spare width and may move to lines of its own under
    the row. `shows_whole` is the command that shows a text the table had to cut, with `{id}` for
    the row's first cell.
    """

    columns: tuple[str, ...]
    rows: list[tuple[CellValue, ...]]
    title: str | None = None
    caption: str | None = None
    fields: bool = False
    fixed: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    shows_whole: str | None = None

    def kinds(self) -> list[ColumnKind]:
        """Each column's kind, as every format lays it out: `fixed` (never split), `words`
        (wrapped only between words) or `text`."""
        return ["fixed" if column in self.fixed else "words" if column in self.words
                else "text" for column in self.columns]


@dataclass(frozen=True)
class Header:
    """What a printed report is: the ledger, the kind of report, its two clocks, the day made."""

    ledger: str
    what: str
    made_on: date
    as_of: date | None = None
    known_at: date | None = None

    def describe(self) -> str:
        parts = [self.what]
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        if isinstance(self.known_at, datetime):
            parts.append(f"as known at {clock_text(self.known_at)} (recorded by then)")
        elif self.known_at:
            parts.append(f"as known at {self.known_at.isoformat()} (recorded by the end of that "
                         "day, UTC)")
        parts.append(f"made on {self.made_on.isoformat()}")
        return " · ".join(parts)


class PageEntry(NamedTuple):
    """An entry as a published page shows it (`views.page_entry`): names for ids, the source's
    title and link. A tuple, so that the template takes its fields apart in one step."""

    id: str
    date: str
    subject: str
    claimant: str
    stance: str
    summary: str
    speaker: str | None
    quote: str | None
    source: str | None
    publisher: str | None
    url: str | None
    mark: str
    """Empty when the entry counts; else RETRACTED, or CORRECTED by the entry that corrects
    it."""


@dataclass(frozen=True)
class Page:
    """What a published page shows beyond tables: the status of each party on each term (the
    matrix), the entries behind each obligation's status, and the timeline of each term.

    Entries are `PageEntry` tuples; the template escapes every value.
    """

    matrix: dict[str, Any] | None = None
    grid: dict[str, Any] | None = None
    """Each party's obligations across periods (`report --by`)."""
    obligations: list[dict[str, Any]] = field(default_factory=list)
    timelines: list[dict[str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    legend: tuple[str, ...] | None = None
    """The page's own legend, where it shows words the view's tables do not (else theirs)."""


@dataclass(frozen=True)
class View:
    """What a command shows: `data` for JSON, `sections` for tables, `documents` for Markdown and
    HTML when they differ from the terminal's, `flat` for CSV; each made only when printed."""

    data: Callable[[], Any]
    sections: Callable[[], list[Section]]
    flat: Callable[[], Section]
    notes: list[str] = field(default_factory=list)
    documents: Callable[[], list[Section]] | None = None
    what: str = ""
    """The kind of report, for the header: "Compliance report", "Term withdraw"."""
    legend: tuple[str, ...] = ()
    header: Header | None = None
    page: Callable[[], Page] | None = None
    """The HTML page, for the commands that publish one."""

    def document_sections(self) -> list[Section]:
        return (self.documents or self.sections)()
