"""The README's quick start, run command by command as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ledger.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def quick_start_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n\n```sh\n(.*?)```", text, re.S)
    assert block is not None
    joined = block.group(1).replace("\\\n", " ")
    return [shlex.split(line[2:])[1:] for line in joined.splitlines() if line.startswith("$ ")]


def test_the_quick_start_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    commands = quick_start_commands()
    assert [words[0] for words in commands] == [
        "init", "party", "party", "party", "agreement", "term", "evidence", "evidence", "report"]
    runner = CliRunner()
    for words in commands:
        result = runner.invoke(app, words, env={"COLUMNS": "120"})
        assert result.exit_code == 0, (words, result.stderr)
    assert "contested" in result.stdout and "Joint Monitoring Team" in result.stdout
    assert "OVERDUE" in result.stdout


def test_the_python_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The README's library example, run in a fresh folder; its printed lines are checked."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Using it from Python\n.*?```python\n(.*?)```", text, re.S)
    assert block is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(block.group(1), "README.md", "exec"), {})  # noqa: S102
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "disputed ('monitors',) True"
    assert printed[1] == "True"
    assert printed[2].startswith("peace.json: ok: 1 agreements, 2 parties, 1 terms, 1 evidence")
    assert (tmp_path / "peace.json").exists()


def test_the_report_shown_is_the_report_printed_at_80_columns(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"what it shows at 80 columns\n\(`ledger (.*?)`\):\n\n```\n(.*?)```", text,
                      re.S)
    assert block is not None
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    made_on = re.search(r"made on (\d{4}-\d{2}-\d{2})", block.group(2))
    assert made_on is not None
    result = CliRunner().invoke(app, shlex.split(block.group(1)), env={
        "COLUMNS": "80", "COMPLIANCE_LEDGER_NOW": f"{made_on.group(1)}T12:00:00Z"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == block.group(2)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert (README.parent / "docs" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_working_as_a_team_runs_as_written(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's team workflow, run as one shell script with the installed `ledger` and
    real git: the merge is git's, through the driver that `git-setup` registers."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Working as a team\n.*?```sh\n(.*?)```", text, re.S)
    assert block is not None
    lines = [line[2:] for line in block.group(1).replace("\\\n", " ").splitlines()
             if line.startswith("$ ")]
    assert any(line.startswith("git merge") for line in lines)
    (tmp_path / "gitconfig").write_text("")
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
                   "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    environment.pop("COMPLIANCE_LEDGER", None)
    for name in ("AUTHOR", "COMMITTER"):
        environment[f"GIT_{name}_NAME"] = "Analyst"
        environment[f"GIT_{name}_EMAIL"] = "analyst@example.org"
    script = "set -euo pipefail\n" + "\n".join(lines) + "\n"
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("only grew since") == 0
    assert done.stdout.count("only grew since alice:ledger.json") == 1
    assert done.stdout.count("only grew since report-2020-06:ledger.json") == 1
    folder = tmp_path / "monitoring"
    assert (folder / "report-2020-06.html").read_text().startswith("<!DOCTYPE html>")
    log = subprocess.run(["git", "log", "--format=%s", "-1"], cwd=folder, env=environment,
                         capture_output=True, text=True, check=True).stdout
    assert log == "Merge branch 'alice'\n"
    tracked = subprocess.run(["git", "ls-files"], cwd=folder, env=environment,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked == [".gitattributes", ".gitignore", "000_6bf5b660281ef703.txt",
                       "003_080edd18da3400cd.txt", "doha-2020-sources.md", "ledger.json"]


def test_each_example_status_names_the_entries_behind_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every entry id the README's list of the example's statuses cites is an entry of that
    term's obligation, and every entry of the example is cited: the list cannot rot silently."""
    import json

    text = README.read_text(encoding="utf-8")
    listed = text[text.index("Each status of the example"):text.index("**What overdue means.**")]
    cited = re.findall(r"`([0-9a-f]{8})`", listed)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    result = CliRunner().invoke(app, ["evidence", "list", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    entries = {entry["id"][:8]: entry for entry in json.loads(result.stdout)}
    assert sorted(cited) == sorted(entries), "each entry cited once, and only real entries"
    for bullet in listed.split("\n- ")[1:]:
        for prefix in re.findall(r"`([0-9a-f]{8})`", bullet):
            assert f"`{entries[prefix]['term']}`" in bullet, (prefix, bullet[:60])
