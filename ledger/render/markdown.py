"""Markdown output: a heading and a table per section, every user character escaped."""

from __future__ import annotations

import re

from ledger.render.text import neutralise
from ledger.render.view import CellValue, Section, View

_INLINE = re.compile(r"([\\`*_{}\[\]()<>#!|~&$])")
_BLOCK = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&$=:])")


def escape(value: CellValue, *, block: bool = False) -> str:
    """Text that Markdown shows literally: punctuation backslash-escaped, line breaks as <br>.

    Inside a table cell only inline syntax can act; a heading or paragraph (`block`) also escapes
    what would start a list, a quote or a heading.
    """
    pattern = _BLOCK if block else _INLINE
    text = pattern.sub(r"\\\1", neutralise(str(value)))
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _section(section: Section) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines += [f"## {escape(section.title, block=True)}", ""]
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
        lines += [f"# {escape(view.header.ledger, block=True)}", "",
                  escape(view.header.describe(), block=True), ""]
    for section in view.document_sections():
        lines += _section(section)
    lines += [line for note in view.notes for line in (escape(note, block=True), "")]
    lines += [line for note in view.legend for line in (escape(note, block=True), "")]
    return "\n".join(lines).rstrip("\n") + "\n"
