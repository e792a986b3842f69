"""The bundled Doha 2020 ledger: valid, every quote found in its source, statuses as sourced."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Run, as_json, ok

SOURCES = Path(__file__).resolve().parent.parent / "data"
"""The two articles the example quotes, kept beside the bundled ledger."""


@pytest.fixture
def example(run: Run, ledger_path: Path) -> Path:
    ok(run("init", "--example", "doha-2020"))
    return ledger_path


def test_the_example_passes_check(run: Run, example: Path) -> None:
    summary = ok(run("check")).stdout
    assert "ok: 2 agreements, 6 parties, 25 terms, 15 evidence entries (0 retracted)" in summary


def test_every_quote_is_verified_against_the_articles(run: Run, example: Path) -> None:
    summary = ok(run("check", "--sources", str(SOURCES))).stdout
    entries = as_json(run("evidence", "list", "--format", "json"))
    quoted = sum(1 for entry in entries if "quote" in entry)
    assert quoted == 8
    assert f"quotes: {quoted} verified against their source, 0 unverifiable" in summary
    assert "not checked" not in summary


def test_the_report_shows_what_the_articles_say(run: Run, example: Path) -> None:
    report = as_json(run("report", "--format", "json"))
    status = {(party["id"], item["term"]): item
              for party in report["parties"] for item in party["obligations"]}
    for term in ("doha-2-1", "doha-2-3"):
        assert status["taliban", term]["status"] == "contested"
        assert status["taliban", term]["claimed_by"] == ["taliban"]
    assert status["taliban", "doha-2-1"]["disputed_by"] == ["afghan-gov"]
    assert status["taliban", "doha-2-3"]["disputed_by"] == ["afghan-gov", "un-monitoring-team"]
    assert status["taliban", "doha-2-2"]["status"] == "disputed"
    assert status["taliban", "doha-violence"]["status"] == "claimed"
    prisoners = status["afghan-gov", "jd-1-prisoners"]
    assert (prisoners["status"], prisoners["disputed_by"]) == ("disputed", ["taliban", "us"])
    assert status["afghan-gov", "jd-1-negotiations"]["status"] == "disputed"
    force = status["us", "doha-1-f"]
    assert (force["status"], force["claimed_by"], force["disputed_by"]) == (
        "contested", ["us"], ["taliban"])
    assert status["us", "doha-1-a1"]["status"] == "no-evidence"
    assert status["us", "doha-1-a1"]["overdue"]


def test_every_party_term_and_entry_is_reachable(run: Run, example: Path) -> None:
    report = as_json(run("report", "--format", "json"))
    reported_terms = {item["term"] for party in report["parties"]
                      for item in party["obligations"]}
    terms = [term["id"] for term in as_json(run("term", "list", "--format", "json"))]
    assert reported_terms == set(terms)
    seen_parties = {party["id"] for party in report["parties"]}
    seen_entries = set()
    for term in terms:
        shown = as_json(run("term", "show", term, "--format", "json"))
        seen_entries |= {entry["id"] for entry in shown["evidence"]}
        seen_parties |= {entry["claimant"] for entry in shown["evidence"]}
    parties = {party["id"] for party in as_json(run("party", "list", "--format", "json"))}
    entries = {entry["id"] for entry in as_json(run("evidence", "list", "--format", "json"))}
    assert seen_entries == entries
    assert parties - seen_parties == {"qatar"}, "the mediator bears no term and asserts nothing"
    agreements = as_json(run("agreement", "list", "--format", "json"))
    assert [agreement["signatories"] for agreement in agreements] == [
        ["us", "taliban"], ["us", "afghan-gov"]]


def test_no_entry_is_dated_more_precisely_than_the_brief_allows(run: Run, example: Path) -> None:
    entries = as_json(run("evidence", "list", "--format", "json"))
    assert {entry["date"] for entry in entries} <= {"2020", "2020-03", "2020-06", "2020-10"}
    for entry in entries:
        source = entry["source"]
        assert source["document"] in {"000_6bf5b660281ef703.txt", "003_080edd18da3400cd.txt"}
        assert source["title"] == source["document"]
        assert len(source["sha256"]) == 64


def test_the_report_table_fits_80_columns_without_cropping(run: Run, example: Path) -> None:
    table = ok(run("report", env={"COLUMNS": "80"})).stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    report = as_json(run("report", "--format", "json"))
    dues = {item["due"] for party in report["parties"] for item in party["obligations"]
            if item["due"]}
    assert dues and all(due in table for due in dues)
    overdue = sum(item["overdue"] for party in report["parties"] for item in party["obligations"])
    legend = table.index("OVERDUE: the due day passed")
    assert table[:legend].count("OVERDUE") == overdue
