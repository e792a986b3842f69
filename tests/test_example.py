"""The bundled Doha 2020 ledger: valid, every quote found in its source, statuses as sourced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    assert "ok: 2 agreements, 6 parties, 27 terms, 21 evidence entries (0 retracted)" in summary


def test_every_quote_is_verified_against_the_articles(run: Run, example: Path) -> None:
    entries = as_json(run("evidence", "list", "--format", "json"))
    quoted = sum(1 for entry in entries if "quote" in entry)
    assert quoted == 16
    for sources in ((), ("--sources", str(SOURCES))):
        summary = ok(run("check", *sources)).stdout
        assert f"quotes: {quoted} verified against their source, 0 unverifiable" in summary
        assert "not checked" not in summary


def test_the_sources_travel_with_the_example(run: Run, example: Path) -> None:
    """`init --example` writes the articles beside the ledger, with a note of their origin, so
    that `check` verifies every quote with no other folder; it never overwrites a file."""
    folder = example.parent
    for name in ("000_6bf5b660281ef703.txt", "003_080edd18da3400cd.txt"):
        assert (folder / name).read_bytes() == (SOURCES / name).read_bytes()
    note = (folder / "doha-2020-sources.md").read_text()
    assert "copied these files from the compliance-ledger package" in note
    assert "named by 13 entries" in note and "named by 8 entries" in note
    again = folder / "again"
    again.mkdir()
    (again / "003_080edd18da3400cd.txt").write_text("my own notes")
    refused = run("init", "--example", "doha-2020", file=again / "ledger.json")
    assert refused.exit_code == 1
    assert "003_080edd18da3400cd.txt: already exists with other content" in refused.stderr
    assert sorted(path.name for path in again.iterdir()) == ["003_080edd18da3400cd.txt"]
    assert (again / "003_080edd18da3400cd.txt").read_text() == "my own notes"
    (folder / "third").mkdir()
    named_like_a_source = run("init", "--example", "doha-2020",
                              file=folder / "third" / "000_6bf5b660281ef703.txt")
    assert named_like_a_source.exit_code == 1
    assert "is the name of one of the example's sources" in named_like_a_source.stderr
    assert list((folder / "third").iterdir()) == []
    (folder / "fourth").mkdir()
    (folder / "fourth" / "003_080edd18da3400cd.txt").symlink_to(
        SOURCES / "003_080edd18da3400cd.txt")
    linked = run("init", "--example", "doha-2020", file=folder / "fourth" / "ledger.json")
    assert linked.exit_code == 1 and "is a symbolic link" in linked.stderr


def _report(run: Run, *options: str) -> dict[tuple[str, str], dict[str, Any]]:
    report = as_json(run("report", "--format", "json", *options))
    return {(party["id"], item["term"]): item
            for party in report["parties"] for item in party["obligations"]}


def _entries(run: Run, term: str) -> list[dict[str, Any]]:
    return [entry for entry in as_json(run("evidence", "list", "--format", "json"))
            if entry["term"] == term]


def test_obligations_that_wait_on_a_condition_are_not_overdue(run: Run, example: Path) -> None:
    """Part One D and E begin with intra-Afghan negotiations (the Taliban's preamble term, with
    no evidence); Part One B and the joint declaration's withdrawal wait on Part Two."""
    status = _report(run)
    for term in ("doha-1-d", "doha-1-e"):
        assert status["us", term]["waiting_on"] == ["doha-pre-3"]
        assert status["us", term]["overdue"] is False
    for party in ("us", "nato-allies"):
        for term in ("doha-1-b1", "doha-1-b2", "jd-1-withdrawal"):
            assert status[party, term]["waiting_on"] == ["doha-2-2", "doha-2-3"]
            assert status[party, term]["overdue"] is False
    terms = {term["id"]: term for term in as_json(run("term", "list", "--format", "json"))}
    assert terms["doha-1-b1"]["conditions"] == [f"doha-2-{part}" for part in range(1, 6)]
    assert "conditions" not in terms["doha-1"], "the chapeau's 14 months are not conditioned"


def test_overdue_tells_a_dispute_from_no_evidence(run: Run, example: Path) -> None:
    status = _report(run)
    assert status["us", "doha-1-a1"]["status"] == "no-evidence"
    assert status["us", "doha-1-a1"]["deadline"] == "past due, no evidence"
    assert not status["us", "doha-1-a1"]["overdue"]
    exchange = status["afghan-gov", "doha-1-c-exchange"]
    assert (exchange["status"], exchange["overdue"], exchange["disputed_by"]) == (
        "disputed", True, ["taliban", "us"])
    rows = {" ".join(line.split()[:1]): " ".join(line.split()) for line in ok(run(
        "report", "--party", "us", "--party", "afghan-gov", env={"COLUMNS": "200"})
    ).stdout.splitlines()}
    assert rows["doha-1-a1"].endswith("no-evidence 2020-07-13 past due, no evidence")
    assert rows["doha-1-c-exchange"].endswith("disputed 2020-03-10 OVERDUE 2020 taliban, us")
    assert rows["doha-1-d"].endswith("no-evidence 2020-08-27 waits on doha-pre-3")


def test_predictions_and_conduct_before_the_agreement_are_notes(run: Run,
                                                                example: Path) -> None:
    notes = {(entry["term"], entry["claimant"], entry["quote"][:40])
             for entry in as_json(run("evidence", "list", "--stance", "notes", "--format",
                                      "json"))}
    assert notes == {
        ("doha-2-1", "afghan-gov", "The Americans might think the agreement "),
        ("doha-2-2", "un-monitoring-team", "The Taliban regularly consulted with Al-"),
        ("doha-2-2", "un-monitoring-team", "The Taliban were talking regularly and a"),
        ("doha-2-3", "taliban", "investigating the situation"),
    }
    status = _report(run)
    part_two_1 = status["taliban", "doha-2-1"]
    assert (part_two_1["status"], part_two_1["claimed_by"], part_two_1["disputed_by"]) == (
        "claimed", ["taliban"], []), "Andar's prediction disputes nothing"
    andar = next(entry for entry in _entries(run, "doha-2-1") if entry["claimant"] == "afghan-gov")
    assert andar["speaker"].startswith("Rahmatullah Andar, a spokesman for")


def test_the_taliban_claim_covers_every_part_two_term(run: Run, example: Path) -> None:
    status = _report(run)
    for part in range(1, 6):
        claims = [entry for entry in _entries(run, f"doha-2-{part}")
                  if entry["claimant"] == "taliban" and entry["stance"] == "claims"]
        assert len(claims) == 1 and "remain vague when questioned" in claims[0]["summary"]
        assert claims[0]["quote"] == "fully complying with the conditions of the peace agreement"
        assert "taliban" in status["taliban", f"doha-2-{part}"]["claimed_by"]
    assert status["taliban", "doha-2-2"]["status"] == "contested"
    assert status["taliban", "doha-2-2"]["disputed_by"] == ["un-monitoring-team"]
    assert status["taliban", "doha-2-3"]["status"] == "contested"
    assert status["taliban", "doha-2-3"]["disputed_by"] == ["afghan-gov", "un-monitoring-team"]
    assert [status["taliban", f"doha-2-{part}"]["status"] for part in (4, 5)] == ["claimed"] * 2
    un_report = [entry for entry in _entries(run, "doha-2-3")
                 if entry["claimant"] == "un-monitoring-team" and entry["date"] == "2020-06"]
    assert un_report[0]["quote"].endswith("groups of foreign terrorist fighters aligned with "
                                          "the Taliban.")


def test_the_military_dispute_is_on_the_reported_understanding(run: Run, example: Path) -> None:
    status = _report(run)
    military = status["us", "doha-military"]
    assert (military["status"], military["claimed_by"], military["disputed_by"]) == (
        "contested", ["us"], ["taliban"])
    allies = status["nato-allies", "doha-military"]
    assert (allies["status"], allies["disputed_by"]) == ("disputed", ["taliban"])
    assert status["us", "doha-1-f"]["status"] == "no-evidence", "neither side cites Part One F"
    term = as_json(run("term", "show", "doha-military", "--format", "json"))
    assert term["term"]["article"] == "unpublished understanding (reported)"
    subjects = sorted((entry["subject"], entry["stance"]) for entry in term["evidence"])
    assert subjects == [("nato-allies", "disputes"), ("us", "claims"), ("us", "disputes"),
                        ("us", "disputes")]
    leggett = next(entry for entry in term["evidence"] if entry["stance"] == "claims")
    assert leggett["speaker"].startswith("Col. Sonny Leggett, a spokesman for")


def test_the_prisoner_complaints_are_on_the_release_kabul_was_to_make(run: Run,
                                                                      example: Path) -> None:
    status = _report(run)
    assert status["afghan-gov", "jd-1-prisoners"]["status"] == "no-evidence"
    term = as_json(run("term", "show", "doha-1-c-exchange", "--format", "json"))
    assert term["term"]["article"].startswith("Part One C")
    assert "did not sign the Doha agreement" in term["term"]["text"]
    assert sorted(entry["claimant"] for entry in term["evidence"]) == ["taliban", "us"]
    threat = _entries(run, "jd-1-negotiations")[0]
    assert threat["speaker"] == "President Trump" and "stalling" not in threat["summary"]


def test_the_smaller_findings(run: Run, example: Path) -> None:
    terms = {term["id"]: term for term in as_json(run("term", "list", "--format", "json"))}
    assert terms["doha-1"]["obligors"] == ["us"], "the chapeau binds the US; allies are its object"
    assert all(term["article"] != "Part One" for term in terms.values())


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
    items = [item for party in report["parties"] for item in party["obligations"]]
    legend = table.index("OVERDUE: the due day passed")
    shown = " ".join(table[:legend].split())
    assert shown.count("OVERDUE") == sum(item["overdue"] for item in items) == sum(
        item["deadline"] == "overdue" for item in items) == 1
    captions = sum(bool(party["counts"]["past_due_no_evidence"]) for party in report["parties"])
    assert shown.count("past due, no evidence") - captions == sum(
        item["deadline"] == "past due, no evidence" for item in items) == 7
    assert shown.count("waits on") == sum(bool(item["waiting_on"]) for item in items) == 8
