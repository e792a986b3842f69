"""Periods in options: one parser (`dates.period_bounds`), one rule for what each option means."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import Run, add_evidence, as_json, ok

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


def test_effective_means_the_last_day_of_its_period(run: Run, small: Path) -> None:
    ok(run("term", "amend", "withdraw", "--effective", "2024-Q4", "--due", "2025-06-30",
           "--reason", "Extended"))
    change = next(line for line in as_json(run("log", "--format", "json"))
                  if line["kind"] == "amended")
    assert change["effective"] == "2024-12-31"
