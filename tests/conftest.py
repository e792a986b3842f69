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
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
INSTALLED_LEDGER = Path(sys.executable).parent / "ledger"


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.json"


@pytest.fixture
def run(ledger_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke the CLI on `ledger_path` (through -f), the way a user would, output kept apart."""
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str, file: Path | None = None, env: dict[str, str] | None = None) -> Result:
        target = file if file is not None else ledger_path
        return runner.invoke(app, ["-f", str(target), *args], env=env)

    return invoke


def ok(result: Result) -> Result:
    """Assert a command succeeded, showing its stderr when it did not."""
    assert result.exit_code == 0, f"exit {result.exit_code}\nstdout:\n{result.stdout}\n" \
        f"stderr:\n{result.stderr}\n{result.exception!r}"
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


@pytest.fixture
def small(run: Run, ledger_path: Path) -> Path:
    """A ledger with one agreement, three parties and three terms, built through the CLI."""
    ok(run("init", "--title", "Test ledger"))
    ok(run("party", "add", "north", "--name", "Northland", "--role", "signatory"))
    ok(run("party", "add", "south", "--name", "Southland", "--role", "signatory"))
    ok(run("party", "add", "monitor", "--name", "The Monitors", "--role", "monitor"))
    ok(run("agreement", "add", "accord", "--title", "The Accord", "--signed", "2020-02-29",
           "--signatory", "north", "--signatory", "south"))
    ok(run("term", "add", "withdraw", "--title", "Withdraw troops", "--category", "withdrawal",
           "--obligor", "north", "--due", "2021-04-29", "--article", "Part One"))
    ok(run("term", "add", "release", "--title", "Release prisoners", "--category",
           "prisoner-release", "--obligor", "north", "--obligor", "south", "--due", "2020-03-10"))
    ok(run("term", "add", "ceasefire", "--title", "Hold the ceasefire", "--category",
           "ceasefire", "--obligor", "south"))
    return ledger_path


def add_evidence(run: Run, term: str, claimant: str, stance: str, date: str,
                 *extra: str) -> str:
    """Add an entry through the CLI and return the id it printed."""
    result = ok(run("evidence", "add", "--term", term, "--claimant", claimant, "--stance", stance,
                    "--date", date, "--summary", f"{claimant} {stance} on {term}", *extra))
    return result.stdout.strip()
