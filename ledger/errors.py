"""The exceptions that end a command; the CLI catches them once and exits 1."""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """A request that cannot be carried out; the message is one line for the user."""


class InvalidValue(LedgerError):
    """A value given for a field (and so for the command-line option of the same name) is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One problem in a ledger file, placed at the offending value."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class LedgerFileError(LedgerError):
    """A ledger file that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Finding:
    """A problem found in a ledger's content, named by its path in the file (not yet placed)."""

    location: tuple[str | int, ...]
    message: str
    at_key: bool = False
