"""Hostile text in every output: shown literally, never markup, never an escape, never a formula."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import Run, add_evidence, ok
from hypothesis import example, given, settings
from hypothesis import strategies as st

SGR_OF_RICH = re.compile(r"\x1b\[[0-9;]*m")
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

MARKUP = "[bold red]LOUD[/bold red] [link=https://evil.example]click[/link] [/x]"
SGR = "\x1b[31mred\x1b[0m"
OSC8 = "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
OSC52 = "\x1b]52;c;ZXZpbA==\x07"
C1_CSI = "\x9b31mX"
BIDI = "\u202eevil\u202c and \u2066iso\u2069"
CONTROL = "nul\x00 del\x7f bs\x08"
SUMMARY = f"=HYPERLINK(\"https://evil.example\") {MARKUP} {SGR} {OSC8}"
QUOTE = f"@SUM(A1) {OSC52} {C1_CSI} | broken | table | # heading *emph* <b>x</b>"
SPEAKER = f"+cmd {BIDI} {CONTROL}"
FORCED_TERMINAL = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "1000",
                   "NO_COLOR": ""}


@pytest.fixture
def hostile(run: Run, small: Path) -> str:
    ok(run("party", "add", "rogue", "--name", f"-Rogue {OSC52}[i]x[/i]"))
    entry = add_evidence(run, "withdraw", "rogue", "disputes", "2024-05", "--speaker", SPEAKER,
                         "--quote", QUOTE)
    entry_id = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "north",
                      "--stance", "claims", "--date", "2024-06", "--summary", SUMMARY,
                      "--speaker", "\tTabbed", "--quote", "\rReturn")).stdout.strip()
    del entry
    return entry_id


def terminal_text(output: str) -> str:
    """What a terminal shows: Rich's own colour codes removed, and nothing else may remain."""
    plain = SGR_OF_RICH.sub("", output)
    assert not FORBIDDEN.search(plain), repr(FORBIDDEN.findall(plain))
    return plain


def visible(text: str) -> str:
    from ledger.render.text import neutralise

    return neutralise(text)


@pytest.mark.parametrize("words", [
    ("report",), ("evidence", "list"), ("term", "show", "withdraw"), ("party", "list")])
def test_table_output_shows_hostile_text_literally(run: Run, hostile: str,
                                                   words: tuple[str, ...]) -> None:
    result = ok(run(*words, env=FORCED_TERMINAL))
    assert SGR_OF_RICH.search(result.stdout), "the terminal is forced on: Rich does colour"
    shown = terminal_text(result.stdout)
    assert visible(f"-Rogue {OSC52}[i]x[/i]") in shown
    if words[0] in ("evidence", "term"):
        assert visible(SUMMARY) in shown


def test_evidence_show_table(run: Run, hostile: str) -> None:
    shown = terminal_text(ok(run("evidence", "show", hostile, env=FORCED_TERMINAL)).stdout)
    assert visible(SUMMARY) in shown
    assert "\\x1b]8;;https://evil.example\\x1b\\link" in shown
    assert "[bold red]LOUD[/bold red]" in shown
    others = terminal_text(ok(run("evidence", "list", "--claimant", "rogue", "--format", "table",
                                  env=FORCED_TERMINAL)).stdout)
    assert "Rogue" in others
    entry = json.loads(ok(run("evidence", "list", "--claimant", "rogue", "--format", "json")
                          ).stdout)[0]["id"]
    detail = terminal_text(ok(run("evidence", "show", entry, env=FORCED_TERMINAL)).stdout)
    assert visible(QUOTE) in detail and visible(SPEAKER) in detail
    assert "\\x9b31mX" in detail and "\\u202eevil\\u202c" in detail and "nul\\x00" in detail


def test_json_keeps_every_character_and_emits_no_raw_control(run: Run, hostile: str) -> None:
    result = ok(run("evidence", "list", "--format", "json", env=FORCED_TERMINAL))
    assert not FORBIDDEN.search(result.stdout.replace("\n", ""))
    entries = json.loads(result.stdout)
    by_claimant = {entry["claimant"]: entry for entry in entries}
    assert by_claimant["north"]["summary"] == SUMMARY
    assert by_claimant["rogue"]["quote"] == QUOTE
    assert by_claimant["rogue"]["speaker"] == SPEAKER
    assert by_claimant["north"]["speaker"] == "\tTabbed"
    parties = json.loads(ok(run("party", "list", "--format", "json")).stdout)
    assert parties[-1]["name"] == f"-Rogue {OSC52}[i]x[/i]"


def test_csv_cells_are_text_not_formulas(run: Run, hostile: str) -> None:
    result = ok(run("evidence", "list", "--format", "csv", env=FORCED_TERMINAL))
    assert not FORBIDDEN.search(result.stdout.replace("\n", "").replace("\t", ""))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_claimant = {row["claimant"]: row for row in rows}
    assert by_claimant["north"]["summary"] == "'" + visible(SUMMARY)
    assert by_claimant["north"]["speaker"] == "'\tTabbed"
    assert by_claimant["north"]["quote"] == "'\\x0dReturn"
    assert by_claimant["rogue"]["quote"] == "'" + visible(QUOTE)
    assert by_claimant["rogue"]["speaker"] == "'" + visible(SPEAKER)
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    parties = ok(run("party", "list", "--format", "csv")).stdout
    assert "'-Rogue" in parties


def test_markdown_escapes_structure(run: Run, hostile: str) -> None:
    result = ok(run("evidence", "list", "--format", "markdown", "--include-retracted",
                    env=FORCED_TERMINAL))
    assert not FORBIDDEN.search(result.stdout.replace("\n", ""))
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    unescaped_pipes = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert unescaped_pipes == {9}, "8 columns: every row has exactly 9 cell borders"
    assert "\\[bold red\\]LOUD\\[/bold red\\]" in result.stdout
    rogue = json.loads(ok(run("evidence", "list", "--claimant", "rogue", "--format", "json")
                          ).stdout)[0]["id"]
    shown = ok(run("evidence", "show", rogue, "--format", "markdown")).stdout
    assert "\\| broken \\| table \\|" in shown
    assert "\\<b>x\\</b>" in shown and "\\# heading \\*emph\\*" in shown
    assert {len(re.findall(r"(?<!\\)\|", line)) for line in shown.splitlines()
            if line.startswith("|")} == {3}
    report = ok(run("report", "--format", "markdown")).stdout
    assert not FORBIDDEN.search(report.replace("\n", ""))


def test_error_messages_neutralise_what_they_echo(run: Run, hostile: str, tmp_path: Path) -> None:
    result = run("evidence", "show", OSC52, env=FORCED_TERMINAL)
    assert result.exit_code == 1
    assert not FORBIDDEN.search(result.stderr.replace("\n", ""))
    assert "\\x1b]52;c;ZXZpbA==\\x07" in result.stderr
    result = run("term", "add", "t", "--title", "T", "--category", "c", "--obligor",
                 f"x{BIDI}", env=FORCED_TERMINAL)
    assert result.exit_code == 1
    assert not FORBIDDEN.search(result.stderr.replace("\n", ""))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"title": "t", "parties": [
        {"id": "p", "name": "P", "role": f"{OSC52}\u202e"}]}))
    result = run("report", file=bad, env=FORCED_TERMINAL)
    assert result.exit_code == 1 and "role" in result.stderr
    assert not FORBIDDEN.search(result.stderr.replace("\n", ""))


def test_the_saved_file_holds_no_raw_terminal_controls(hostile: str, small: Path) -> None:
    text = small.read_text(encoding="utf-8")
    assert not FORBIDDEN.search(text.replace("\n", ""))
    assert "\\u001b]52;c;ZXZpbA==\\u0007" in text and "\\u202e" in text


def test_markdown_escapes_only_what_forms_structure_where_it_stands(run: Run,
                                                                     ledger_path: Path) -> None:
    """Headings read as written (issue 18, item 9); a paragraph cannot open a list or code."""
    from ledger.render.markdown import escape

    ok(run("init", "--title", "Monitor"))
    ok(run("party", "add", "fdre", "--name", "Federal Government (FDRE)"))
    ok(run("agreement", "add", "coha", "--title", "CoHA"))
    ok(run("term", "add", "coha-services", "--title", "Restore services - banks, power",
           "--category", "services", "--obligor", "fdre"))
    shown = ok(run("term", "show", "coha-services", "--format", "markdown")).stdout
    assert "## Term coha-services\n" in shown
    assert "| Federal Government (FDRE) | no-evidence |" in shown
    report = ok(run("report", "--format", "markdown")).stdout
    assert "## Federal Government (FDRE) (fdre)\n" in report
    assert escape("a-b (c) 1. d", block=True) == "a-b (c) 1. d"
    assert escape("- item", block=True) == "\\- item"
    assert escape("+ item", block=True) == "\\+ item"
    assert escape("12) item", block=True) == "12\\) item"
    assert escape("1. item", block=True) == "1\\. item"
    assert escape("    code", block=True) == "&#32;   code"
    assert escape("- item") == "- item", "a table cell or heading holds no list"
    assert escape("# title [link](x) *em* <b>") == "\\# title \\[link\\](x) \\*em\\* \\<b>"
    assert escape("0 -> 1; C++ & C#; snake_case; 3 < 4") == \
        "0 -> 1; C++ & C#; snake_case; 3 < 4", "what forms nothing stays as it is"


_MARKDOWN_TEXT = st.text(alphabet=st.sampled_from(
    list("ab1 _*`[]()<>&#!|~$\\-+=.:;/?'\"{}^%@") + ["é", "\u00a0", "\t"]), max_size=24)


@settings(max_examples=400, deadline=None)
@given(text=_MARKDOWN_TEXT)
@example(text="<1@1>")  # an e-mail autolink that begins with a digit
def test_markdown_shows_any_text_literally_in_a_cell_a_paragraph_and_a_heading(text: str
                                                                               ) -> None:
    """A CommonMark renderer with GitHub's tables and strikethrough reads back exactly the text,
    with no tag, in each place Markdown output puts untrusted text."""
    import html

    from markdown_it import MarkdownIt

    from ledger.render.markdown import escape
    from ledger.render.text import neutralise

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    shown = neutralise(text)

    def inner(rendered: str, tag: str) -> str:
        found = re.search(rf"<{tag}>(.*)</{tag}>", rendered, re.S)
        assert found is not None, rendered
        assert "<" not in found.group(1), (text, rendered)
        return html.unescape(found.group(1))

    # White space at either end is trimmed by Markdown itself; everything else must read back.
    cell = md.render(f"| h |\n| --- |\n| {escape(text)} |\n")
    assert inner(cell, "td").strip() == shown.strip(), (text, cell)
    if shown.strip():
        paragraph = md.render(escape(text, block=True) + "\n")
        assert inner(paragraph, "p").strip() == shown.strip(), (text, paragraph)
        heading = md.render(f"## {escape(text)}\n")
        assert inner(heading, "h2").strip() == shown.strip(), (text, heading)


def test_a_spreadsheet_holds_hostile_text_as_text(run: Run, hostile: str, tmp_path: Path) -> None:
    """Formula starts, terminal escapes and markup in names, summaries, quotes and speakers
    are plain text cells of the .xlsx, never formulas, their controls written visibly."""
    import openpyxl

    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance", "notes",
           "--date", "2024-07", "--summary", "#N/A", "--speaker", "=1+1"))  # an error, a formula
    sheet = tmp_path / "entries.xlsx"
    ok(run("evidence", "list", "--format", "xlsx", "-o", str(sheet)))
    cells = [cell for row in openpyxl.load_workbook(sheet).worksheets[0].iter_rows()
             for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells), {cell.data_type for cell in cells}
    texts = [str(cell.value) for cell in cells]
    assert visible(SUMMARY) in texts and visible(SPEAKER) in texts
    assert "#N/A" in texts and "=1+1" in texts
    assert not any(FORBIDDEN.search(text) for text in texts)
