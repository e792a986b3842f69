"""The README and the pages in docs/, run as written: every `$ ledger` command they show."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import git_environment
from typer.testing import CliRunner

import ledger
from ledger.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
NOW = "2026-11-29T12:00:00Z"
"""The clock the docs' examples run under: the ids they show are the ids made at this time."""
RUN_BY_THEIR_OWN_TEST = {"team.md": "test_working_as_a_team_runs_as_written"}
"""Pages whose commands need the installed script and real git merges: run by a slow test."""


@dataclass
class Command:
    """One `$ ...` line of a fenced sh block, with what the page says it prints and exits with."""

    line: str
    exits: int = 0
    output: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return shlex.split(self.line, comments=True)


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)


def commands_of(block: str) -> list[Command]:
    """Continuation lines joined; a trailing `# exits N` says the command exits N; the lines
    after a command (but comments) are what it prints on stdout."""
    found: list[Command] = []
    for line in block.replace("\\\n", " ").splitlines():
        if line.startswith("$ "):
            exits = re.search(r"#\s*exits (\d+)", line)
            found.append(Command(line[2:], int(exits.group(1)) if exits else 0))
        elif found and line.strip() and not line.startswith("#"):
            found[-1].output.append(line)
    return found


def ledger_lines(text: str) -> list[Command]:
    return [command for block in sh_blocks(text) for command in commands_of(block)
            if command.words[:1] == ["ledger"]]


def runs_ledger(block: str) -> bool:
    return any(command.words[:1] == ["ledger"] for command in commands_of(block))


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


def test_the_set_up_test_command_is_what_ci_runs() -> None:
    """The README's second set-up line is the last line of .ci/run, and installs the working tree
    in place (-e), so that the tests exercise the files being edited."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Set-up\n.*?```sh\n(.*?)```", text, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line and not line.startswith("#")]
    assert len(lines) == 2
    assert lines[0] == ("python3 -m venv .venv && .venv/bin/pip install -q . && "
                        ".venv/bin/ledger report")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert lines[1] == ci
    assert ci.startswith("python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && ")


def test_the_tests_exercise_the_working_tree(tmp_path: Path) -> None:
    """The package imported here, and by this interpreter from any other folder, is the one in
    this repository, not a copy installed into site-packages."""
    assert Path(ledger.__file__).resolve().is_relative_to(ROOT)
    done = subprocess.run([sys.executable, "-c", "import ledger; print(ledger.__file__)"],
                          cwd=tmp_path, capture_output=True, text=True, check=True,
                          env={key: value for key, value in os.environ.items()
                               if key != "PYTHONPATH"})
    assert Path(done.stdout.strip()).resolve().is_relative_to(ROOT), done.stdout


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
    block = re.search(r"what it shows at 80 columns[^`]*?\(`ledger (.*?)`\):\n\n```\n(.*?)```",
                      text, re.S)
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
    assert (ROOT / "docs" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_example_status_names_the_entries_behind_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Every entry id the README's list of the example's statuses cites is an entry of that
    term's obligation, and every entry of the example is cited: the list cannot rot silently."""
    import json

    text = README.read_text(encoding="utf-8")
    listed = text[text.index("Each status of the example"):text.index("**What overdue means**")]
    cited = re.findall(r"`([0-9a-f]{8})`", listed)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    result = CliRunner().invoke(app, ["evidence", "list", "--format", "json", "--example"])
    assert result.exit_code == 0, result.stderr
    entries = {entry["id"][:8]: entry for entry in json.loads(result.stdout)}
    assert sorted(cited) == sorted(entries), "each entry cited once, and only real entries"
    for bullet in listed.split("\n- ")[1:]:
        for prefix in re.findall(r"`([0-9a-f]{8})`", bullet):
            assert f"`{entries[prefix]['term']}`" in bullet, (prefix, bullet[:60])


def test_the_readme_tour_shows_examples_that_the_reference_runs() -> None:
    """Every `$ ledger` line of the README is the quick start's, or an example of
    docs/commands.md (where the next test runs it), word for word."""
    readme = README.read_text(encoding="utf-8")
    quick_start = quick_start_commands()
    reference = [command.words for command in
                 ledger_lines((DOCS / "commands.md").read_text(encoding="utf-8"))]
    shown = [command.words for command in ledger_lines(readme)]
    assert len(shown) > len(quick_start)
    for words in shown:
        assert words[1:] in quick_start or words in reference, " ".join(words)


def pages_to_run() -> list[str]:
    pages = sorted(path.name for path in DOCS.glob("*.md")
                   if ledger_lines(path.read_text(encoding="utf-8")))
    assert "commands.md" in pages and "importing.md" in pages
    assert set(RUN_BY_THEIR_OWN_TEST) <= set(pages)
    return [page for page in pages if page not in RUN_BY_THEIR_OWN_TEST]


@pytest.mark.parametrize("page", pages_to_run())
def test_each_page_runs_as_written(page: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's fenced sh blocks, in order, in one folder where the README's quick start ran,
    under the docs' clock: `ledger` in this process, any other line in bash. Each command exits
    as the page says (0 unless `# exits N`) and prints what the page shows under it."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copytree(DOCS / "import", folder / "docs" / "import")
    git_environment(tmp_path, monkeypatch)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    monkeypatch.setenv("COMPLIANCE_LEDGER_NOW", NOW)
    monkeypatch.setenv("COMPLIANCE_LEDGER_AUTHOR", "analyst")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(folder)
    runner = CliRunner()
    for words in quick_start_commands():
        assert runner.invoke(app, words).exit_code == 0, words
    text = (DOCS / page).read_text(encoding="utf-8")
    for block in sh_blocks(text):
        for command in commands_of(block):
            words = command.words
            if words[0] == "ledger":
                target = None
                if ">" in words:
                    target, words = folder / words[words.index(">") + 1], words[:words.index(">")]
                result = runner.invoke(app, words[1:])
                exit_code, stdout, stderr = result.exit_code, result.stdout, result.stderr
                if target is not None:
                    target.write_text(stdout, encoding="utf-8")
            else:
                done = subprocess.run(["bash", "-c", command.line], cwd=folder,
                                      capture_output=True, text=True, check=False)
                exit_code, stdout, stderr = done.returncode, done.stdout, done.stderr
            assert exit_code == command.exits, f"{page}: $ {command.line}\n{stderr}"
            if command.output:
                assert stdout.splitlines() == command.output, f"{page}: $ {command.line}"


@pytest.mark.slow
def test_working_as_a_team_runs_as_written(tmp_path: Path) -> None:
    """docs/team.md's workflow, run as one shell script with the installed `ledger` and real
    git: the merge is git's, through the driver that `git-setup` registers."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    text = (DOCS / "team.md").read_text(encoding="utf-8")
    blocks = [block for block in sh_blocks(text) if "git merge" in block]
    assert len(blocks) == 1
    assert [block for block in sh_blocks(text) if runs_ledger(block)] == blocks
    lines = [command.line for command in commands_of(blocks[0])]
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


def test_the_readme_shows_what_the_teams_finding_prints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's finding workflow: each command an example of docs/commands.md (where it runs
    in order), and the grid it shows what those commands print on a copy of the example."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The team's own finding"):text.index("## Using it from Python")]
    commands = commands_of(sh_blocks(section)[0])
    grid = re.search(r"The grid, at 80 columns[^`]*```\n(.*?)```", section, re.S)
    assert grid is not None
    reference = {command.line for block in
                 sh_blocks((DOCS / "commands.md").read_text(encoding="utf-8"))
                 for command in commands_of(block)}
    assert [command.words[3] for command in commands] == ["assess", "assessment", "report",
                                                          "report"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    environment = {"COLUMNS": "80", "NO_COLOR": "1", "COMPLIANCE_LEDGER_NOW": NOW,
                   "COMPLIANCE_LEDGER_AUTHOR": "analyst"}
    runner = CliRunner()
    assert runner.invoke(app, ["-f", "doha.json", "init", "--example", "doha-2020"],
                         env=environment).exit_code == 0
    for command in commands:
        assert command.line in reference, command.line
        result = runner.invoke(app, command.words[1:], env=environment)
        assert result.exit_code == 0, (command.line, result.stderr)
        assert result.stdout.splitlines()[:len(command.output)] == command.output
    assert result.stdout.startswith(grid.group(1))
