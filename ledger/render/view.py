"""A format-neutral description of what a command shows: sections of rows, and the JSON data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Cell:
    """A cell whose text carries a style in the table format (status colours, overdue marks)."""

    text: str
    style: str | None = None

    def __str__(self) -> str:
        return self.text


CellValue = str | Cell


@dataclass(frozen=True)
class Section:
    """A titled table; `fields` sections are one record shown as field/value pairs."""

    columns: tuple[str, ...]
    rows: list[tuple[CellValue, ...]]
    title: str | None = None
    caption: str | None = None
    fields: bool = False
    no_wrap: frozenset[str] = frozenset()


@dataclass(frozen=True)
class View:
    """What a command shows: `data` for JSON, `sections` for table/Markdown, `flat` for CSV."""

    data: Any
    sections: list[Section]
    flat: Section
    notes: list[str] = field(default_factory=list)
    document_sections: list[Section] | None = None
    """Sections for Markdown when they differ from the terminal's (which must fit 80 columns)."""
