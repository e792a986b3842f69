"""JSON output: the view's data, 2-space indented, every character kept."""

from __future__ import annotations

from ledger.core import safejson
from ledger.render.view import View


def render(view: View) -> str:
    return safejson.dumps(view.data()).decode("utf-8")
