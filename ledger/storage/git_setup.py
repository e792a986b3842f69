"""What `ledger git-setup` writes: the .gitattributes line that names the merge driver, its
config, and the lock file's .gitignore line; each written once."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ledger.core.errors import LedgerError
from ledger.storage.git import DRIVER_LABEL, DRIVER_NAME, locate, merged_by_driver, run_git


def _literal(path: str) -> str:
    """`path` with git's glob characters escaped, so that a pattern matches exactly it."""
    return "".join("\\" + character if character in "*?[]\\" else character
                   for character in path)


def ignore_pattern(path: str) -> str:
    """`path` as a .gitignore pattern that matches exactly it: anchored at the top, glob
    characters escaped; .gitignore has no quoting, but a backslash keeps a trailing space."""
    escaped = _literal(path)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return "/" + escaped


@dataclass(frozen=True)
class Setup:
    """What `git-setup` found or wrote: each a line for the user."""

    attributes: Path
    attributes_line: str
    wrote_attributes: bool
    driver: str
    wrote_driver: bool
    ignore: Path
    ignore_line: str
    wrote_ignore: bool
    overridden: tuple[Path, ...]
    """The files whose line is there but not what git applies: another file overrides it."""


def _append_line(file: Path, line: str) -> bool:
    """`line` added at the end of a small text file, its other lines kept, atomically; not
    when the file holds it already (git may read another file that overrides it: adding it
    again would change nothing). Whether it was added."""
    from ledger.storage.writing import write_atomically

    try:
        existing = file.read_bytes() if file.exists() else b""
    except OSError as error:
        raise LedgerError(f"{file}: cannot read: {error.strerror}") from None
    written = line.encode("utf-8")
    if written in existing.splitlines():
        return False
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    write_atomically(file, existing + written + b"\n")
    return True


def attributes_pattern(path: str) -> str:
    """`path` as a .gitattributes pattern that matches exactly it: anchored at the top, glob
    characters escaped, quoted (C-style, as git reads it) when it holds space or a quote."""
    pattern = "/" + _literal(path)
    if any(character.isspace() or character == '"' for character in pattern):
        pattern = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return pattern


def _unwritable(path: str) -> str | None:
    """The first control character in `path` (a newline, a carriage return, an escape, ...):
    neither .gitattributes nor .gitignore can name such a path, for git reads both line by
    line and unquotes neither's control characters; None when there is none."""
    return next((character for character in path
                 if unicodedata.category(character) == "Cc"), None)


def set_up(file: Path, command: str) -> Setup:
    """Register the merge driver for `file`: `merge=ledger` in the work tree's .gitattributes
    and `merge.ledger.driver` in the repository's own config; and keep the ledger's lock file
    out of commits (.gitignore). Files keep their other lines. Writes only what is missing, so
    running it twice changes nothing; writes nothing for a path that holds a control
    character."""
    from ledger.storage.writing import lock_path

    place = locate(file)
    control = _unwritable(place.path)
    if control is not None:
        raise LedgerError(f"{place.path}: this path holds a control character "
                          f"({control!r}), which .gitattributes and .gitignore cannot name: "
                          "rename the ledger (nothing was written)")
    attributes = place.top / ".gitattributes"
    line = f"{attributes_pattern(place.path)} merge={DRIVER_NAME}"
    wrote_attributes = not merged_by_driver(place) and _append_line(attributes, line)
    ignore = place.top / ".gitignore"
    lock = str(Path(place.path).with_name(lock_path(file).name).as_posix())
    ignore_line = ignore_pattern(lock)
    wrote_ignore = not _ignored(place.top, lock) and _append_line(ignore, ignore_line)
    driver = f"{command} merge %O %A %B %P"
    configured = run_git(place.top, "config", "--local", "--get", f"merge.{DRIVER_NAME}.driver",
                      check=False).stdout.decode("utf-8", "replace").rstrip("\n")
    wrote_driver = configured != driver
    if wrote_driver:
        run_git(place.top, "config", "--local", f"merge.{DRIVER_NAME}.name", DRIVER_LABEL)
        run_git(place.top, "config", "--local", f"merge.{DRIVER_NAME}.driver", driver)
    overridden = tuple(name for name, applied in ((attributes, merged_by_driver(place)),
                                                  (ignore, _ignored(place.top, lock)))
                       if not applied)
    return Setup(attributes, line, wrote_attributes, driver, wrote_driver, ignore, ignore_line,
                 wrote_ignore, overridden)


def _ignored(top: Path, path: str) -> bool:
    """Whether git ignores `path` (a pattern matches it, and not one that starts with `!`)."""
    return run_git(top, "check-ignore", "-q", "--no-index", paths=[path],
                check=False).returncode == 0
