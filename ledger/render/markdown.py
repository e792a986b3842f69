"""Markdown output: a heading and a table per section; what would form structure is escaped."""

from __future__ import annotations

import re

from ledger.render.text import neutralise
from ledger.render.view import CellValue, Section, View

_INLINE = re.compile(
    r"([\\`*{}\[\]|~$])"                    # code, emphasis, links and images, cells, math
    r"|((?<![^\W_])_|_(?![^\W_]))"              # `_` that can open or close emphasis
    r"|(<(?=\S)|&(?=[A-Za-z#]))"               # HTML, autolinks and entities
    r"|((?:^|(?<=\s))#|^>)")                   # a heading's closing `#`s; a quote at the start
"""What would act where it stands in a line: code, emphasis, links and images (an image's `!`
needs a `[`, which is escaped), table cells, strikethrough and math anywhere; `_` where it can
open or close emphasis (not inside a word: `snake_case`); `<` before anything but white space,
where it may start a tag or an autolink (`<1@1>` is an e-mail address, whose first character
may be almost any), and `&` where it starts an entity (`3 < 4`, `C & D` stay); `#` where a
heading's closing sequence could start, and `>` at the start. A `(`, a `-` or a `.` in mid-line
forms nothing."""
_LINE_START = re.compile(r"^( {0,3})([-+=]|[0-9]{1,9}[.)])")
"""What acts only at the start of a paragraph: a list item (`-`, `+`, `1.`, `1)`) or a heading's
underline (`=`, `-`); `*`, `>` and `#` are escaped everywhere already."""


def _line_start(match: re.Match[str]) -> str:
    indent, marker = match.groups()
    return f"{indent}{marker[:-1]}\\{marker[-1]}"


def escape(value: CellValue, *, block: bool = False) -> str:
    """Text that Markdown shows literally: what would form structure in that position
    backslash-escaped, line breaks as <br> (so a text is one line: a later line cannot start a
    block).

    Table cells and headings hold inline syntax only; a paragraph (`block`) also escapes what
    would start a list at its beginning.
    """
    text = _INLINE.sub(lambda match: "\\" + match.group(0), neutralise(str(value)))
    if block:
        text = _LINE_START.sub(_line_start, text, count=1)
        if text[:1] in (" ", "\t"):  # four columns of it would open a code block
            text = f"&#{ord(text[0])};{text[1:]}"
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _section(section: Section) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines += [f"## {escape(section.title)}", ""]
    if section.caption:
        lines += [escape(section.caption, block=True), ""]
    if section.fields:
        lines += ["| Field | Value |", "| --- | --- |"]
    else:
        lines += [
            "| " + " | ".join(escape(column) for column in section.columns) + " |",
            "| " + " | ".join("---" for _ in section.columns) + " |",
        ]
    lines += ["| " + " | ".join(escape(value) for value in row) + " |" for row in section.rows]
    return [*lines, ""]


def render(view: View) -> str:
    lines: list[str] = []
    if view.header is not None:
        lines += [f"# {escape(view.header.ledger)}", "",
                  escape(view.header.describe(), block=True), ""]
    for section in view.document_sections():
        lines += _section(section)
    lines += [line for note in view.notes for line in (escape(note, block=True), "")]
    lines += [line for note in view.legend for line in (escape(note, block=True), "")]
    return "\n".join(lines).rstrip("\n") + "\n"
