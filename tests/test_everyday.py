"""Everyday use: the conventions people bring from git, gh and hledger."""

from __future__ import annotations

from pathlib import Path

from conftest import Run, as_json, ok


def test_short_flags_for_evidence_add(run: Run, small: Path) -> None:
    """`-t -c -s -d -m -q`, as git's `-m`: the same entry as the long options would record."""
    short = ok(run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                   "-s", "disputes", "-d", "2020-04", "-m", "Nobody released",
                   "-q", "not one prisoner")).stdout.strip()
    entry = as_json(run("evidence", "show", short, "--format", "json"))
    assert (entry["term"], entry["claimant"], entry["stance"], entry["date"], entry["summary"],
            entry["quote"]) == ("release", "monitor", "disputes", "2020-04", "Nobody released",
                                "not one prisoner")
    help_text = ok(run("evidence", "add", "--help")).stdout
    for flag in ("-t", "-c", "-s", "-d", "-m", "-q"):
        assert f"{flag} " in help_text or f"{flag}," in help_text, flag
