"""The docs against the program: docs/commands.md against `--help`, and every link and path."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from ledger.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "commands.md"
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted(DOCS.glob("*.md"))]


def commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and group, with its words after `ledger` (the root is `()`)."""
    found = [(path, command)]
    for name, sub in (getattr(command, "commands", None) or {}).items():
        found += commands(sub, (*path, name))
    return found


def sections(text: str) -> dict[str, str]:
    """Each heading's text (backticks dropped), with what follows it up to the next heading."""
    parts = re.split(r"^#{1,6} (.*)\n", text, flags=re.M)
    return {heading.replace("`", "").strip(): body
            for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def anchor(heading: str) -> str:
    """The id GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_every_command_has_a_section_naming_every_option() -> None:
    """A section `ledger WORDS` for each command and group that `--help` lists, naming each
    option the command's `--help` shows (hidden ones aside), and each argument."""
    reference = sections(REFERENCE.read_text(encoding="utf-8"))
    every = commands(typer.main.get_command(app))
    assert len(every) > 30
    for path, command in every:
        title = " ".join(("ledger", *path))
        assert title in reference, f"docs/commands.md has no section '{title}'"
        body = reference[title]
        for parameter in command.params:
            if getattr(parameter, "hidden", False):
                continue
            if parameter.param_type_name == "argument":
                name = (parameter.metavar or parameter.name).strip("{}[]").upper()
                assert re.search(rf"\b{re.escape(name)}\b", body), (title, name)
                continue
            for option in (*parameter.opts, *parameter.secondary_opts):
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", body), (
                    f"docs/commands.md, section '{title}', does not name {option}")


def test_every_command_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, command in commands(typer.main.get_command(app)):
        if path and not getattr(command, "commands", None):
            title = " ".join(("ledger", *path))
            assert f"| [`{title}`](docs/commands.md#{anchor(title)}) |" in readme, title


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_and_anchor_exists(page: Path) -> None:
    """Relative links name files of the repository, and their anchors headings of those files."""
    text = page.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, fragment = link.partition("#")
        file = (page.parent / target).resolve() if target else page
        assert file.exists(), f"{page.name}: {link}"
        assert file.is_relative_to(ROOT), f"{page.name}: {link} leaves the repository"
        if fragment:
            headings = sections(file.read_text(encoding="utf-8"))
            assert fragment in {anchor(heading) for heading in headings}, f"{page.name}: {link}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_path_named_exists(page: Path) -> None:
    """Each repository path the page names in backticks (`ledger/...`, `tests/...::test`,
    `bench/...`, `docs/...`, `data/...`) is there, and so is each test it names."""
    text = page.read_text(encoding="utf-8")
    named = re.findall(r"`((?:ledger|tests|bench|docs|data)/[\w./-]*)(?:::(\w+))?`", text)
    for path, test in named:
        assert (ROOT / path).exists(), f"{page.name}: {path}"
        if test:
            assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), test


def test_the_changes_shown_are_what_changes_prints(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference's excerpt of `ledger changes` on the bundled example, at 80 columns."""
    text = REFERENCE.read_text(encoding="utf-8")
    command = re.search(r"^\$ ledger -f doha\.json (changes .*)$", text, re.M)
    shown = re.search(r"\(the last example above, at 80 columns; a test compares it\):\n```\n"
                      r"(.*?)```", text, re.S)
    assert command is not None and shown is not None
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    result = CliRunner().invoke(app, shlex.split(command.group(1)), env={
        "COLUMNS": "80", "NO_COLOR": "1", "COMPLIANCE_LEDGER_NOW": "2026-11-29T12:00:00Z"})
    assert result.exit_code == 0, result.stderr
    assert shown.group(1) in result.stdout


def test_the_status_rules_are_one_table_in_the_docs_and_the_readme() -> None:
    """What each status and deadline word means is written once (`rules.RULES`): the legend is
    made from it, and the README and the status rules page show the table it makes."""
    from ledger.core.rules import RULES, legend, rules_table

    for page in (ROOT / "docs" / "status-and-clocks.md", ROOT / "README.md"):
        assert rules_table() in page.read_text(encoding="utf-8"), page.name
    said = " ".join(legend("2020-01-01", showing={rule.shown_when for rule in RULES
                                                  if rule.shown_when}))
    for rule in RULES:
        assert rule.means.replace("{day}", "2020-01-01") in said, rule.word
    bare = " ".join(legend("2020-01-01"))
    assert bare == "", "a legend says only what its report shows"
    contested = " ".join(legend("2020-01-01", showing={"contested"}))
    assert contested == "Status words: contested = claimants disagree.", contested


