"""Rich tables for people at a terminal; user text goes in as plain Text, never as markup."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ledger.render.text import neutralise
from ledger.render.view import Cell, CellValue, Section, View


def _text(value: CellValue) -> Text:
    if isinstance(value, Cell):
        return Text(neutralise(value.text), style=value.style or "")
    return Text(neutralise(value))


def _word_width(section: Section, index: int) -> int:
    """A width that keeps most words whole (8 to 12), so that wrapping breaks at spaces.

    Twelve at most: the report's columns must still fit in 80 together, or Rich crops the last.
    """
    words = (word for row in section.rows for word in str(row[index]).split())
    return max(8, min(12, max((len(word) for word in words), default=8)))


def _section(section: Section) -> Table:
    title = _text(section.title) if section.title else None
    caption = _text(section.caption) if section.caption else None
    if section.fields:
        table = Table(title=title, caption=caption, show_header=False, box=box.SIMPLE,
                      title_justify="left", caption_justify="left")
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
    else:
        table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, title_justify="left",
                      caption_justify="left", title_style="bold")
        for index, column in enumerate(section.columns):
            short = column in section.no_wrap
            table.add_column(_text(column), overflow="fold", no_wrap=short,
                             min_width=None if short else _word_width(section, index))
    for row in section.rows:
        table.add_row(*(_text(value) for value in row))
    return table


def render(view: View) -> RenderableType:
    parts: list[RenderableType] = [_section(section) for section in view.sections]
    parts += [_text(note) for note in view.notes]
    return Group(*parts)
