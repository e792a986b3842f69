"""Who recorded it: `recorded_by` from `--by`, `$COMPLIANCE_LEDGER_AUTHOR`, git's user.name for
the ledger's folder, or the login name, in that order; part of each record's digest."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import INSTALLED_LEDGER, Run, add_evidence, as_json, ok


def test_by_anywhere_on_the_line_and_then_the_variable(run: Run, small: Path) -> None:
    ok(run("party", "add", "west", "--name", "Westland", "--by", "Ana"))
    ok(run("--by", "Ben", "party", "add", "east", "--name", "Eastland"))
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    by = {line["record"]: line["by"] for line in as_json(run("log", "--format", "json"))}
    assert (by["west"], by["east"]) == ("Ana", "Ben")
    assert by["north"] == "analyst", "the variable, which the tests set"
    entry = as_json(run("evidence", "list", "--format", "json"))[0]
    assert entry["recorded_by"] == "analyst"
    assert "recorded by  analyst" in ok(run("evidence", "show", entry["id"])).stdout


def test_a_bad_name_is_refused_and_nothing_changes(run: Run, small: Path) -> None:
    before = small.read_bytes()
    for name in ("", "two\nlines", "\x1b[31mred", "x" * 201):
        result = run("party", "add", "west", "--name", "Westland", "--by", name)
        assert result.exit_code == 1 and result.stderr.startswith("ledger: error: --by:"), name
    assert small.read_bytes() == before


def test_the_name_is_part_of_the_digest(run: Run, small: Path) -> None:
    """The same entry recorded at the same moment by two people has two ids; a hand edit of
    the name is a changed record."""
    now = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z"}
    said = ("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes", "-d",
            "2021-05", "-m", "Troops remain")
    first = ok(run(*said, "--by", "Ana", env=now)).stdout.strip()
    second = ok(run(*said, "--by", "Ben", "--duplicate", env=now)).stdout.strip()
    assert first != second
    small.write_text(small.read_text(encoding="utf-8").replace('"Ana"', '"Eve"'),
                     encoding="utf-8")
    checked = run("check")
    assert checked.exit_code == 1 and f"evidence entry {first} was changed" in checked.stderr


def test_records_of_older_files_say_they_have_no_author(run: Run, small: Path) -> None:
    text = small.read_text(encoding="utf-8")
    small.write_text(text.replace('      "recorded_by": "analyst",\n', ""), encoding="utf-8")
    assert as_json(run("log", "--format", "json", "--record", "north"))[0]["by"] is None
    assert "not recorded" in ok(run("log", "--record", "north")).stdout


@pytest.mark.slow
def test_each_source_through_the_installed_script(small: Path, tmp_path: Path) -> None:
    """With nothing given, git's user.name of the ledger's repository, else the login name."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "gitconfig").write_text("")
    environment = {"PATH": "/usr/bin:/bin", "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
                   "GIT_CONFIG_NOSYSTEM": "1", "LOGNAME": "loginname", "USER": "loginname",
                   "HOME": str(home)}

    def ledger(*args: str, **extra: str) -> str:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), *args], check=True,
                              capture_output=True, text=True,
                              env={**environment, **extra}).stdout

    def last_by() -> str:
        return str(json.loads(ledger("log", "--format", "json"))[-1]["by"])

    ledger("party", "add", "p1", "--name", "One")
    assert last_by() == "loginname"
    subprocess.run(["git", "init", "-q", str(small.parent)], check=True, env=environment)
    subprocess.run(["git", "-C", str(small.parent), "config", "user.name", "Git Name"],
                   check=True, env=environment)
    ledger("party", "add", "p2", "--name", "Two")
    assert last_by() == "Git Name"
    ledger("party", "add", "p3", "--name", "Three", COMPLIANCE_LEDGER_AUTHOR="Variable")
    assert last_by() == "Variable"
    ledger("party", "add", "p4", "--name", "Four", "--by", "Option",
           COMPLIANCE_LEDGER_AUTHOR="Variable")
    assert last_by() == "Option"
