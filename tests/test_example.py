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
    assert "ok: 2 agreements, 6 parties, 26 terms, 25 evidence entries (0 retracted)" in summary


def test_every_quote_is_verified_against_the_articles(run: Run, example: Path) -> None:
    entries = as_json(run("evidence", "list", "--format", "json"))
    quoted = sum(1 for entry in entries if "quote" in entry)
    assert quoted == 21
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
    assert "named by 17 entries" in note and "named by 8 entries" in note
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


def _report(run: Run, *options: str,
            env: dict[str, str] | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    report = as_json(run("report", "--format", "json", *options, env=env))
    return {(party["id"], item["term"]): item
            for party in report["parties"] for item in party["obligations"]}


def _entries(run: Run, term: str) -> list[dict[str, Any]]:
    return [entry for entry in as_json(run("evidence", "list", "--format", "json"))
            if entry["term"] == term]


def test_obligations_that_wait_on_a_condition_are_not_overdue(run: Run, example: Path) -> None:
    """Part One D and E begin with intra-Afghan negotiations (the Taliban's preamble term, with
    no evidence); the 14-month withdrawal (the chapeau, Part One B and the joint declaration's)
    is one deadline on the same conditions, the Taliban's Part Two commitments."""
    status = _report(run)
    for term in ("doha-1-d", "doha-1-e"):
        assert status["us", term]["waiting_on"] == ["doha-pre-3"]
        assert status["us", term]["overdue"] is False
    withdrawal = [("us", "doha-1")] + [(party, term) for party in ("us", "nato-allies")
                                       for term in ("doha-1-b1", "doha-1-b2", "jd-1-withdrawal")]
    for key in withdrawal:
        assert status[key]["waiting_on"] == ["doha-2-1", "doha-2-2", "doha-2-3"]
        assert (status[key]["due"], status[key]["deadline"]) == ("2021-04-29", "waits on")
        assert status[key]["overdue"] is False
    terms = {term["id"]: term for term in as_json(run("term", "list", "--format", "json"))}
    for term in ("doha-1", "doha-1-b1", "doha-1-b2", "jd-1-withdrawal"):
        assert terms[term]["conditions"] == [f"doha-2-{part}" for part in range(1, 6)]


def test_overdue_tells_a_dispute_from_no_evidence(run: Run, example: Path) -> None:
    status = _report(run)
    assert status["us", "doha-1-a1"]["status"] == "no-evidence"
    assert status["us", "doha-1-a1"]["deadline"] == "past due, no evidence"
    assert not status["us", "doha-1-a1"]["overdue"]
    assert not any(item["overdue"] for item in status.values()), "no party is found overdue"
    rows = {" ".join(line.split()[:1]): " ".join(line.split()) for line in ok(run(
        "report", "--party", "us", "--party", "afghan-gov", env={"COLUMNS": "200"})
    ).stdout.splitlines()}
    assert rows["doha-1-a1"].endswith("no-evidence 2020-07-13 past due, no evidence")
    assert rows["doha-1-c-release"].endswith("no-evidence 2020-03-10 past due, no evidence")
    assert rows["doha-1-d"].endswith("no-evidence 2020-08-27 waits on doha-pre-3")


def test_predictions_and_conduct_before_the_agreement_are_notes(run: Run,
                                                                example: Path) -> None:
    notes = {(entry["term"], entry["claimant"], entry["quote"][:40])
             for entry in as_json(run("evidence", "list", "--stance", "notes", "--format",
                                      "json"))}
    assert notes == {
        ("doha-2-1", "afghan-gov", "The Americans might think the agreement "),
        ("doha-2-1", "taliban", "investigating the situation"),
        ("doha-2-2", "un-monitoring-team", "The Taliban regularly consulted with Al-"),
        ("doha-2-2", "un-monitoring-team", "The Taliban were talking regularly and a"),
        ("doha-2-2", "un-monitoring-team", "the Taliban and al-Qaeda continued to ho"),
        ("doha-2-3", "taliban", "investigating the situation"),
        ("doha-military", "taliban", "We are asking the Americans to seriously"),
        ("doha-1-c-release", "taliban", "indefensible arguments"),
        ("doha-1-c-release", "us", "American officials in Washington are fru"),
    }
    meetings = next(entry for entry in _entries(run, "doha-2-2")
                    if entry["quote"].startswith("the Taliban and al-Qaeda continued"))
    assert meetings["quote"].endswith("throughout 2019 and early 2020 to discuss training and "
                                      "operational planning")
    assert meetings["date"] == "2020-06", "the UN's June report, as the article gives it"
    andar = next(entry for entry in _entries(run, "doha-2-1") if entry["claimant"] == "afghan-gov")
    assert andar["speaker"].startswith("Rahmatullah Andar, a spokesman for")


def test_the_taliban_claim_covers_every_part_two_term(run: Run, example: Path) -> None:
    status = _report(run, "--as-of", "2020-12-31")
    for part in range(1, 6):
        claims = [entry for entry in _entries(run, f"doha-2-{part}")
                  if entry["claimant"] == "taliban" and entry["stance"] == "claims"]
        assert len(claims) == 1 and "remain vague when questioned" in claims[0]["summary"]
        assert claims[0]["quote"] == "fully complying with the conditions of the peace agreement"
        assert "taliban" in status["taliban", f"doha-2-{part}"]["claimed_by"]
    assert status["taliban", "doha-2-1"]["status"] == "contested"
    assert status["taliban", "doha-2-1"]["disputed_by"] == ["afghan-gov", "un-monitoring-team"]
    assert status["taliban", "doha-2-2"]["status"] == "contested"
    assert status["taliban", "doha-2-2"]["disputed_by"] == ["un-monitoring-team"]
    assert status["taliban", "doha-2-3"]["status"] == "contested"
    assert status["taliban", "doha-2-3"]["disputed_by"] == ["afghan-gov", "un-monitoring-team"]
    assert [status["taliban", f"doha-2-{part}"]["status"] for part in (4, 5)] == ["claimed"] * 2
    for term in ("doha-2-1", "doha-2-3"):
        un_report = [entry for entry in _entries(run, term)
                     if entry["claimant"] == "un-monitoring-team" and entry["date"] == "2020-06"]
        assert len(un_report) == 1 and un_report[0]["stance"] == "disputes"
        assert un_report[0]["quote"].startswith("The senior leadership of Al-Qaida (QDe.004) "
                                                "remains present in Afghanistan")
        assert un_report[0]["quote"].endswith("groups of foreign terrorist fighters aligned with "
                                              "the Taliban.")


def test_the_al_rauf_case_is_on_part_two_1_and_3(run: Run, example: Path) -> None:
    """The article ties al-Rauf's protection to the condition that "terrorist groups will not be
    able to use Afghan territory" (Part Two 1, al-Qaeda by name) as well as to hosting (Part Two
    3); on each, the Afghan officials' belief disputes and the Taliban's answer is a note."""
    for term in ("doha-2-1", "doha-2-3"):
        case = {(entry["claimant"], entry["stance"]) for entry in _entries(run, term)
                if entry["date"] == "2020-10" and entry["claimant"] != "un-monitoring-team"}
        assert case == {("afghan-gov", "disputes"), ("taliban", "notes")}
    officials = next(entry for entry in _entries(run, "doha-2-1")
                     if entry["claimant"] == "afghan-gov" and entry["stance"] == "disputes")
    assert officials["quote"] == ("Afghan officials believe that the Taliban were providing "
                                  "security for him.")
    assert officials["speaker"] == "Afghan officials"


def test_the_military_dispute_is_on_the_reported_understanding(run: Run, example: Path) -> None:
    status = _report(run, "--as-of", "2020-12-31")
    military = status["us", "doha-military"]
    assert (military["status"], military["claimed_by"], military["disputed_by"]) == (
        "contested", ["us"], ["taliban"])
    assert ("nato-allies", "doha-military") not in status, "no text binds the allies to it"
    assert status["us", "doha-1-f"]["status"] == "no-evidence", "neither side cites Part One F"
    term = as_json(run("term", "show", "doha-military", "--format", "json"))
    assert term["term"]["article"] == "unpublished understanding (reported)"
    assert term["term"]["obligors"] == ["us"]
    subjects = sorted((entry["subject"], entry["stance"]) for entry in term["evidence"])
    assert subjects == [("us", "claims"), ("us", "disputes"), ("us", "disputes"),
                        ("us", "notes")]
    request = next(entry for entry in term["evidence"] if entry["stance"] == "notes")
    assert "alert their allies" in request["quote"] and "a request" in request["summary"]
    leggett = next(entry for entry in term["evidence"] if entry["stance"] == "claims")
    assert leggett["speaker"].startswith("Col. Sonny Leggett, a spokesman for")


def test_the_prisoner_complaints_are_notes_on_part_one_c(run: Run, example: Path) -> None:
    """The Afghan government did not sign the Doha agreement and took on only a discussion of
    releases; the complaints about its delays neither find it in breach of a duty it never took
    on nor say the US failed to work on the release, so they are notes on Part One C."""
    status = _report(run)
    assert status["afghan-gov", "jd-1-prisoners"]["status"] == "no-evidence"
    assert {term for party, term in status if party == "afghan-gov"} == {
        "jd-1-prisoners", "jd-1-negotiations", "jd-1-counter-terrorism"}
    terms = {term["id"] for term in as_json(run("term", "list", "--format", "json"))}
    assert "doha-1-c-exchange" not in terms
    term = as_json(run("term", "show", "doha-1-c-release", "--format", "json"))
    assert term["term"]["article"] == "Part One C" and term["term"]["obligors"] == ["us"]
    assert sorted((entry["claimant"], entry["stance"]) for entry in term["evidence"]) == [
        ("taliban", "notes"), ("us", "notes")]
    release = status["us", "doha-1-c-release"]
    assert (release["status"], release["deadline"]) == ("no-evidence", "past due, no evidence")
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
    assert "OVERDUE" not in table, "a legend says only the words its report shows"
    legend = table.index("Status words:")
    shown = " ".join(table[:legend].split())
    assert shown.count("OVERDUE") == sum(item["overdue"] for item in items) == sum(
        item["deadline"] == "overdue" for item in items) == 0
    captions = sum(bool(party["counts"]["past_due_no_evidence"]) for party in report["parties"])
    assert shown.count("past due, no evidence") - captions == sum(
        item["deadline"] == "past due, no evidence" for item in items) == 6
    assert shown.count("waits on") == sum(bool(item["waiting_on"]) for item in items) == 9



def test_every_obligation_status_and_deadline_by_day(run: Run, example: Path) -> None:
    """Every obligation of the example, its status and deadline word (JSON `deadline`), in the
    middle of 2020, at its end and today. Entries dated `2020` count from 2020-12-31, those of
    `2020-06` from 2020-06-30; the 14-month withdrawal is one deadline (2021-04-29) on the same
    conditions wherever it is written: the five Part Two terms."""
    no, waits, past = "no-evidence", "waits on", "past due, no evidence"
    expected: dict[str, dict[tuple[str, str], tuple[str, str | None]]] = {
        "2020-06-30": {
            # Waits on all five Part Two terms: none is claimed yet (the Taliban's claim is
            # dated 2020 and does not count before 2020-12-31).
            ("us", "doha-1"): (no, waits),
            ("us", "doha-1-b1"): (no, waits),
            ("us", "doha-1-b2"): (no, waits),
            ("us", "jd-1-withdrawal"): (no, waits),
            ("nato-allies", "doha-1-b1"): (no, waits),
            ("nato-allies", "doha-1-b2"): (no, waits),
            ("nato-allies", "jd-1-withdrawal"): (no, waits),
            # Day 135 (2020-07-13) is still ahead.
            ("us", "doha-1-a1"): (no, "due"),
            ("us", "doha-1-a2"): (no, "due"),
            ("nato-allies", "doha-1-a1"): (no, "due"),
            ("nato-allies", "doha-1-a2"): (no, "due"),
            # Due 2020-03-10; the prisoner complaints are notes about Kabul: nothing either way.
            ("us", "doha-1-c-release"): (no, past),
            # Begin "with the start of intra-Afghan negotiations" (doha-pre-3, no evidence).
            ("us", "doha-1-d"): (no, waits),
            ("us", "doha-1-e"): (no, waits),
            # No due date, and the articles say nothing of them.
            ("us", "doha-1-f"): (no, None),
            ("us", "doha-3-1"): (no, None),
            ("us", "doha-3-3"): (no, None),
            ("us", "jd-1-security-assistance"): (no, None),
            ("nato-allies", "doha-1-f"): (no, None),
            # The accusations and Col. Leggett's answer are dated 2020: not counted yet.
            ("us", "doha-military"): (no, None),
            # Due 2020-03-10; no party says whether the negotiations started.
            ("taliban", "doha-pre-3"): (no, past),
            ("taliban", "doha-pre-4"): (no, None),
            # The UN's June report counts (al-Qaeda's leadership "remains present"; relations
            # "remain close"); the Taliban's claim and the al-Rauf case (2020-10) not yet.
            ("taliban", "doha-2-1"): ("disputed", None),
            ("taliban", "doha-2-2"): ("disputed", None),
            ("taliban", "doha-2-3"): ("disputed", None),
            ("taliban", "doha-2-4"): (no, None),
            ("taliban", "doha-2-5"): (no, None),
            ("taliban", "doha-1-c-abide"): (no, None),
            ("taliban", "doha-violence"): (no, None),
            # President Trump's threat (2020-03) to withhold aid to get the government moving.
            ("afghan-gov", "jd-1-negotiations"): ("disputed", None),
            ("afghan-gov", "jd-1-prisoners"): (no, None),
            ("afghan-gov", "jd-1-counter-terrorism"): (no, None),
        },
        "2020-12-31": {
            # Part Two 4 and 5 are claimed now; Part Two 1-3 are contested.
            ("us", "doha-1"): (no, waits),
            ("us", "doha-1-b1"): (no, waits),
            ("us", "doha-1-b2"): (no, waits),
            ("us", "jd-1-withdrawal"): (no, waits),
            ("nato-allies", "doha-1-b1"): (no, waits),
            ("nato-allies", "doha-1-b2"): (no, waits),
            ("nato-allies", "jd-1-withdrawal"): (no, waits),
            # Day 135 has passed and no party says either way: not a finding against anyone.
            ("us", "doha-1-a1"): (no, past),
            ("us", "doha-1-a2"): (no, past),
            ("nato-allies", "doha-1-a1"): (no, past),
            ("nato-allies", "doha-1-a2"): (no, past),
            ("us", "doha-1-c-release"): (no, past),
            ("us", "doha-1-d"): (no, waits),
            ("us", "doha-1-e"): (no, waits),
            ("us", "doha-1-f"): (no, None),
            ("us", "doha-3-1"): (no, None),
            ("us", "doha-3-3"): (no, None),
            ("us", "jd-1-security-assistance"): (no, None),
            ("nato-allies", "doha-1-f"): (no, None),
            # Drones and "seriously comply" against "has upheld, and continues to uphold".
            ("us", "doha-military"): ("contested", None),
            ("taliban", "doha-pre-3"): (no, past),
            ("taliban", "doha-pre-4"): (no, None),
            # The Taliban's own claim against the UN report (1-3), the Afghan officials on
            # al-Rauf (1, 3) and Fitton-Brown's "that has not changed" (3).
            ("taliban", "doha-2-1"): ("contested", None),
            ("taliban", "doha-2-2"): ("contested", None),
            ("taliban", "doha-2-3"): ("contested", None),
            # Only the Taliban's own word.
            ("taliban", "doha-2-4"): ("claimed", None),
            ("taliban", "doha-2-5"): ("claimed", None),
            ("taliban", "doha-1-c-abide"): (no, None),
            ("taliban", "doha-violence"): ("claimed", None),
            ("afghan-gov", "jd-1-negotiations"): ("disputed", None),
            ("afghan-gov", "jd-1-prisoners"): (no, None),
            ("afghan-gov", "jd-1-counter-terrorism"): (no, None),
        },
    }
    # Today: nothing in the articles is dated after 2020, and both agreements set a staleness
    # window of 12 months, so every position has gone stale: each obligation that had one is
    # `stale` (with no deadline word where it has no due day). The withdrawal still waits on
    # Part Two 1-3 (stale is not claimed), one deadline, one status wherever it is written; the
    # rest stand as at the end of 2020.
    expected["today"] = {
        key: (("stale", deadline) if status != no else (status, deadline))
        for key, (status, deadline) in expected["2020-12-31"].items()}
    assert [key for key, (status, _) in expected["today"].items() if status == "stale"] == [
        ("us", "doha-military"), ("taliban", "doha-2-1"), ("taliban", "doha-2-2"),
        ("taliban", "doha-2-3"), ("taliban", "doha-2-4"), ("taliban", "doha-2-5"),
        ("taliban", "doha-violence"), ("afghan-gov", "jd-1-negotiations")]
    today = {"COMPLIANCE_LEDGER_NOW": "2026-11-29T12:00:00Z"}
    for day, statuses in expected.items():
        options = () if day == "today" else ("--as-of", day)
        report = _report(run, *options, env=today)
        assert {key: (item["status"], item["deadline"]) for key, item in report.items()} == (
            statuses), day


def test_the_example_goes_stale_a_year_after_each_word(run: Run, example: Path) -> None:
    """The 12-month window, at its edges: the UN's June 2020 report stops counting after
    2021-06-30, the Afghan officials' October 2020 word after 2021-10-31, and the Taliban's claim
    dated only `2020` after 2021-12-31, so between them Part Two 1 rests on the Taliban's own
    word, and the table says so."""
    def status(day: str) -> tuple[str, str | None, str | None]:
        item = _report(run, "--as-of", day)["taliban", "doha-2-1"]
        return item["status"], item["claim_basis"], item["dispute_basis"]

    assert status("2021-06-30") == ("contested", "own", "independent")
    assert status("2021-07-01") == ("contested", "own", "party")
    assert status("2021-10-31") == ("contested", "own", "party")
    assert status("2021-11-01") == ("claimed", "own", None)
    assert status("2021-12-31") == ("claimed", "own", None)
    assert status("2022-01-01") == ("stale", None, None)
    assert "stale since 2020-10" in ok(run("term", "show", "doha-2-1", "--as-of", "2022-01-01")
                                       ).stdout
