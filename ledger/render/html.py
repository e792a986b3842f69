"""HTML output: one self-contained page to publish, made by Jinja2 with autoescaping.

Every value the template prints passes `finalize` (invisible, bidi and control characters shown
as visible escapes, by the one neutralising step) and is then HTML-escaped by Jinja2's
autoescaping; the template lays out every row itself and marks nothing safe. Only `http` and
`https` addresses become links. The page's Content-Security-Policy forbids every script and
every fetch, so a page that a hostile quote somehow got markup into still could not load or run
anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ledger.render.text import neutralise
from ledger.render.view import Page, View

if TYPE_CHECKING:
    from collections.abc import Iterator

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

    The template's own markup (a macro's output) is already safe."""
    if isinstance(value, Markup):
        return value
    return "" if value is None else neutralise(value if isinstance(value, str) else str(value))


def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    made = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=True, finalize=_finalize, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)
    made.tests["web_url"] = is_web_url
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
    page = view.page() or Page()
    context: dict[str, Any] = {"header": view.header, "page": page, "notes": view.notes,
                               "legend": view.legend if page.legend is None else page.legend}
    part: list[str] = []
    size = 0
    for piece in environment().get_template("page.html.j2").generate(context):
        part.append(piece)
        size += len(piece)
        if size >= CHARS_PER_PART:
            yield "".join(part)
            part, size = [], 0
    yield "".join(part) + "\n"
