"""Which ledger file a command works on: the one named, $COMPLIANCE_LEDGER, or the nearest
ledger.json."""

from __future__ import annotations

import os
from pathlib import Path

from ledger.core.errors import InvalidValue

DEFAULT_FILE = "ledger.json"


ENVIRONMENT_VARIABLE = "COMPLIANCE_LEDGER"


def locate(named: str | None, environment: dict[str, str] | None = None, *,
           search: bool = True) -> tuple[Path, bool]:
    """The ledger a command works on: the file named, else $COMPLIANCE_LEDGER, else ledger.json
    in this folder or the nearest parent folder that has one (as git finds its repository; not
    for `init`, which creates one here), else ./ledger.json; and whether the user named it (only
    an unnamed, absent ledger falls back to the example)."""
    if named is not None:
        if not named.strip():  # an unset variable in a script: `-f "$LEDGER"`
            raise InvalidValue("file", "empty: give the ledger's path")
        return Path(named), True
    value = (os.environ if environment is None else environment).get(ENVIRONMENT_VARIABLE)
    if value:
        return Path(value), True
    found = nearest(DEFAULT_FILE, Path.cwd()) if search else None
    return (found or Path(DEFAULT_FILE)), False


def nearest(name: str, start: Path) -> Path | None:
    """`name` in `start` or the nearest parent folder that has it, relative to `start`.

    The search stops at the top of a git work tree (a folder holding `.git`) and at the root of
    the file system: a ledger outside the project is never picked up by accident.
    """
    folder = start
    while True:
        candidate = folder / name
        if candidate.exists() or candidate.is_symlink():
            return Path(os.path.relpath(candidate, start))
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
