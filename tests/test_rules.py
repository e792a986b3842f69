"""Each rule written once, and held to it: fast and careful paths agree, and the rules that once
survived a mutation of the code now have a test that fails when they break."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from builders import base_ledger, generated_ledger, sealed
from conftest import Run, add_evidence, as_json, ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.core.errors import LedgerError, LedgerFileError
from ledger.core.model import Ledger, Retraction, Term
from ledger.core.references import _references_hold, reference_walk
from ledger.storage import loading, writing

VALID = (Path(__file__).resolve().parent / "valid-base.json").read_text(encoding="utf-8")

# --- fast and careful loads reach the same verdict and the same placed problems -------------

DEFECTS: dict[str, tuple[str, str]] = {
    # name: (a piece of the valid file, what replaces it)
    "duplicate key": ('"name": "Southland",', '"name": "Southland", "name": "South",'),
    "unknown field": ('"title": "Base",', '"title": "Base", "titel": "x",'),
    "wrong type": ('"title": "Base"', '"title": 7'),
    "null": ('"title": "Base"', '"title": null'),
    "bad date": ('"date": "2020-06"', '"date": "2020-13"'),
    "impossible day": ('"date": "2020-06"', '"date": "2021-02-29"'),
    "bad stance": ('"stance": "disputes"', '"stance": "maybe"'),
    "missing field": ('"summary": "Troops remain",', ''),
    "tuple for object": ('"terms": [', '"terms": 5, "x": ['),
    "NaN": ('"schema_version": 1', '"schema_version": NaN'),
    "huge number": ('"schema_version": 1', '"schema_version": ' + "9" * 50),
    "syntax": ('"title": "Base",', '"title": "Base"'),
    "trailing content": (VALID.rstrip()[-1:], VALID.rstrip()[-1:] + " x"),
    "unknown party": ('"claimant": "south"', '"claimant": "west"'),
    "unknown term": ('"term": "withdraw"', '"term": "nope"'),
    "duplicate id": ('"id": "south"', '"id": "north"'),
    "obligor twice": ('"obligors": [\n        "north"\n      ]',
                      '"obligors": [\n        "north", "north"\n      ]'),
    "lone surrogate": ('"title": "Base"', '"title": "Base\\ud800"'),
    "bad slug": ('"id": "south"', '"id": "South Land"'),
    "newer version": ('"schema_version": 1', '"schema_version": 9'),
}


def _outcome(path: Path, *, fast: bool) -> list[str] | Ledger:
    try:
        return loading.load(path, fast=fast).ledger
    except LedgerFileError as error:
        return error.lines()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(defects=st.lists(st.sampled_from(sorted(DEFECTS)), min_size=0, max_size=3, unique=True))
def test_fast_and_careful_loads_agree_on_every_kind_of_defect(tmp_path: Path,
                                                             defects: list[str]) -> None:
    text = VALID
    for name in defects:
        old, new = DEFECTS[name]
        text = text.replace(old, new, 1)  # a defect whose place an earlier one took is skipped
    path = tmp_path / "ledger.json"
    path.write_text(text, encoding="utf-8")
    assert _outcome(path, fast=True) == _outcome(path, fast=False)


def test_every_defect_applies_to_the_valid_file(tmp_path: Path) -> None:
    """Each entry of the catalogue really breaks the file (so the property test tests it)."""
    path = tmp_path / "ledger.json"
    for name, (old, new) in DEFECTS.items():
        assert old in VALID, name
        path.write_text(VALID.replace(old, new, 1), encoding="utf-8")
        assert isinstance(_outcome(path, fast=True), list), name


REFERENCE_DEFECTS = ["duplicate party", "duplicate term", "duplicate entry", "unknown signatory",
                     "unknown agreement", "unknown obligor", "obligor twice", "unknown term",
                     "subject not obligor", "unknown claimant", "dangling retraction",
                     "duplicate retraction id"]


def _with_reference_defect(ledger: Ledger, defect: str, position: int) -> Ledger:
    """A ledger with one broken reference, built past validation (model_copy)."""
    def replace(field: str, index: int, **update: object) -> Ledger:
        """Record `index` of `field` changed; a negative index means "any but the first"."""
        records = list(getattr(ledger, field))
        index = 1 + (-index - 1) % (len(records) - 1) if index < 0 else index % len(records)
        records[index] = records[index].model_copy(update=update)
        return ledger.model_copy(update={field: tuple(records)})

    other = ledger.parties[0].id
    match defect:
        case "duplicate party":
            return replace("parties", -1 - position, id=other)
        case "duplicate term":
            return replace("terms", -1 - position, id=ledger.terms[0].id)
        case "duplicate entry":
            return replace("evidence", -1 - position, id=ledger.evidence[0].id)
        case "unknown signatory":
            return replace("agreements", position, signatories=("nobody",))
        case "unknown agreement":
            return replace("terms", position, agreement="nothing")
        case "unknown obligor":
            return replace("terms", position, obligors=("nobody",))
        case "obligor twice":
            term: Term = ledger.terms[position % len(ledger.terms)]
            return replace("terms", position, obligors=(*term.obligors, term.obligors[0]))
        case "unknown term":
            return replace("evidence", position, term="nothing")
        case "subject not obligor":
            return replace("evidence", position, subject="monitor")
        case "unknown claimant":
            return replace("evidence", position, claimant="nobody")
        case "dangling retraction":
            return replace("retractions", position, evidence="0" * 12)
        case "duplicate retraction id":
            return replace("retractions", -1 - position, id=ledger.retractions[0].id)
    raise AssertionError(defect)


@settings(max_examples=80, deadline=None)
@given(defects=st.lists(st.tuples(st.sampled_from(REFERENCE_DEFECTS), st.integers(0, 50)),
                        max_size=3))
def test_the_quick_reference_test_agrees_with_the_walk(
        defects: list[tuple[str, int]]) -> None:
    ledger = generated_ledger(30, seed=3, retract_every=5)
    for defect, position in defects:
        ledger = _with_reference_defect(ledger, defect, position)
    assert _references_hold(ledger) == (reference_walk(ledger) == [])


LISTS = ("agreements", "parties", "terms", "evidence", "retractions", "changes")
DEFECTIVE_LIST = {"duplicate party": "parties", "duplicate term": "terms",
                  "duplicate entry": "evidence", "unknown signatory": "agreements",
                  "unknown agreement": "terms", "unknown obligor": "terms",
                  "obligor twice": "terms", "unknown term": "evidence",
                  "subject not obligor": "evidence", "unknown claimant": "evidence",
                  "dangling retraction": "retractions", "duplicate retraction id": "retractions"}
"""The list whose record each reference defect breaks."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(defect=st.sampled_from(REFERENCE_DEFECTS), data=st.data())
def test_checking_only_appended_records_agrees_with_checking_all(
        defect: str, data: st.DataObject) -> None:
    """A save that only appends follows only the new records' references (the older records
    passed on load): the verdict on the whole ledger, with a defect in an appended record or
    none."""
    before = generated_ledger(30, seed=3, retract_every=5)
    assert _references_hold(before)
    field = DEFECTIVE_LIST[defect]
    # Appended: copies, under new ids, of the last few records of some lists (one at least of
    # the defect's list).
    counts = {name: data.draw(st.integers(1 if name == field else 0,
                                          min(3, len(getattr(before, name)))), label=name)
              for name in LISTS}
    new = before.model_copy(update={
        name: tuple(record.model_copy(update={"id": f"{record.id}-again"})
                    for record in getattr(before, name)[-counts[name]:] if counts[name])
        for name in LISTS})
    after = before.model_copy(update={name: (*getattr(before, name), *getattr(new, name))
                                      for name in LISTS})
    assert _references_hold(after, new) and _references_hold(after)
    # The defect in one of the appended records of its list.
    index = len(getattr(before, field)) + data.draw(st.integers(0, counts[field] - 1))
    broken = _with_reference_defect(after, defect, index - 1 if "duplicate" in defect else index)
    broken_new = broken.model_copy(update={name: getattr(broken, name)[len(getattr(before, name)):]
                                           for name in LISTS})
    assert not _references_hold(broken)
    assert not _references_hold(broken, broken_new)


def test_a_save_refuses_an_appended_record_with_a_dangling_reference(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    writing.create(path, generated_ledger(30, seed=3))
    loaded = loading.load(path)
    entry = loaded.ledger.evidence[-1]
    stray = entry.model_copy(update={"id": "f" * 12, "claimant": "nobody",
                                     "recorded_at": "2999-01-01T00:00:00.000000Z"})
    after = loaded.ledger.model_copy(update={"evidence": (*loaded.ledger.evidence, stray)})
    before = path.read_bytes()
    with writing.locked(path), pytest.raises(LedgerError, match="inconsistent ledger"):
        writing.save(path, after, loaded)
    assert path.read_bytes() == before


def test_a_save_written_whole_checks_every_record_again(tmp_path: Path) -> None:
    """Only a spliced save (the older records kept as the bytes `load` checked) follows just the
    new records' references; a save that reorders writes every record, and checks every one,
    whatever the ledger it was given as loaded."""
    path = tmp_path / "ledger.json"
    writing.create(path, generated_ledger(30, seed=3))
    good = loading.load(path)
    terms = list(good.ledger.terms)
    terms[0] = terms[0].model_copy(update={"obligors": ("ghost",)})
    bad = good.ledger.model_copy(update={"terms": tuple(terms)})
    unrelated = next(entry for entry in good.ledger.evidence if entry.term != terms[0].id)
    early = unrelated.model_copy(update={"id": "e" * 12,
                                         "recorded_at": "2000-01-01T00:00:00.000000Z"})
    after = bad.model_copy(update={"evidence": (*bad.evidence, early)})
    before = path.read_bytes()
    with writing.locked(path), pytest.raises(LedgerError, match="unknown party 'ghost'"):
        writing.save(path, after, loading.LoadedLedger(bad, path, good.raw))
    assert path.read_bytes() == before


def test_each_reference_defect_is_found_by_both(tmp_path: Path) -> None:
    for defect in REFERENCE_DEFECTS:
        broken = _with_reference_defect(generated_ledger(30, seed=3, retract_every=5), defect, 2)
        assert not _references_hold(broken), defect
        assert reference_walk(broken), defect


# --- the fast path is taken, and the library leaves the interpreter alone -------------------


def test_a_valid_ledger_takes_the_fast_path(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails loudly if the key count stops matching (a record type the count misses, say)."""
    path = tmp_path / "ledger.json"
    path.write_bytes(writing.serialize(generated_ledger(300, seed=11)))

    def no_careful_path(*args: object) -> None:
        raise AssertionError("a valid ledger went the careful way")

    monkeypatch.setattr(loading, "_load_carefully", no_careful_path)
    loaded = loading.load(path)
    assert any(entry.source is not None for entry in loaded.ledger.evidence)
    assert loaded.ledger.retractions


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    path.write_bytes(writing.serialize(generated_ledger(200)))
    frozen = gc.get_freeze_count()
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            loading.load(path)
            with pytest.raises(LedgerFileError):
                broken = tmp_path / "broken.json"
                broken.write_text(VALID.replace('"title": "Base"', '"title": 7'))
                loading.load(broken)
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() == frozen
        finally:
            gc.enable()


# --- rules that a mutation of the code once left untested ----------------------------------


def test_a_retraction_applies_on_every_as_of_day_once_it_is_known(run: Run,
                                                                   small: Path) -> None:
    entry = add_evidence(run, "withdraw", "monitor", "claims", "2024-01-10")
    ok(run("evidence", "retract", entry, "--reason", "wrong term",
           env={"COMPLIANCE_LEDGER_NOW": "2099-02-15T10:00:00Z"}))

    def status(*options: str) -> str:
        report = as_json(run("report", "--format", "json", *options))
        return next(item["status"] for party in report["parties"]
                    for item in party["obligations"] if item["term"] == "withdraw")

    assert status("--as-of", "2024-02-14") == "no-evidence", "the entry was wrong all along"
    assert status("--as-of", "2024-03-01") == "no-evidence"
    assert status("--as-of", "2024-02-14", "--known-at", "2099-02-14") == "claimed", \
        "as published before the retraction was recorded"
    assert status("--known-at", "2099-02-15") == "no-evidence"


def test_a_term_that_lists_an_obligor_twice_is_refused(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text(VALID.replace(DEFECTS["obligor twice"][0], DEFECTS["obligor twice"][1]))
    result = run("report", file=path)
    assert result.exit_code == 1
    line = next(number for number, row in enumerate(VALID.splitlines(), 1) if '"obligors"' in row)
    assert result.stderr == f"{path}:{line + 1}:18: party 'north' is listed twice\n"


def test_an_entry_retracted_twice_is_retracted_once_with_both_reasons(run: Run,
                                                                     tmp_path: Path) -> None:
    """Two analysts may retract one entry on their own branches: the merge keeps both."""
    ledger = generated_ledger(20, retract_every=1000)
    entry = ledger.evidence[3].id
    twice = tuple(sealed(Retraction(id="0" * 12, evidence=entry, reason=reason,
                                    recorded_at=f"2025-01-0{day}T00:00:00.000000Z"))
                  for day, reason in ((1, "misdated"), (2, "wrong speaker")))
    path = tmp_path / "ledger.json"
    path.write_bytes(writing.serialize(ledger.model_copy(update={"retractions": twice})))
    assert "(1 retracted), 2 retractions" in ok(run("check", file=path)).stdout
    shown = json.loads(ok(run("evidence", "show", entry, "--format", "json", file=path)).stdout)
    assert [item["reason"] for item in shown["retractions"]] == ["misdated", "wrong speaker"]
    assert shown["retraction"]["reason"] == "misdated"
    table = ok(run("evidence", "show", entry, file=path)).stdout
    assert "misdated" in table and "wrong speaker" in table
    assert "RETRACTED at 2025-01-01" in table
    known = json.loads(ok(run("evidence", "show", entry, "--format", "json", "--known-at",
                              "2025-01-01", file=path)).stdout)
    assert [item["reason"] for item in known["retractions"]] == ["misdated"]


def test_an_edited_entry_after_the_first_batch_is_placed_on_its_own_line(
        run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger = generated_ledger(1500, retract_every=1000)
    path.write_bytes(writing.serialize(ledger))
    target = ledger.evidence[1234]
    text = path.read_text()
    anchor = f'"id": "{target.id}"'
    line = text[:text.index(anchor)].count("\n") + 1
    summary = json.dumps(target.summary, ensure_ascii=False)
    edited = text.replace(f'"summary": {summary}', '"summary": "edited by hand"', 1)
    assert edited != text
    path.write_text(edited)
    result = run("check", file=path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:{line}:13: evidence entry {target.id} was changed "
                                    "after it was recorded")


def test_check_against_names_an_entry_changed_in_place(run: Run, small: Path,
                                                       tmp_path: Path) -> None:
    entry = add_evidence(run, "withdraw", "monitor", "claims", "2024")
    kept = tmp_path / "kept.json"
    kept.write_bytes(small.read_bytes())
    data = json.loads(small.read_text())
    data["evidence"][0]["summary"] = "rewritten"
    small.write_text(json.dumps(data, indent=2))
    result = run("check", "--against", str(kept))
    assert result.exit_code == 1
    assert f"evidence entry {entry} was changed in {small}" in result.stderr


def test_the_base_ledger_is_sound() -> None:
    assert _references_hold(base_ledger()) and reference_walk(base_ledger()) == []


def test_check_places_a_caution_on_the_amendment_whose_value_is_in_force(
        run: Run, small: Path) -> None:
    """Of two amendments of a due day, the one in force is the later effective one (not the one
    recorded last): `check` places "due before signing" on that amendment's value."""
    ok(run("term", "amend", "withdraw", "--effective", "2025-01-01", "--due", "2019-12-01",
           "--reason", "moved before signing by mistake",
           env={"COMPLIANCE_LEDGER_NOW": "2099-01-01T00:00:00Z"}))
    ok(run("term", "amend", "withdraw", "--effective", "2024-06-01", "--due", "2024-12-31",
           "--reason", "an earlier extension, recorded later",
           env={"COMPLIANCE_LEDGER_NOW": "2099-01-02T00:00:00Z"}))
    lines = small.read_text(encoding="utf-8").splitlines()
    in_force = next(number for number, line in enumerate(lines, 1) if '"2019-12-01"' in line)
    warned = [line for line in ok(run("check")).stderr.splitlines()
              if "before its agreement" in line]
    assert len(warned) == 1 and warned[0].startswith(f"{small}:{in_force}:"), warned


def test_the_same_words_on_another_day_are_another_statement(run: Run, small: Path) -> None:
    """Two entries are the same statement only when every field but the id and the recording
    time is the same (`Evidence.said`): the same words dated another month are news, in
    `evidence add`, in `check` and in an import."""
    said = ("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
            "-m", "Troops remain at the crossing")
    ok(run(*said, "-d", "2021-05"))
    later = ok(run(*said, "-d", "2021-06")).stderr
    assert "same statement" not in later
    before = small.read_bytes()
    refused = run(*said, "-d", "2021-06")
    assert refused.exit_code == 1 and small.read_bytes() == before
    assert "--summary: the same statement as entry" in refused.stderr
    assert "--duplicate" in refused.stderr
    again = ok(run(*said, "-d", "2021-06", "--duplicate")).stderr
    assert "the same statement as entry" in again, "recorded on purpose, and still said"
    warned = [line for line in ok(run("check")).stderr.splitlines() if "same statement" in line]
    assert len(warned) == 1, warned


@pytest.mark.parametrize(("url", "followable"), [
    ("https://example.org/report 28", False), ("https:///path", False), ("example.org", False),
    ("mailto:", False), ("HTTPS://Example.org/a?b#c", True), ("doi:10.1000/182", True),
    ("urn:isbn:0451450523", True), ("ftp://files.example.org/x", True)])
def test_an_address_a_reader_cannot_follow_is_warned_of(run: Run, small: Path, url: str,
                                                        followable: bool) -> None:
    """One rule for a followable address (`cautions.web_address`): a scheme and a host, no white
    space, or a mail, URN or DOI name."""
    added = ok(run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                   "-d", "2021-05", "-m", "Seen", "--url", url)).stderr
    assert ("is not a web address" not in added) is followable, added


def test_an_entry_corrected_twice_is_a_problem_naming_both(run: Run, small: Path,
                                                             tmp_path: Path) -> None:
    """Two analysts correct the same entry differently on their copies; merged, both
    corrections would count: `check` fails, placed at each, and `evidence show` names both."""
    import shutil

    entry = ok(run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                   "-d", "2021-05", "-m", "Troops remain")).stdout.strip()
    base, theirs = tmp_path / "base.json", tmp_path / "theirs.json"
    shutil.copy(small, base)
    shutil.copy(small, theirs)
    ours = ok(run("evidence", "correct", entry, "--date", "2021-06", "--reason",
                  "Misdated")).stdout.strip()
    other = ok(run("evidence", "correct", entry, "--date", "2021-07", "--reason", "Misdated",
                   file=theirs)).stdout.strip()
    ok(run("merge", str(base), str(small), str(theirs)))
    checked = run("check")
    assert checked.exit_code == 1
    problems = [line for line in checked.stderr.splitlines() if f"corrects {entry}" in line]
    assert len(problems) == 2 and all(ours in line and other in line for line in problems)
    shown = as_json(run("evidence", "show", entry, "--format", "json"))
    assert sorted(shown["corrections"]) == sorted([ours, other])
    assert "corrected by" in ok(run("evidence", "show", entry)).stdout
    ok(run("evidence", "retract", other, "--reason", "The other correction is right"))
    assert "ok:" in ok(run("check")).stdout
