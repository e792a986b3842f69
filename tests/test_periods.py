"""Periods in options: one parser (`dates.period_bounds`), one rule for what each option means."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import INSTALLED_LEDGER, Run, add_evidence, as_json, ok

from ledger.core.dates import period_bounds

FORMS = {
    "2019": (date(2019, 1, 1), date(2019, 12, 31)),
    "2019-Q3": (date(2019, 7, 1), date(2019, 9, 30)),
    "2019Q3": (date(2019, 7, 1), date(2019, 9, 30)),
    "2019q1": (date(2019, 1, 1), date(2019, 3, 31)),
    "2020-Q1": (date(2020, 1, 1), date(2020, 3, 31)),
    "2019-H2": (date(2019, 7, 1), date(2019, 12, 31)),
    "2019h1": (date(2019, 1, 1), date(2019, 6, 30)),
    "2020-02": (date(2020, 2, 1), date(2020, 2, 29)),
    "2019-07-15": (date(2019, 7, 15), date(2019, 7, 15)),
}


@pytest.mark.parametrize(("text", "bounds"), FORMS.items())
def test_each_form_names_its_first_and_last_day(text: str, bounds: tuple[date, date]) -> None:
    assert period_bounds(text) == bounds


@pytest.mark.parametrize("text", ["2019-Q5", "2019-H3", "2019-Q0", "0000-Q1", "19-Q1", "2019 Q1",
                                  "Q3-2019", "2019-7", "soon"])
def test_anything_else_is_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="not a period|not a date"):
        period_bounds(text)


def report_as_of(run: Run, *options: str) -> object:
    report = as_json(run("report", "--format", "json", *options))
    report.pop("as_of"), report.pop("known_at")
    return report


@pytest.mark.parametrize("text", FORMS)
def test_as_of_and_known_at_mean_the_last_day(run: Run, small: Path, text: str) -> None:
    add_evidence(run, "withdraw", "monitor", "disputes", "2019-08")
    last = FORMS[text][1].isoformat()
    assert report_as_of(run, "--as-of", text) == report_as_of(run, "--as-of", last)
    assert as_json(run("report", "--format", "json", "--as-of", text))["as_of"] == last
    assert as_json(run("report", "--format", "json", "--known-at", text))["known_at"] == last


def test_a_window_of_periods_includes_its_first_day(run: Run, small: Path) -> None:
    """`--since 2019-07 --until 2019-12` and `--period 2019H2` cover the second half of 2019,
    1 July included; `evidence list` and `log` read the same forms."""
    first = add_evidence(run, "withdraw", "monitor", "disputes", "2019-07-01")
    add_evidence(run, "ceasefire", "monitor", "disputes", "2020-01-01")

    def new(*window: str) -> list[str]:
        report = as_json(run("changes", "--format", "json", *window))
        return [entry for party in report["parties"] for change in party["changes"]
                for entry in change["new_evidence"]]

    assert new("--since", "2019-07", "--until", "2019-12") == [first]
    assert new("--period", "2019H2") == [first]
    assert new("--period", "2019-Q3") == [first]
    assert new("--since", "2019-07-02", "--until", "2019-12") == []
    listed = as_json(run("evidence", "list", "--period", "2019-h2", "--format", "json"))
    assert [entry["id"] for entry in listed] == [first]
    assert as_json(run("evidence", "list", "--since", "2019-Q3", "--until", "2019",
                       "--format", "json")) == listed
    month = as_json(run("log", "--format", "json"))[0]["recorded_at"][:7]
    logged = as_json(run("log", "--period", month, "--format", "json"))
    assert logged and all(line["recorded_at"].startswith(month) for line in logged)
    assert as_json(run("log", "--period", "1999", "--format", "json")) == []


@pytest.mark.parametrize("text", FORMS)
def test_effective_means_the_last_day_of_its_period(run: Run, small: Path, text: str) -> None:
    ok(run("term", "amend", "withdraw", "--effective", text, "--due", "2025-06-30",
           "--reason", "Extended"))
    change = next(line for line in as_json(run("log", "--format", "json"))
                  if line["kind"] == "amended")
    assert change["effective"] == FORMS[text][1].isoformat()


@pytest.mark.parametrize("text", FORMS)
def test_since_and_until_mean_the_first_and_the_last_day(run: Run, small: Path,
                                                          text: str) -> None:
    """An entry on the first day of the period is within `--since P`, one on its last day
    within `--until P`; the days either side are not."""
    first, last = FORMS[text]
    before = date.fromordinal(first.toordinal() - 1).isoformat()
    after = date.fromordinal(last.toordinal() + 1).isoformat()
    days = {"before": before, "first": first.isoformat(), "last": last.isoformat(),
            "after": after}
    ids = {name: add_evidence(run, "withdraw", "monitor", "disputes", day, "--summary", name)
           for name, day in days.items()}

    def listed(*window: str) -> set[str]:
        return {entry["id"] for entry in as_json(run("evidence", "list", "--format", "json",
                                                     *window))}

    assert listed("--since", text) == {ids["first"], ids["last"], ids["after"]}
    assert listed("--until", text) == {ids["before"], ids["first"], ids["last"]}
    assert listed("--period", text) == {ids["first"], ids["last"]}


DUE_FORMS = {"2021": ("2021", "2021-12-31"), "2021h1": ("2021-H1", "2021-06-30"),
             "2021q2": ("2021-Q2", "2021-06-30"), "2021-Q1": ("2021-Q1", "2021-03-31"),
             "2021-02": ("2021-02", "2021-02-28"), "2021-04-29": ("2021-04-29", "2021-04-29")}


@pytest.mark.parametrize("text", DUE_FORMS)
def test_due_keeps_its_precision_and_falls_due_at_the_end(run: Run, small: Path,
                                                          text: str) -> None:
    """`--due P` is kept as P (a quarter or half in one spelling) and means due by the end of P:
    overdue from the next day, and a claim dated within P is not late."""
    kept, last = DUE_FORMS[text]
    ok(run("term", "correct", "withdraw", "--due", text, "--reason", "As the text says"))
    terms = as_json(run("term", "list", "--format", "json"))
    assert next(term["due"] for term in terms if term["id"] == "withdraw") == kept
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")

    def deadline(day: str) -> object:
        report = as_json(run("report", "--format", "json", "--as-of", day, "--party", "north"))
        return next(item["deadline"] for item in report["parties"][0]["obligations"]
                    if item["term"] == "withdraw")

    assert deadline(last) == "due"
    following = date.fromisoformat(last).toordinal() + 1
    assert deadline(date.fromordinal(following).isoformat()) == "overdue"
    add_evidence(run, "withdraw", "monitor", "claims", last[:7])
    assert deadline("2030-01-01") == "met", "a claim dated within the due period is in time"


@pytest.mark.slow
def test_the_installed_script_keeps_a_due_quarter(small: Path) -> None:
    environment = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z", "PATH": "/usr/bin:/bin"}

    def ledger(*args: str) -> str:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), *args], check=True,
                              capture_output=True, text=True, env=environment).stdout

    ledger("term", "add", "vote", "--agreement", "accord", "--title", "Hold a vote",
           "--category", "political", "--obligor", "south", "--due", "2021q4")
    ledger("evidence", "add", "-t", "vote", "-c", "monitor", "-s", "claims", "-d", "2022-01",
           "-m", "The vote was held")
    report = json.loads(ledger("report", "--format", "json", "--party", "south"))
    vote = next(item for item in report["parties"][0]["obligations"] if item["term"] == "vote")
    assert (vote["due"], vote["deadline"]) == ("2021-Q4", "late")


@pytest.mark.parametrize("text", ["2021-Q5", "2021-H3", "2021-13", "21"])
def test_a_due_that_is_no_period_is_refused_naming_the_option(run: Run, small: Path,
                                                              text: str) -> None:
    before = small.read_bytes()
    result = run("term", "correct", "withdraw", "--due", text, "--reason", "x")
    assert result.exit_code == 1 and "--due" in result.stderr and "Traceback" not in result.stderr
    assert small.read_bytes() == before
