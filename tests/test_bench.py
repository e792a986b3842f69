"""The benchmark's own tests: a deterministic generator, and a runner that works at N=200."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Run, ok

BENCH = Path(__file__).resolve().parent.parent / "bench"


def generate(tmp_path: Path, entries: int, seed: int, name: str) -> Path:
    path = tmp_path / name
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(entries), str(path),
                    "--seed", str(seed)], check=True)
    return path


@pytest.mark.slow
def test_the_generator_is_deterministic_and_valid(run: Run, tmp_path: Path) -> None:
    first = generate(tmp_path, 300, 1, "a.json")
    again = generate(tmp_path, 300, 1, "b.json")
    other = generate(tmp_path, 300, 2, "c.json")
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    summary = ok(run("check", file=first)).stdout
    assert "ok: 10 agreements, 40 parties, 400 terms, 300 evidence entries" in summary
    data = json.loads(first.read_text(encoding="utf-8"))
    assert any(len(term["obligors"]) > 1 for term in data["terms"])
    assert {len(entry["date"]) for entry in data["evidence"]} == {4, 7, 10}
    assert all(100 <= len(entry["summary"]) <= 301 for entry in data["evidence"])
    assert any(not entry["summary"].isascii() for entry in data["evidence"])
    assert 0 < len(data["retractions"]) < 20


def test_the_branches_share_their_base_and_merge_cleanly(run: Run, tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    from generate import write_branches

    base, ours, theirs = write_branches(200, tmp_path)
    ids = {name: {entry["id"] for entry in json.loads(path.read_text())["evidence"]}
           for name, path in (("base", base), ("ours", ours), ("theirs", theirs))}
    assert len(ids["base"]) == 180 and len(ids["ours"]) == len(ids["theirs"]) == 200
    assert ids["ours"] & ids["theirs"] == ids["base"]
    merged = ok(run("merge", str(base), str(ours), str(theirs)))
    assert merged.stderr == "ledger: merged by record: 20 records and changes from their side\n"
    assert "220 evidence entries" in ok(run("check", file=ours)).stdout


@pytest.mark.slow
def test_the_runner_prints_a_markdown_table_at_n_200(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "200",
                             "--runs", "1", "--startup-runs", "1"], capture_output=True,
                            text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "| command | entries | file MB | seconds | × json.load | × jq | max RSS MB | × file |" \
        in lines
    for command in ("check", "report --format json", "report --as-of", "term list",
                    "evidence list --party --format csv", "evidence add", "log --format json",
                    "term amend", "changes --format json",
                    "check, a bad value in every entry (first 1,000 placed)"):
        assert any(line.startswith(f"| `ledger {command}` | 200 |") for line in lines), command
    assert any(line.startswith("| `ledger --help` |") for line in lines)
    assert any(line.startswith("| a Typer command with one option") for line in lines)
    assert any(line.startswith("| report json ÷ json.load |") for line in lines)
    for command in ("report", "evidence list", "term list", "party list", "agreement list",
                    "log", "changes", "term show", "evidence show"):
        assert any(line.startswith(f"| `ledger {command}` | 200 |") for line in lines), command
        assert any(line.startswith(f"| `ledger {command} --format csv` | 200 |")
                   for line in lines) is False, "CSV is the second column of the table's row"
    assert any(line.startswith("| `ledger report --format html` | 200 |") for line in lines)
    reference, page = (lines.index(next(line for line in lines if line.startswith(start)))
                       for start in ("| `json.load` (reference, timed just before the page) | 200",
                                     "| `ledger report --format html` | 200 |"))
    assert reference == page - 1, "the page's ratio is to a json.load timed in its own rounds"
    for label in ("1 MB", "10 MB"):
        assert any(line.startswith(f"| `ledger evidence list` | {label} |") for line in lines)
    assert any(line.startswith("| `ledger merge BASE OURS THEIRS` | 200 |") for line in lines)
    assert any(line.startswith("| `ledger evidence import ROWS.csv` | 200 | 20 |")
               for line in lines)
    assert any(line.startswith("| `ledger evidence import ROWS.csv --dry-run` | 200 | 20 |")
               for line in lines)
    for target in ("worst table ÷ CSV", "report html ÷ json.load", "worst long field ÷ without",
                   "merge of two copies sharing 90% ÷ json.load of one",
                   "import of 20 rows ÷ json.load of the result",
                   "its dry run ÷ json.load of the result"):
        assert any(line.startswith(f"| {target} |") for line in lines), target
    assert "| target (at 200 entries) | measured | rounds | limit | met |" in lines
    page_target = next(line for line in lines if line.startswith("| report html ÷ json.load |"))
    assert re.fullmatch(r"\| report html ÷ json\.load \| [\d.]+ \| [\d.]+–[\d.]+ \| 3 \| "
                        r"(yes|NO) \|", page_target), page_target


def test_a_ratio_is_the_median_of_the_rounds_ratios() -> None:
    """Each round's ratio compares two runs of the same minute: one slow minute for the command
    and a fast one for its reference does not decide it, as it would a ratio of medians."""
    sys.path.insert(0, str(BENCH))
    from run import Measure, over

    command = Measure(4.0, 1, (2.0, 4.0, 6.0))
    reference = Measure(1.0, 1, (1.0, 1.0, 3.0))
    assert over(command, reference) == 2.0, "the rounds' ratios are 2, 4, 2"
    assert over(command, Measure(1.0, 1)) == 4.0, "not measured in the same rounds: the medians"


def test_a_ratio_comes_with_its_least_and_greatest_round() -> None:
    sys.path.insert(0, str(BENCH))
    from run import Measure, spread

    command = Measure(4.0, 1, (2.0, 4.0, 6.0))
    reference = Measure(1.0, 1, (1.0, 1.0, 3.0))
    assert spread(command, reference) == (2.0, 4.0), "the rounds' ratios are 2, 4, 2"
    assert spread(command, Measure(1.0, 1)) is None, "not measured in the same rounds"
