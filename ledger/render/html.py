"""HTML output: one self-contained page to publish, made by Jinja2 with autoescaping.

Every value the template prints passes `finalize` (invisible, bidi and control characters shown
as visible escapes, by the one neutralising step) and is then HTML-escaped by Jinja2; the
template marks nothing safe. Only `http` and `https` addresses become links. The page's
Content-Security-Policy forbids every script and every fetch, so a page that a hostile quote
somehow got markup into still could not load or run anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ledger.render.text import neutralise
from ledger.render.view import Page, View

if TYPE_CHECKING:
    from jinja2 import Environment

WEB_SCHEMES = frozenset({"http", "https"})


def is_web_url(value: object) -> bool:
    """Whether `value` is an http(s) address with a host: the only kind that becomes a link."""
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def _finalize(value: object) -> object:
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup):  # the template's own markup (a macro's output)
        return value
    return neutralise(value if isinstance(value, str) else str(value))


def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    made = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=True, finalize=_finalize, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)
    made.tests["web_url"] = is_web_url
    return made


def render(view: View) -> str:
    if view.page is None:
        raise ValueError("this view has no page")  # the commands offer html only with a page
    context: dict[str, Any] = {"header": view.header, "page": view.page() or Page(),
                               "notes": view.notes, "legend": view.legend}
    return environment().get_template("page.html.j2").render(context) + "\n"
