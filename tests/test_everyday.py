"""Everyday use: the conventions people bring from git, gh and hledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Run, as_json, ok
from typer.testing import CliRunner

from ledger.cli import app


def test_short_flags_for_evidence_add(run: Run, small: Path) -> None:
    """`-t -c -s -d -m -q`, as git's `-m`: the same entry as the long options would record."""
    short = ok(run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                   "-s", "disputes", "-d", "2020-04", "-m", "Nobody released",
                   "-q", "not one prisoner")).stdout.strip()
    entry = as_json(run("evidence", "show", short, "--format", "json"))
    assert (entry["term"], entry["claimant"], entry["stance"], entry["date"], entry["summary"],
            entry["quote"]) == ("release", "monitor", "disputes", "2020-04", "Nobody released",
                                "not one prisoner")
    help_text = ok(run("evidence", "add", "--help")).stdout
    for flag in ("-t", "-c", "-s", "-d", "-m", "-q"):
        assert f"{flag} " in help_text or f"{flag}," in help_text, flag


def test_the_ledger_is_found_in_a_parent_folder_up_to_the_git_top(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As git finds its repository: from `pretoria/sources/`, `pretoria/ledger.json`; never a
    ledger above the work tree's top; and `init` creates one here."""
    import subprocess

    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    runner = CliRunner()
    project = tmp_path / "outer" / "pretoria"
    sources = project / "sources" / "2022"
    sources.mkdir(parents=True)
    monkeypatch.chdir(project)
    ok(runner.invoke(app, ["init", "--title", "Pretoria monitor"]))
    monkeypatch.chdir(sources)
    report = runner.invoke(app, ["report", "--format", "json"])
    assert json.loads(ok(report).stdout)["title"] == "Pretoria monitor"
    assert report.stderr == ""
    ok(runner.invoke(app, ["party", "add", "tplf", "--name", "TPLF"]))
    assert "tplf" in (project / "ledger.json").read_text(), "a write goes to the found ledger"
    assert not (sources / "ledger.json").exists()

    subprocess.run(["git", "init", "-q", str(sources)], check=True)
    inside = runner.invoke(app, ["report", "--format", "json"])
    assert "no ledger.json here or in a parent folder" in ok(inside).stderr
    assert json.loads(inside.stdout)["title"].endswith(
        "(the bundled example 'doha-2020': no ledger.json was found)")
    table = ok(runner.invoke(app, ["report"], env={"COLUMNS": "200"})).stdout
    assert table.splitlines()[0].endswith("(the bundled example 'doha-2020': no ledger.json "
                                          "was found)"), "a redirected report says what it is"
    ok(runner.invoke(app, ["init", "--title", "Inner"]))
    assert json.loads((sources / "ledger.json").read_text())["title"] == "Inner"
    monkeypatch.chdir(project / "sources")
    ok(runner.invoke(app, ["init", "--title", "Here, not the parent's"]))
    assert (project / "sources" / "ledger.json").exists()


def test_the_file_option_after_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """`-f/--file` before or after the command, one definition; a value that is `-f` stays a
    value, and nothing after `--` moves."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    runner = CliRunner()
    path = tmp_path / "peace.json"
    ok(runner.invoke(app, ["init", "--title", "Peace", "-f", str(path)]))
    ok(runner.invoke(app, ["party", "add", "north", "--name", "North", "--file", str(path)]))
    ok(runner.invoke(app, ["agreement", "add", "accord", "--title", "Accord",
                           f"--file={path}"]))
    ok(runner.invoke(app, ["term", "add", "t1", "--title", "T", "--category", "c",
                           "--obligor", "north", "-f", str(path)]))
    entry = ok(runner.invoke(app, ["evidence", "add", "-t", "t1", "-c", "north", "-s",
                                   "claims", "-d", "2024", "-m", "-f", "-f", str(path)]))
    shown = json.loads(ok(runner.invoke(app, ["evidence", "show", entry.stdout.strip(),
                                              "--format", "json", "-f", str(path)])).stdout)
    assert shown["summary"] == "-f"
    report = json.loads(ok(runner.invoke(app, ["report", "--format", "json", "-f",
                                               str(path)])).stdout)
    assert report["title"] == "Peace"
    assert not (tmp_path / "ledger.json").exists()
    twice = runner.invoke(app, ["-f", str(path), "report", "-f", str(path)])
    assert twice.exit_code == 2 and "given both before and after the command" in twice.stderr
    after_dashes = runner.invoke(app, ["evidence", "show", "--", "-f", str(path)])
    assert after_dashes.exit_code != 0
