"""Tables for people at a terminal: laid out here, styled with Rich's styles.

Rich decides colour, NO_COLOR and the width (`cli.output`) and turns a style into escape codes; the
layout is made here, line by line, because Rich's own Table measures each cell several times and
cost over a millisecond a row (49 s for a list of 10,000 entries). Each cell is measured once
and wrapped once, so the cost is linear in the text, and a very long text is cut with a marker
that names the command showing it whole.

Columns never lose their content: ids, dates, statuses and flags (`Section.fixed`) are never
split; names (`Section.words`) wrap between words; free text takes the spare width and, when too
little is left for it, moves to indented lines of its own under the row. Names, then the
last columns, follow it there, labelled, when the width is too small even for that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

from ledger.render.styles import PLAIN, Styles
from ledger.render.text import neutralise
from ledger.render.view import Cell, CellValue, ColumnKind, Section, View

GAP = "  "
SPAN_INDENT = "    "
HANG = 2
"""Spaces before the lines a labelled value under a row wraps onto (see `wrap`)."""
NAME_LINES = 3
"""A column of names that would take more lines than this beside its row goes under it."""
TEXT_MIN = 32
"""A free-text column narrower than this moves to lines of its own under each row."""
LIST_LIMIT = 400
"""Characters of one cell of a list row; more is cut, with a marker."""
FIELD_LIMIT = 20_000
"""Characters of one field of a record shown whole (`evidence show`); more is cut, with a marker."""
FIELD_VALUE_MIN = 24


ONE_CELL_BELOW = "\u0300"
"""The first combining mark: every character below it takes one cell in a terminal (the
controls, which do not, are neutralised first), so a text with no character from it on is as
wide as it is long."""
_FROM_ONE_CELL_BELOW = re.compile(f"[{ONE_CELL_BELOW}-\U0010ffff]")
"""A character that may not take one cell. Searched for rather than comparing the text's
largest character: `max` makes a string of every character, a search several times slower."""


def one_cell_each(text: str) -> bool:
    """Whether every character of `text` takes one cell (so its width is its length)."""
    return text.isascii() or not _FROM_ONE_CELL_BELOW.search(text)


def width_of(text: str) -> int:
    """Terminal cells `text` takes (wide East Asian characters take two, combining marks none)."""
    return len(text) if one_cell_each(text) else cell_len(text)


def _widest_line(text: str, cap: int) -> int:
    """The widest line of `text`, or `cap` if wider: a table never needs to know more, and
    measuring a long text exactly costs more than the rest of its row."""
    if "\n" not in text:
        return cap if len(text) >= cap else min(cap, width_of(text))
    return max(_widest_line(line, cap) for line in text.split("\n"))


def _widest_cell(texts: list[str], cap: int) -> int:
    """`_widest_line` of a column's cells: measured in C when they are single lines of ASCII
    (ids, dates, statuses), as most columns are."""
    joined = "".join(texts)
    if joined.isascii() and "\n" not in joined:
        return min(max(map(len, texts), default=0), cap)
    return max((_widest_line(text, cap) for text in texts), default=0)


_word_width = lru_cache(maxsize=1 << 16)(width_of)
"""`width_of` a word: the words of a table's texts repeat, and a cached call costs no Python
frame, so that the words of many rows are measured in C. Emptied after each `render`, so that a
program that renders many tables does not keep their words."""


def _widest_word(text: str) -> int:
    words = text.split()
    return max(map(len, words) if text.isascii() else map(_word_width, words), default=0)


def _cut_word(word: str, width: int) -> tuple[str, str]:
    """The start of `word` that fills `width` cells (at least one character), and the rest."""
    if word.isascii():
        return word[:width], word[width:]
    used = 0
    for index, character in enumerate(word):
        used += get_character_cell_size(character)
        if used > width:
            return word[:max(index, 1)], word[max(index, 1):]
    return word, ""


def wrap(text: str, width: int, hang: int = 0) -> list[str]:
    """`text` in lines of at most `width` cells, broken at spaces; a longer word is cut. With
    `hang`, the lines a paragraph wraps onto are indented by that many spaces (as many as leave
    room for a wide character), so that where one paragraph (one item of a list) ends and the
    next begins shows."""
    width = max(width, 1)
    hang = max(0, min(hang, width - 2))  # the lines it wraps onto still hold a wide character
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if len(paragraph) <= width and width_of(paragraph) <= width:
            lines.append(paragraph.rstrip())
            continue
        wrapped = _wrap_words(paragraph.split(), width, width - hang)
        lines += [wrapped[0], *(" " * hang + line for line in wrapped[1:])]
    return lines


def _wrap_words(words: list[str], width: int, later: int) -> list[str]:
    """Words in lines of at most `width` cells, the first line, and `later` cells, the others;
    a word longer than a line is cut."""
    lines: list[str] = []
    line: list[str] = []
    used = -1
    for word in words:
        size = _word_width(word)
        if used + 1 + size <= width:
            line.append(word)
            used += 1 + size
            continue
        if line:
            lines.append(" ".join(line))
            width = later
        while size > width:
            head, word = _cut_word(word, width)
            lines.append(head)
            width = later
            size = width_of(word)
        line, used = [word], size
    lines.append(" ".join(line))
    return lines


def _prepared(value: CellValue, limit: int, shows_whole: str | None = None,
              row_id: CellValue = "") -> tuple[str, str | None]:
    """A cell's text, cut when longer than `limit`, neutralised, and its style."""
    if isinstance(value, Cell):
        text, style = value.text, value.style
    else:
        text, style = value, None
    if len(text) > limit:
        shown = shows_whole.format(id=row_id) if shows_whole else ""
        whole = f"; {shown} shows it whole" if shown else ""
        text = f"{text[:limit]} … [cut at {limit:,} of {len(text):,} characters{whole}]"
    text = neutralise(text)
    if "\t" in text:
        text = text.replace("\t", " ")
    return text, style


def _fits(columns: Sequence[int], minimum: Sequence[int], width: int) -> bool:
    return sum(minimum[index] for index in columns) + len(GAP) * (len(columns) - 1) <= width


def _share(columns: list[int], natural: list[int], widths: list[int], spare: int) -> int:
    """Give `spare` cells to `columns`, evenly, none beyond its natural width (water-filling),
    so that short names stay on one line and the free text takes what is left."""
    wanting = sorted(columns, key=lambda index: natural[index] - widths[index])
    for position, index in enumerate(wanting):
        share = spare // (len(wanting) - position)
        given = min(natural[index] - widths[index], share)
        widths[index] += max(given, 0)
        spare -= max(given, 0)
    return spare


Prepared = list[list[tuple[str, str | None]]]
"""A section's rows, each cell as its text and style (`_prepared`)."""


@dataclass(frozen=True)
class _Layout:
    """Where each column of a table goes, shared by every section of the same columns: the
    columns side by side (`inline`) with their widths, those under each row (`spanning`), the
    free text shown unlabelled there (`main`), and those left out as empty in every row."""

    inline: list[int]
    widths: list[int]
    spanning: list[int]
    main: int | None


Shape = tuple[tuple[str, ...], frozenset[str], frozenset[str]]
"""A table's columns and which are fixed and which are names: sections of one shape share a
layout."""


def _shape(section: Section) -> Shape:
    return section.columns, section.fixed, section.words


def _prepared_rows(section: Section) -> Prepared:
    return [[_prepared(value, LIST_LIMIT, section.shows_whole, row[0]) for value in row]
            for row in section.rows]


def _layout(section: Section, rows: Prepared, width: int) -> _Layout:
    """The layout of `rows`, which may be those of several sections of the same columns, so
    that one report keeps one layout from party to party. A column empty in every row is left
    out (a Retracted column when nothing is)."""
    kinds = section.kinds()
    count = len(section.columns)
    shown = [index for index in range(count) if any(row[index][0] for row in rows)] or [0]
    headers = [neutralise(column) for column in section.columns]
    natural = [max(max(map(width_of, headers[index].split("\n"))),
                   _widest_cell([row[index][0] for row in rows], width))
               for index in range(count)]
    header_words = [_widest_word(header) for header in headers]
    minimum = []
    for index, kind in enumerate(kinds):
        if kind == "fixed":
            minimum.append(natural[index])
        elif kind == "words":
            minimum.append(max(header_words[index],
                               _widest_word("\n".join(row[index][0] for row in rows))))
        else:
            minimum.append(max(header_words[index], min(natural[index], TEXT_MIN)))
    inline = list(shown)
    # Free text stays in the row only if names still fit on one line beside it.
    roomy = [natural[index] if kind == "words" else minimum[index]
             for index, kind in enumerate(kinds)]
    if not _fits(inline, roomy, width):
        inline = [index for index in inline if kinds[index] != "text"]
    if not _fits(inline, minimum, width):  # names go under the row, but the row's own name
        inline = [index for index in inline if kinds[index] != "words" or index == shown[0]]
    while len(inline) > 1 and not _fits(inline, minimum, width):
        inline.pop()  # the last fixed columns move under the row, labelled

    def widths_of(inline: list[int]) -> list[int]:
        widths = list(minimum)
        spare = width - sum(minimum[index] for index in inline) - len(GAP) * (len(inline) - 1)
        for kind in ("words", "text"):  # names stay on one line if they can; text takes the rest
            spare = _share([index for index in inline if kinds[index] == kind], natural, widths,
                           spare)
        return widths

    widths = widths_of(inline)
    tall = {index for index in inline if kinds[index] == "words" and index != shown[0]
            and natural[index] > NAME_LINES * widths[index]}
    if tall:  # a list of names that would run down the row goes under it, on a line of its own
        inline = [index for index in inline if index not in tall]
        widths = widths_of(inline)
    spanning = [index for index in shown if index not in inline]
    main = next((index for index in spanning if kinds[index] == "text"), None)
    return _Layout(inline, [widths[index] for index in inline], spanning, main)


def _section_lines(section: Section, rows: Prepared, layout: _Layout, width: int,
                   style: Styles) -> list[str]:
    kinds = section.kinds()
    headers = [neutralise(column) for column in section.columns]
    inline, inline_widths, main = layout.inline, layout.widths, layout.main
    inline_kinds = [kinds[index] for index in inline]
    lines = _row_lines([(headers[index], "bold") for index in inline], inline_widths,
                       ["words"] * len(inline), style)
    lines.append(style("─" * min(width, sum(inline_widths) + len(GAP) * (len(inline) - 1)),
                       "dim"))
    for row in rows:
        lines += _row_lines([row[index] for index in inline], inline_widths, inline_kinds, style)
        for index in layout.spanning:
            text, cell_style = row[index]
            if not text:
                continue
            label = "" if index == main else f"{headers[index]}: "
            lines += [SPAN_INDENT + style(line, cell_style) for line in wrap(
                label + text, width - len(SPAN_INDENT), hang=0 if index == main else HANG)]
    return lines


def _row_lines(cells: Sequence[tuple[str, str | None]], widths: Sequence[int],
               kinds: Sequence[ColumnKind], style: Styles) -> list[str]:
    """One row of cells side by side, each wrapped to its column, trailing spaces removed.

    Laid out a column at a time, each line padded once, and most rows, where only the last
    column takes more than one line, as a head and that column's lines: a list of 100,000
    entries lays out some 300,000 lines."""
    columns: list[Sequence[str]] = []
    height = 1
    for (text, _), width, kind in zip(cells, widths, kinds, strict=True):
        if "\n" not in text and (kind == "fixed" or width_of(text) <= width):
            columns.append((text,))
            continue
        lines = text.split("\n") if kind == "fixed" else wrap(text, width)
        columns.append(lines)
        height = max(height, len(lines))
    last = len(columns) - 1
    tail, tail_style = columns[last], cells[last][1]
    if all(len(column) == 1 for column in columns[:last]):
        head = "".join([_padded(columns[index][0], cells[index][1], widths[index], style) + GAP
                        for index in range(last)])
        blank = " " * (sum(widths[:last]) + len(GAP) * last)
        return [(head + style(tail[0], tail_style)).rstrip(),
                *[(blank + style(line, tail_style)).rstrip() for line in tail[1:]]]
    shown = [[_padded(line, cells[index][1], widths[index], style) for line in lines]
             + [" " * widths[index]] * (height - len(lines))
             for index, lines in enumerate(columns[:last])]
    shown.append([style(line, tail_style) for line in tail] + [""] * (height - len(tail)))
    return [GAP.join(parts).rstrip() for parts in zip(*shown, strict=True)]


def _padded(line: str, cell_style: str | None, width: int, style: Styles) -> str:
    """A line of a cell, styled, and padded with spaces to its column's width in cells."""
    if style.colours(cell_style):
        return style(line, cell_style) + " " * (width - width_of(line))
    return line.ljust(width) if line.isascii() else line + " " * (width - width_of(line))


def _field_lines(section: Section, width: int, style: Styles) -> list[str]:
    """One record as `name  value` lines; the value wraps, or goes under its name when narrow."""
    pairs = [(neutralise(str(name)), _prepared(value, FIELD_LIMIT, section.shows_whole))
             for name, value in section.rows]
    name_width = max((width_of(name) for name, _ in pairs), default=0)
    value_width = width - name_width - len(GAP)
    lines: list[str] = []
    for name, (text, value_style) in pairs:
        if value_width < FIELD_VALUE_MIN:
            lines.append(style(name, "bold"))
            lines += [SPAN_INDENT + style(line, value_style)
                      for line in wrap(text, width - len(SPAN_INDENT))]
            continue
        wrapped = wrap(text, value_width)
        lines.append((style(name, "bold") + " " * (name_width - width_of(name)) + GAP
                      + style(wrapped[0], value_style)).rstrip())
        lines += [(" " * (name_width + len(GAP)) + style(line, value_style)).rstrip()
                  for line in wrapped[1:]]
    return lines


def _paragraph(text: str, width: int, style: Styles, style_name: str | None) -> list[str]:
    return [style(line, style_name) for line in wrap(neutralise(text), width)]


def render(view: View, *, width: int, style: Styles = PLAIN) -> str:
    """The view as lines of at most `width` cells (but for a single id or date wider still)."""
    try:
        return _rendered(view, max(width, 20), style)
    finally:
        _word_width.cache_clear()


def _rendered(view: View, width: int, style: Styles) -> str:
    blocks: list[list[str]] = []
    if view.header is not None:
        blocks.append(_paragraph(view.header.ledger, width, style, "bold")
                      + _paragraph(view.header.describe(), width, style, "dim"))
    sections = view.sections()
    prepared = [_prepared_rows(section) if section.rows and not section.fields else []
                for section in sections]
    alike: dict[Shape, tuple[Section, Prepared]] = {}  # the rows of every section of a shape
    for section, rows in zip(sections, prepared, strict=True):
        alike.setdefault(_shape(section), (section, []))[1].extend(rows)
    layouts = {shape: _layout(section, rows, width)
               for shape, (section, rows) in alike.items() if rows}
    for section, rows in zip(sections, prepared, strict=True):
        block: list[str] = []
        if section.title:
            block += _paragraph(section.title, width, style, "bold")
        if section.caption:
            block += _paragraph(section.caption, width, style, None)
        if block and not section.fields:
            block.append("")
        if section.fields:
            block += _field_lines(section, width, style)
        elif rows:
            block += _section_lines(section, rows, layouts[_shape(section)], width, style)
        blocks.append(block)
    notes: list[str] = []
    for note in view.notes:
        notes += _paragraph(note, width, style, None)
    for line in view.legend:
        notes += _paragraph(line, width, style, "dim")
    if notes:
        blocks.append(notes)
    return "\n".join(_joined(blocks)) + "\n"


def _joined(blocks: Iterable[list[str]]) -> list[str]:
    """Blocks one blank line apart."""
    lines: list[str] = []
    for block in blocks:
        if not block:
            continue
        if lines:
            lines.append("")
        lines += block
    return lines
