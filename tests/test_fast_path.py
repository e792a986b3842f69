"""The fast load accepts exactly what the careful load accepts, and gives the same ledger."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from builders import generated_ledger
from conftest import Run, ok

from ledger.core import status
from ledger.core.errors import LedgerFileError
from ledger.render import json as json_format
from ledger.render.report_views import report_view
from ledger.storage import loading, writing

VALID = (Path(__file__).resolve().parent / "valid-base.json").read_text(encoding="utf-8")


def test_fast_and_careful_loads_agree_on_a_generated_ledger(run: Run, tmp_path: Path) -> None:
    ledger = generated_ledger(500, seed=5)
    path = tmp_path / "ledger.json"
    path.write_bytes(writing.serialize(ledger))
    raw = path.read_bytes()
    fast, rejection = loading._load_fast(raw)
    careful, migrated = loading._load_carefully(raw, path, rejection)
    assert fast is not None and migrated is None
    assert fast == careful == ledger
    for options in ([], ["--as-of", "2024-03-31"], ["--party", "south"]):
        through_cli = ok(run("report", "--format", "json", *options, file=path)).stdout
        as_of = date.fromisoformat(options[1]) if options[:1] == ["--as-of"] else None
        party = options[1] if options[:1] == ["--party"] else None
        expected = status.build_report(careful, today=date.today(), as_of=as_of, party=party)
        assert through_cli == json_format.render(report_view(expected, careful))


@pytest.mark.parametrize(("name", "text"), [
    ("space before colon", VALID.replace('"title": "Base"', '"title" :  "Base"')),
    ("newline before colon", VALID.replace('"reason": "duplicate"', '"reason"\n : "duplicate"')),
    ("escaped quote and colon in a value", VALID.replace(
        '"Troops remain"', '"He said \\"no\\": troops remain \\\\"')),
    ("compact", json.dumps(json.loads(VALID), separators=(",", ":"))),
])
def test_unusual_but_valid_formatting_loads(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / "ledger.json"
    path.write_text(text, encoding="utf-8")
    assert loading.load(path).ledger == loading.load(path, fast=False).ledger


@pytest.mark.parametrize(("name", "text", "line"), [
    ("duplicate hidden by a space before a colon",
     VALID.replace('"title": "Base"', '"title" : "Base"').replace(
         '"reason": "duplicate",', '"reason": "duplicate",\n      "reason": "other",'), 61),
    ("duplicate hidden by an escaped quote-colon",
     VALID.replace('"Troops remain"', '"said \\"no\\": remain"').replace(
         '"name": "Southland",', '"name": "Southland",\n      "name": "Other",'), 24),
    ("duplicate in a compact file",
     json.dumps(json.loads(VALID), separators=(",", ":")).replace(
         '"id":"north"', '"id":"north","id":"north"'), 1),
])
def test_duplicates_are_found_whatever_the_formatting(tmp_path: Path, name: str, text: str,
                                                      line: int) -> None:
    path = tmp_path / "ledger.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerFileError) as raised:
        loading.load(path)
    problem = raised.value.problems[0]
    assert "duplicate key" in problem.message and problem.line == line
