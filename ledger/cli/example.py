"""When the bundled example is read: when asked for (`--example`, `-f example`), or, with no
ledger found, as a table only; and what to say when no ledger is found."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ledger.cli.context import Target

EXAMPLE = "doha-2020"
"""The bundled example a command reads for want of a ledger."""

EXAMPLE_FILE = "example"
"""`-f example`: the bundled example, unless a file of that name is here."""


def wants_example(ctx: typer.Context, chosen: Target) -> bool:
    """Whether the command was asked to read the bundled example: `--example`, or `-f example`
    where no file of that name exists."""
    if ctx.find_root().params.get("example"):
        return True
    return (chosen.given == EXAMPLE_FILE and not chosen.path.exists()
            and not chosen.path.is_symlink())


def no_ledger_advice(path: Path, *, writing: bool = False) -> str:
    """What to do when no ledger is found: the JSON files here that hold a ledger (`did you
    mean -f minsk.json?`), `--example` for the bundled one, `ledger init` to start one."""
    found = sorted(candidate.name for candidate in Path.cwd().glob("*.json")
                   if candidate.name != path.name and _holds_a_ledger(candidate))
    here = f" (ledgers here: {', '.join(found[:5])})" if len(found) > 1 else ""
    meant = f"did you mean -f {found[0]}?{here} Else " if found else ""
    example = "" if writing else ", --example to read the bundled example"
    return (f"{meant}give -f FILE{example}, or run `ledger init` (`ledger init --example "
            f"{EXAMPLE}` for a copy of the example)")


def _holds_a_ledger(candidate: Path) -> bool:
    """Whether a file starts as a ledger does (its first bytes name a schema version)."""
    try:
        with candidate.open("rb") as handle:
            return b'"schema_version"' in handle.read(200)
    except OSError:
        return False
