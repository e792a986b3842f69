"""HTML output (in progress)."""
from ledger.render.view import View


def render(view: View) -> str:
    raise NotImplementedError
