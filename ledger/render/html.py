"""HTML output: one self-contained page to publish, made by Jinja2 with autoescaping.

Every value the template prints passes `finalize` (invisible, bidi and control characters shown
as visible escapes, by the one neutralising step) and is then HTML-escaped by Jinja2's
autoescaping; the rows of entries (most of a large page) are laid out by `entry_rows`, which
neutralises each value the same way and escapes it with markupsafe, the escaping autoescaping
uses. The template marks nothing safe. Only `http` and `https` addresses become links. The
page's Content-Security-Policy forbids every script and every fetch, so a page that a hostile
quote somehow got markup into still could not load or run anything.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from markupsafe import escape as _escape

from ledger.render.text import neutralise
from ledger.render.view import Page, PageEntry, View

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from jinja2 import Environment

def is_web_url(value: object) -> bool:
    """Whether `value` is an http(s) address with a host: the only kind that becomes a link.

    Nothing before the scheme (a browser skips leading spaces and controls, and `javascript:`
    could hide behind them) and nothing after the address."""
    if not isinstance(value, str) or value != value.strip():
        return False
    start = value[:8].lower()
    after = 7 if start.startswith("http://") else 8 if start == "https://" else 0
    return after > 0 and value[after:after + 1] not in ("", "/", "\\", "?", "#")


def words(value: object) -> list[str]:
    """The words of a `words` cell (names, lists), each shown whole on a page as a table shows
    it: a line breaks only between them, never at a hyphen inside one."""
    return str(value).split(" ")


def _finalize(value: object) -> object:
    """Every value the template prints, neutralised; Jinja2's autoescaping then escapes it.

    The template's own markup (a macro's output, the rows of `entry_rows`) is already safe."""
    if isinstance(value, Markup):
        return value
    return "" if value is None else neutralise(value if isinstance(value, str) else str(value))


def _escaped(texts: list[str]) -> list[str]:
    """Each text neutralised, then escaped by markupsafe (Jinja2's own escaping, in C) as
    autoescaping would escape it: all in one call, then split apart again. Exact, as escaping
    works character by character and no neutralised text holds a NUL (it would show as
    `\\x00`), so the NULs that join them are the only ones."""
    if not texts:
        return []
    return str.split(_escape("\x00".join(map(neutralise, texts))), "\x00")


ROWS_AT_ONCE = 512
"""Rows of entries escaped and yielded together: a page is still printed as it is made."""


def entry_rows(entries: Iterable[PageEntry], timeline: bool) -> Iterator[Markup]:
    """The rows of a table of entries, as `Markup`, every value through `_escaped`.

    Most of a large page is these rows (a page of 100,000 entries holds some 30,000 of them).
    A template spends more on each row than on its text, and escaping values one call at a time
    costs more than escaping them, so the rows are laid out here, with markupsafe's escaping;
    the rest of the page is the template's.
    """
    entries = iter(entries)
    while batch := list(islice(entries, ROWS_AT_ONCE)):
        shown = _escaped([value or "" for entry in batch for value in entry])
        rows: list[str] = []
        for at, entry in zip(range(0, len(shown), _FIELDS), batch, strict=True):
            (id, date, subject, claimant, stance, summary, speaker, quote, source, publisher,
             url, mark) = shown[at:at + _FIELDS]
            rows += (_RETRACTED_ROW if mark else _ROW, _DATE, date, _END)
            if timeline:
                rows += (_SUBJECT, subject, _END)
            rows += (_CLAIMANT, claimant, _STANCE, stance)
            if mark:
                rows += (_MARK, mark, _END_SPAN)
            rows += (_END, _SAID, summary, _END_DIV)
            if quote:
                rows += (_QUOTE, quote)
                if speaker:
                    rows += (_QUOTE_SPEAKER, speaker, _END_SPAN)
                rows.append(_END_QUOTE)
            elif speaker:
                rows += (_SPEAKER, speaker, _END_DIV)
            rows.append(_SOURCE)
            if is_web_url(entry.url):
                rows += (_LINK, url, _LINK_TEXT, source or url, _END_LINK)
            elif url:
                rows += (_UNLINKED, source, " ", url, _END_SPAN)
            else:
                rows.append(source)
            if entry.publisher and entry.publisher != entry.source:
                rows += (_PUBLISHER, publisher, _END_SPAN)
            rows += (_END, _ID, id, _END_ROW)
        yield Markup("".join(rows))


_FIELDS = len(PageEntry._fields)


# The markup of `entry_rows`.
_ROW, _RETRACTED_ROW = "\n<tr>", '\n<tr class="retracted">'
_DATE = '<td data-label="Date" class="fixed">'
_SUBJECT = '<td data-label="Subject">'
_CLAIMANT = '<td data-label="Claimant">'
_STANCE = '</td><td data-label="Stance" class="stance fixed">'
_MARK = ' <span class="retracted-mark">'
_SAID = '<td data-label="What was said"><div class="text">'
_QUOTE = '<blockquote class="quote">'
_QUOTE_SPEAKER = '<br><span class="muted">'
_END_QUOTE = "</blockquote>"
_SPEAKER = '<div class="muted">'
_SOURCE = '</td><td data-label="Source">'
_LINK = '<a class="source" href="'
_LINK_TEXT = '" rel="noopener noreferrer">'
_END_LINK = "</a>"
_UNLINKED = '<span class="text">'
_PUBLISHER = '<br><span class="muted">'
_ID = '<td data-label="Id" class="id fixed">'
_END, _END_SPAN, _END_DIV, _END_ROW = "</td>", "</span>", "</div>", "</td></tr>"


def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    made = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=True, finalize=_finalize, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)
    made.globals["entry_rows"] = entry_rows
    made.filters["words"] = words
    return made


def render(view: View) -> str:
    return "".join(render_in_parts(view))


CHARS_PER_PART = 1 << 20
"""Characters of a streamed page printed at a time: few enough that a page of 100,000 entries
is never held whole (nor copied, nor encoded whole), enough that writing costs little."""


def render_in_parts(view: View) -> Iterator[str]:
    """The page in parts, the last one a newline: printed as it is made, a large page costs no
    more memory than its data."""
    if view.page is None:
        raise ValueError("this view has no page")  # the commands offer html only with a page
    context: dict[str, Any] = {"header": view.header, "page": view.page() or Page(),
                               "notes": view.notes, "legend": view.legend}
    part: list[str] = []
    size = 0
    for piece in environment().get_template("page.html.j2").generate(context):
        part.append(piece)
        size += len(piece)
        if size >= CHARS_PER_PART:
            yield "".join(part)
            part, size = [], 0
    yield "".join(part) + "\n"
