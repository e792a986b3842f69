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
    """A ledger file that cannot be used; carries the problems found, in file order.

    `more` counts the problems found beyond those listed (a file broken in every record would
    otherwise print, and place, a line per record).
    """

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem, then the count of those not listed."""
        lines = [str(problem) for problem in self.problems]
        if self.more:
            lines.append(f"... and {self.more:,} more problems")
        return lines


@dataclass(frozen=True)
class Finding:
    """A problem found in a ledger's content, named by its path in the file (not yet placed)."""

    location: tuple[str | int, ...]
    message: str
    at_key: bool = False
