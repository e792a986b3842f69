"""Who records a change: `recorded_by` on every record, from the first of `--by NAME`,
`$COMPLIANCE_LEDGER_AUTHOR`, git's `user.name` in the ledger's folder, and the login name."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ledger.core.errors import InvalidValue

AUTHOR_VARIABLE = "COMPLIANCE_LEDGER_AUTHOR"
MAX_NAME = 200


def author(ctx: typer.Context, ledger_path: Path) -> str | None:
    """The name a new record carries as `recorded_by` (None only when none of the four sources
    gives one). A name given with `--by` must be one line of printable text."""
    given = ctx.find_root().params.get("by")
    if given is not None:
        return checked_name("by", given)
    named = os.environ.get(AUTHOR_VARIABLE, "").strip()
    if named:
        return _from_elsewhere(f"${AUTHOR_VARIABLE}", named)
    from ledger.storage import git

    folder = ledger_path.parent if ledger_path.parent.is_dir() else Path.cwd()
    configured = git.user_name(folder)
    if configured:
        return _from_elsewhere("git's user.name", configured)
    import getpass

    try:
        return getpass.getuser()[:MAX_NAME] or None
    except (KeyError, OSError):
        return None


def checked_name(option: str, name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        shown = name if len(name) <= 60 else name[:60] + "..."
        raise InvalidValue(option, f"a name of 1 to {MAX_NAME} printable characters on one "
                           f"line, not {shown!r}")
    return name


def _from_elsewhere(source: str, name: str) -> str:
    """A name from the environment or git's config, held to the rule `--by` is: an error names
    where it came from."""
    from ledger.core.errors import LedgerError

    try:
        return checked_name("by", name)
    except InvalidValue as error:
        raise LedgerError(f"{source}: {error.message}") from None
