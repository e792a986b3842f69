"""Tables at 60, 80, 120 and 200 columns: nothing split, cut, dropped or padded; a header and a
legend; colours that tell disputed from overdue; long text bounded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import Run, add_evidence, as_json, ok
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len as width_of  # Rich's measure, not the one under test
from typer.testing import CliRunner, Result

from ledger.cli import app
from ledger.render import table
from ledger.render.table import LIST_LIMIT, wrap

WIDTHS = (60, 80, 120, 200)
NOW = {"COMPLIANCE_LEDGER_NOW": "2027-01-15T12:00:00Z"}
SGR = re.compile(r"\x1b\[[0-9;]*m")
LONG_TERM = "jd-3-a-very-long-term-identifier-for-tests"
"""Longer than a free-text column's narrowest width: a table that let it wrap would split it."""


@pytest.fixture(scope="module")
def rich_ledger_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, str]]:
    """The bundled example, plus a party with a wide (CJK) name and one with a combining mark,
    an entry the first disputes, a retracted entry and a term with a long id: what the tables
    must lay out. Made once."""
    path = tmp_path_factory.mktemp("rich") / "ledger.json"
    runner = CliRunner()

    def run(*args: str) -> Result:
        return ok(runner.invoke(app, ["-f", str(path), *args],
                                env={"COMPLIANCE_LEDGER": None}))

    run("init", "--example", "doha-2020")
    run("party", "add", "observer-mission", "--name", "和平 Observer Mission of the Region",
        "--role", "observer")
    # a combining mark (U+0301, the first above U+0300) takes no cell
    run("party", "add", "comite", "--name", "Comite\u0301 de suivi", "--role", "monitor")
    run("term", "add", LONG_TERM, "--title", "A term with a long id", "--category", "ceasefire",
        "--obligor", "taliban", "--due", "2020-12-31", "--agreement", "us-taliban-2020")
    entry = ("evidence", "add", "--summary", "Said so")
    disputed = run(*entry, "--term", LONG_TERM, "--claimant", "observer-mission", "--stance",
                   "disputes", "--date", "2020-11-02").stdout.strip()
    retracted = run(*entry, "--term", "doha-1", "--claimant", "un-monitoring-team", "--stance",
                    "claims", "--date", "2021-08-31", "--subject", "us").stdout.strip()
    run("evidence", "retract", retracted, "--reason", "Wrong term")
    return path.read_bytes(), {"disputed": disputed, "retracted": retracted}


@pytest.fixture
def rich_ledger(ledger_path: Path, rich_ledger_made: tuple[bytes, dict[str, str]]
                ) -> dict[str, str]:
    ledger_path.write_bytes(rich_ledger_made[0])
    return rich_ledger_made[1]


def _lines(text: str) -> list[str]:
    return SGR.sub("", text).splitlines()


def _check_layout(text: str, width: int, whole: set[str]) -> None:
    lines = _lines(text)
    for line in lines:
        assert line == line.rstrip(), f"trailing spaces: {line!r}"
        assert width_of(line) <= width, f"{width_of(line)} cells > {width}: {line!r}"
    # Ids, dates and statuses are never split: each stands whole between spaces on some line.
    tokens = {token for line in lines for token in re.split(r"[\s,]+", line)}
    missing = {value for value in whole if value not in tokens}
    assert not missing, f"split or dropped at {width} columns: {sorted(missing)[:10]}"


def _whole_values(report: dict[str, object]) -> set[str]:
    values: set[str] = set()
    for party in report["parties"]:  # type: ignore[attr-defined]
        for item in party["obligations"]:
            values |= {item["term"], item["status"], *item["claimed_by"], *item["disputed_by"]}
            values |= {value for value in (item["due"], item["latest"]) if value}
    return values


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_every_width_and_splits_nothing(run: Run, rich_ledger: dict[str, str],
                                                    width: int) -> None:
    report = as_json(run("report", "--as-of", "2021-09-01", "--format", "json"))
    text = ok(run("report", "--as-of", "2021-09-01", env={"COLUMNS": str(width)})).stdout
    _check_layout(text, width, _whole_values(report))
    legend = text.index("OVERDUE = the due day passed before 2021-09-01")
    items = [item for party in report["parties"] for item in party["obligations"]]
    disputed = sum(item["deadline"] == "overdue" for item in items)
    unknown = sum(item["deadline"] == "past due, no evidence" for item in items)
    assert disputed and unknown, "the ledger shows both kinds of overdue"
    table = " ".join(text[:legend].split())
    assert table.count("OVERDUE") == disputed
    captions = sum(bool(party["counts"]["past_due_no_evidence"]) for party in report["parties"])
    assert table.count("past due, no evidence") == unknown + captions
    words = {word for party in report["parties"] for item in party["obligations"]
             for word in item["title"].split()}
    shown = set(" ".join(_lines(text)).split())
    assert words <= shown, "every title is shown, wrapped only at spaces"


@pytest.mark.parametrize("width", WIDTHS)
def test_evidence_list_keeps_every_column_at_every_width(run: Run, rich_ledger: dict[str, str],
                                                         width: int) -> None:
    entries = as_json(run("evidence", "list", "--include-retracted", "--format", "json"))
    text = ok(run("evidence", "list", "--include-retracted",
                  env={"COLUMNS": str(width)})).stdout
    whole = {value for entry in entries
             for value in (entry["id"], entry["date"], entry["term"], entry["stance"])}
    _check_layout(text, width, whole)
    flat = " ".join(" ".join(_lines(text)).split())
    for entry in entries:
        assert entry["summary"] in flat
    assert "和平 Observer Mission of the Region" in flat, "names wrap only between words"
    rows, _, legend = text.rpartition("\nRETRACTED: recorded wrong, so it never counts")
    assert "Retracted" in rows and rows.count("RETRACTED") == 1 and "CORRECTED" not in rows
    assert "CORRECTED" not in legend, (
        "the legend says only the marks its rows bear")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("words", [
    ("term", "list"), ("party", "list"), ("agreement", "list"), ("log",),
    ("term", "show", LONG_TERM), ("term", "show", "doha-1"),
    ("changes", "--since", "2020-01-01", "--until", "2021-12-31")])
def test_every_table_fits_every_width(run: Run, rich_ledger: dict[str, str], width: int,
                                      words: tuple[str, ...]) -> None:
    text = ok(run(*words, env={"COLUMNS": str(width)})).stdout
    terms = {term["id"] for term in as_json(run("term", "list", "--format", "json"))}
    _check_layout(text, width, {term for term in terms if term in text.replace("\n", " ")})
    if words[0] == "term":
        assert "Agreement" in text or words[1] == "show"
    if words == ("party", "list"):  # a list of names is a column, never an unlabelled line
        aliases = next(line for line in _lines(text) if "USFOR-A;" in line)
        assert "    Aliases: USFOR-A;" in aliases or re.search(
            r"^Id +Name +Role +Aliases$", text, re.MULTILINE), text


@pytest.mark.parametrize("width", (80, 200))
@pytest.mark.parametrize("words", [("report",), ("evidence", "list"), ("log",), ("term", "list"),
                                   ("party", "list")])
def test_columns_line_up_under_their_headings(run: Run, rich_ledger: dict[str, str], width: int,
                                              words: tuple[str, ...]) -> None:
    """Every line of a table has the gap before each column where its heading has it: a cell
    padded short or long would shift the cells after it (wide characters count two cells)."""
    for colour in ({}, {"FORCE_COLOR": "1"}):
        lines = _lines(ok(run(*words, env={"COLUMNS": str(width), **colour})).stdout)
        rules = [number for number, line in enumerate(lines) if line.startswith("───")]
        assert rules, "a table has a rule under its headings"
        for rule in rules:
            top = rule - 1  # headings that wrap take several lines, down to the rule
            while top > 0 and lines[top - 1]:
                top -= 1
            starts = [match.start() for line in lines[top:rule]
                      for match in re.finditer(r"(?<=  )\S", line)]
            assert starts, lines[rule - 1]
            body = lines[rule + 1:]
            body = body[:body.index("")] if "" in body else body
            for line in body:
                if re.match(r" {4}\S", line) and 4 not in starts:
                    continue  # a cell moved under its row, on a line of its own
                begins = {width_of(line[:match.start()])
                          for match in re.finditer(r"(?:^|(?<=  ))\S", line)}
                assert begins <= {0, *starts}, (
                    f"{words} at {width}: a cell begins off its column in {line!r}")


def test_evidence_show_fits_60_columns(run: Run, rich_ledger: dict[str, str]) -> None:
    text = ok(run("evidence", "show", rich_ledger["retracted"], env={"COLUMNS": "60"})).stdout
    _check_layout(text, 60, {rich_ledger["retracted"], "2021-08-31"})
    assert "RETRACTED at" in text and "Wrong term" in text


def test_header_and_legend_say_what_a_report_is(run: Run, rich_ledger: dict[str, str]) -> None:
    text = ok(run("report", "--as-of", "2021-01-31", "--known-at", "2027-01-01",
                  env={**NOW, "COLUMNS": "200"})).stdout
    lines = _lines(text)
    title = as_json(run("report", "--format", "json"))["title"]
    assert lines[0] == title
    assert lines[1].startswith("Compliance report · as of 2021-01-31 · as known at 2027-01-01")
    assert lines[1].endswith("made on 2027-01-15")
    assert "Status words: claimed = every claimant's latest entry says the party complies" in text
    assert ("Deadlines: OVERDUE = the due day passed before 2021-01-31, no condition is unmet, "
            "and the latest entries dispute compliance (disputed or contested); 'past due, no "
            "evidence' = the due day passed before 2021-01-31, no condition is unmet, and no "
            "entry says either way (or only stale ones): not a finding that the party failed; "
            "'waits on T' = ") in " ".join(text.split())
    assert "late =" not in text and "ended D" not in text, "no word the report does not show"
    shown = as_json(run("report", "--as-of", "2021-01-31", "--format", "json"))
    claimants = {claimant for party in shown["parties"] for item in party["obligations"]
                 for claimant in (*item["claimed_by"], *item["disputed_by"])}
    parties = " ".join(line for line in lines if line)
    named = set(re.findall(r"([a-z0-9-]+) = ", parties[parties.index("Parties: "):
                                                     parties.index("Status words:")]))
    assert claimants and named == claimants, "the table shows claimants by id, named below"
    # One blank line before each party's heading.
    for party in as_json(run("report", "--format", "json"))["parties"]:
        heading = lines.index(f"{party['name']} ({party['id']})")
        assert lines[heading - 1] == "" and lines[heading - 2] != ""
    today = ok(run("term", "show", "doha-1", env={**NOW, "COLUMNS": "80"})).stdout
    assert _lines(today)[1] == "Term · made on 2027-01-15"
    assert "'waits on T' = T, a term it depends on" in " ".join(today.split())
    overdue = ok(run("report", "--as-of", "2021-09-01", env={**NOW, "COLUMNS": "80"})).stdout
    assert "OVERDUE = the due day passed before 2021-09-01" in " ".join(overdue.split())


def test_colours_tell_disputed_from_overdue(run: Run, rich_ledger: dict[str, str]) -> None:
    text = ok(run("report", "--as-of", "2021-09-01", env={
        "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200", "NO_COLOR": ""})).stdout

    def codes_before(word: str) -> set[str]:
        return set(re.findall(r"((?:\x1b\[[0-9;]*m)+)" + re.escape(word), text))

    disputed, overdue = codes_before("disputed"), codes_before("OVERDUE")
    assert disputed and overdue and not disputed & overdue
    plain = ok(run("report", env={"NO_COLOR": "1", "FORCE_COLOR": "1",
                                  "TERM": "xterm-256color"})).stdout
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", plain), "NO_COLOR: no colour codes"


def test_a_very_long_field_is_cut_in_tables_with_the_command_that_shows_it(
        run: Run, small: Path) -> None:
    summary = "word " * 220_000  # 1.1 MB
    entry = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
                   "claims", "--date", "2024-05", "--summary", summary)).stdout.strip()
    listed = ok(run("evidence", "list", env={"COLUMNS": "80"})).stdout
    assert f"[cut at {LIST_LIMIT:,} of {len(summary):,} characters; `ledger evidence show " \
           f"{entry}` shows it whole]" in " ".join(listed.split())
    assert len(listed) < 4 * LIST_LIMIT
    shown = ok(run("evidence", "show", entry, env={"COLUMNS": "80"})).stdout
    assert f"`ledger evidence show {entry} --format json` shows it whole" in " ".join(
        shown.split())
    assert len(shown) < 30_000
    whole = json.loads(ok(run("evidence", "show", entry, "--format", "json")).stdout)
    assert whole["summary"] == summary


@given(st.text(alphabet=st.sampled_from("ab cé和\n"), max_size=80), st.integers(2, 30),
       st.integers(0, 3))
def test_wrap_keeps_every_word_within_the_width(text: str, width: int, hang: int) -> None:
    lines = wrap(text, width, hang)
    assert all(width_of(line) <= width for line in lines)
    if all(width_of(word) <= width - hang for word in text.split()):
        assert " ".join(lines).split() == text.split(), "words whole and in order"
    assert "".join("".join(lines).split()) == "".join(text.split()), "no character lost"
    paragraphs = [wrap(paragraph, width, hang) for paragraph in text.split("\n")]
    assert lines == [line for wrapped in paragraphs for line in wrapped]
    for wrapped in paragraphs:  # the lines a paragraph wraps onto are indented by `hang`
        if hang <= width - 2 and all(width_of(word) <= width - hang
                                     for word in " ".join(wrapped).split()):
            assert all(line.startswith(" " * hang) for line in wrapped[1:]), wrapped


def test_a_table_keeps_none_of_its_words_once_printed(run: Run, rich_ledger: dict[str, str]
                                                      ) -> None:
    """Words' widths are cached while a table is laid out, and forgotten after: a program that
    prints many tables does not keep their words."""
    listed = ok(run("evidence", "list", env={"COLUMNS": "60"})).stdout
    assert "和平" in listed, "a name whose words are measured one by one (not ASCII)"
    assert table._word_width.cache_info().currsize == 0


def test_a_long_obligor_name_wraps_in_term_show(run: Run, small: Path) -> None:
    """An obligor is a name: it wraps between words, so no line is wider than the terminal."""
    ok(run("party", "add", "mission", "--name", "The Special Monitoring Mission of the "
           "Organisation for Security and Co-operation in Europe"))
    ok(run("term", "add", "patrol", "--agreement", "accord", "--title", "Patrol the line",
           "--category", "monitoring", "--obligor", "mission"))
    ok(run("term", "amend", "patrol", "--effective", "2024-01-01", "--due", "2024-06-30",
           "--reason", "Dated"))
    add_evidence(run, "patrol", "monitor", "disputes", "2024-07")
    for width in WIDTHS:
        text = ok(run("term", "show", "patrol", env={"COLUMNS": str(width)})).stdout
        _check_layout(text, width, {"patrol"})
        assert "Monitoring Mission" in " ".join(text.split())
        status = _headings(text)[0]
        assert status.startswith("Obligor "), (width, status)  # the name stays in its column


def _headings(text: str) -> list[str]:
    """The heading line of each table: the line above each rule of box-drawing dashes."""
    lines = _lines(text)
    return [lines[number - 1] for number, line in enumerate(lines)
            if line and set(line) == {"─"}]


@pytest.mark.parametrize("width", (60, 80, 120))
def test_a_report_keeps_one_layout_from_party_to_party(run: Run, rich_ledger: dict[str, str],
                                                       width: int) -> None:
    """Every party's table has the same columns in the same places, whatever its own rows
    hold; the terms of the example's parties differ in length and in what they show."""
    for words in (("report", "--as-of", "2020-12-31"), ("report",),
                  ("report", "--party", "taliban", "--party", "afghan-gov", "--as-of",
                   "2020-12-31")):
        headings = _headings(ok(run(*words, env={"COLUMNS": str(width)})).stdout)
        assert len(headings) >= 2 and len(set(headings)) == 1, (words, headings)


def test_a_column_empty_in_every_row_is_left_out(run: Run, small: Path) -> None:
    """Retracted, with nothing retracted, is not a column of the table (nor are the others
    when empty throughout); it is when an entry is retracted, and CSV keeps every column."""
    add_evidence(run, "withdraw", "monitor", "claims", "2021-05")
    gone = add_evidence(run, "release", "monitor", "disputes", "2021-06", "--subject", "south")
    listed = ok(run("evidence", "list", "--include-retracted", env={"COLUMNS": "120"})).stdout
    assert _headings(listed) == ["Id            Date     Term      Stance    Subject    "
                                 "Claimant      Summary"], _headings(listed)
    assert "retracted" in ok(run("evidence", "list", "--format", "csv")).stdout.splitlines()[0]
    assert "notes =" not in listed, "a legend of what is shown"
    add_evidence(run, "withdraw", "monitor", "notes", "2021-07")
    noted = ok(run("evidence", "list", env={"COLUMNS": "120"})).stdout
    assert "Also: notes = an entry that gives context and says neither" in noted
    ok(run("evidence", "retract", gone, "--reason", "Wrong party"))
    listed = ok(run("evidence", "list", "--include-retracted", env={"COLUMNS": "120"})).stdout
    assert "Retracted" in _headings(listed)[0] and "RETRACTED" in listed


def test_a_grid_labels_every_period_that_goes_under_its_row(run: Run, small: Path) -> None:
    """`report --by` at 80 columns: the periods that do not fit beside the term go under it,
    each with its period; the legend says only what the grid shows (no `-` where every term
    bound its party, no `a / b` without a finding, no claimants, which it never shows)."""
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    text = ok(run("report", "--by", "quarter", "--since", "2020", "--until", "2021",
                  "--party", "north", env={"COLUMNS": "80"})).stdout
    headings = _headings(text)
    assert headings and headings[0].split()[:2] == ["Term", "2020-Q1"], headings
    quarters = [f"{year}-Q{quarter}" for year in (2020, 2021) for quarter in (1, 2, 3, 4)]
    for row_term in ("withdraw", "release"):
        block = text[text.index(f"\n{row_term} "):].split("\n\n")[0]
        shown = [quarter for quarter in quarters
                 if quarter in headings[0] or f"    {quarter}: " in block]
        assert shown == quarters, (row_term, block)
    assert "a / b" not in text and "Parties:" not in text and "\n-:" not in text
    assert "disputed = every claimant's latest entry says it does not" in " ".join(text.split())
    assert "claimed =" not in text, "no word the grid does not show"
    assert "past due" not in text, "the table's cells show no deadline"
    page = ok(run("report", "--by", "quarter", "--since", "2020", "--until", "2021",
                  "--party", "north", "--format", "html")).stdout
    assert "past due, no evidence" in page and "&#39;past due, no evidence&#39; = the due day" \
        in page, "the page's cells do, and its legend says what that means"


def test_a_list_of_long_names_goes_under_its_row_not_down_it(run: Run, small: Path) -> None:
    """At 80 columns a term bound by three long-named parties lists them on a labelled line
    under its row, rather than a word a line down a narrow column."""
    for party, name in (("dpr", "So-called Donetsk People's Republic"),
                        ("lpr", "So-called Luhansk People's Republic")):
        ok(run("party", "add", party, "--name", name))
    ok(run("term", "add", "m2-1", "--title", "Immediate ceasefire", "--category",
           "ceasefire", "--obligor", "north", "--obligor", "dpr", "--obligor", "lpr",
           "--due", "2015-02-15", "--article", "Point 1"))
    text = ok(run("term", "list", env={"COLUMNS": "80"})).stdout
    _check_layout(text, 80, {"m2-1", "2015-02-15"})
    row = text[text.index("\nm2-1 "):].split("\nceasefire ")[0].split("\nrelease ")[0]
    assert "    Obligors: Northland, So-called Donetsk People's Republic" in row, row
    assert "Obligors" not in _headings(text)[0]
    wide = ok(run("term", "list", env={"COLUMNS": "200"})).stdout
    assert "Obligors" in _headings(wide)[0], "where they fit, they stay in the row"
