"""Fixtures: a CLI runner bound to a ledger file in a temporary folder, and small ledgers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from ledger.cli import app

Run = Callable[..., Result]


def _build_the_command_once() -> None:
    """Typer turns the app into a Click command on every CliRunner call, which costs more than
    most commands do; the tests reuse the one command the app builds (as a process would)."""
    import typer.main
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:
        return
    command = typer.main.get_command(app)

    def cached(given: typer.Typer) -> Any:
        return command if given is app else build(given)

    setattr(typer.testing, "_get_command", cached)  # noqa: B010


_build_the_command_once()
INSTALLED_LEDGER = Path(sys.executable).parent / "ledger"


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.json"


@pytest.fixture
def run(ledger_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke the CLI on `ledger_path` (through -f), the way a user would, output kept apart."""
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("COMPLIANCE_LEDGER_AUTHOR", "analyst")
    runner = CliRunner()

    def invoke(*args: str, file: Path | None = None, env: dict[str, str] | None = None,
               input: str | None = None) -> Result:
        target = file if file is not None else ledger_path
        return runner.invoke(app, ["-f", str(target), *args], env=env, input=input)

    return invoke


def ok(result: Result) -> Result:
    """Assert a command succeeded, showing its stderr when it did not."""
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\n" \
        f"stderr:\n{result.stderr}\n{result.exception!r}"
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


SMALL_LEDGER = [
    ("init", "--title", "Test ledger"),
    ("party", "add", "north", "--name", "Northland", "--role", "signatory"),
    ("party", "add", "south", "--name", "Southland", "--role", "signatory"),
    ("party", "add", "monitor", "--name", "The Monitors", "--role", "monitor"),
    ("agreement", "add", "accord", "--title", "The Accord", "--signed", "2020-02-29",
     "--signatory", "north", "--signatory", "south"),
    ("term", "add", "withdraw", "--title", "Withdraw troops", "--category", "withdrawal",
     "--obligor", "north", "--due", "2021-04-29", "--article", "Part One"),
    ("term", "add", "release", "--title", "Release prisoners", "--category",
     "prisoner-release", "--obligor", "north", "--obligor", "south", "--due", "2020-03-10"),
    ("term", "add", "ceasefire", "--title", "Hold the ceasefire", "--category",
     "ceasefire", "--obligor", "south"),
]
"""The commands that build the small ledger: one agreement, three parties, three terms."""


@pytest.fixture(scope="session")
def small_ledger_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The small ledger, built once per test session through the CLI."""
    path = tmp_path_factory.mktemp("small") / "ledger.json"
    runner = CliRunner()
    for command in SMALL_LEDGER:
        ok(runner.invoke(app, ["-f", str(path), *command], env={
            "COMPLIANCE_LEDGER": None, "COMPLIANCE_LEDGER_AUTHOR": "analyst"}))
    return path.read_bytes()


@pytest.fixture
def small(ledger_path: Path, small_ledger_bytes: bytes) -> Path:
    """A fresh copy of the small ledger for each test."""
    ledger_path.write_bytes(small_ledger_bytes)
    return ledger_path


def add_evidence(run: Run, term: str, claimant: str, stance: str, date: str,
                 *extra: str) -> str:
    """Add an entry through the CLI and return the id it printed."""
    result = ok(run("evidence", "add", "--term", term, "--claimant", claimant, "--stance", stance,
                    "--date", date, "--summary", f"{claimant} {stance} on {term}", *extra))
    return result.stdout.strip()


def git_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git that reads no one's own settings and commits as one analyst."""
    (home / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Analyst")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "analyst@example.org")
