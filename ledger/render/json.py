"""JSON output: the view's data, 2-space indented, every character kept."""

from __future__ import annotations

import orjson

from ledger.render.text import json_safe
from ledger.render.view import View


def render(view: View) -> str:
    return json_safe(orjson.dumps(view.data, option=orjson.OPT_INDENT_2).decode("utf-8")) + "\n"
