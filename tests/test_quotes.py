"""`ledger check --sources`: documents present with their digest, quotes verbatim in them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import Run, add_evidence, ok

FIRST = ("The minister said: \u201cWe have released   every prisoner,\nas promised.\u201d "
         "It\u2019s done.")
SECOND = "A monitor wrote that the prisons were still full in June."


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    (folder / "nested").mkdir(parents=True)
    (folder / "first.txt").write_text(FIRST, encoding="utf-8")
    (folder / "nested" / "second.txt").write_text(SECOND, encoding="utf-8")
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quoted(run: Run, sources: Path, quote: str, document: str = "first.txt",
           sha256: str | None = None) -> str:
    found = next(sources.rglob(document), None)
    recorded = sha256 or (digest(found) if found else "0" * 64)
    return add_evidence(run, "release", "monitor", "disputes", "2020-06", "--subject", "north",
                        "--quote", quote, "--document", document, "--sha256", recorded)


def position(ledger: Path, field: str, value: str) -> str:
    """Where `"field": "value"` stands in the file, as LINE:COL of the value."""
    for number, line in enumerate(ledger.read_text(encoding="utf-8").splitlines(), start=1):
        key = f'"{field}": "{value}"'
        if key in line:
            return f"{number}:{line.index(key) + len(field) + 5}"
    raise AssertionError(f"{field} {value!r} not in the file")


def test_quotes_found_after_folding_space_and_typographic_quotes(
        run: Run, small: Path, sources: Path) -> None:
    quoted(run, sources, "We have released every prisoner, as promised.")
    quoted(run, sources, "\"We have released every prisoner,")
    quoted(run, sources, "It's done.")
    quoted(run, sources, "the prisons were still full", document="second.txt")
    add_evidence(run, "withdraw", "north", "claims", "2020", "--quote", "No document named")
    summary = ok(run("check", "--sources", str(sources))).stdout
    assert "quotes: 4 verified against their source, 1 unverifiable (no source document)" \
        in summary


def test_a_quote_changed_by_one_word_is_reported_at_the_quote(
        run: Run, small: Path, sources: Path) -> None:
    quoted(run, sources, "We have released every prisoner")
    quoted(run, sources, "We have released many prisoners")
    result = run("check", "--sources", str(sources))
    assert result.exit_code == 1
    where = position(small, "quote", "We have released many prisoners")
    assert result.stderr.splitlines() == [
        f"{small}:{where}: quote not found verbatim in {sources / 'first.txt'}"]


def test_case_and_other_characters_are_not_folded(run: Run, small: Path, sources: Path) -> None:
    quoted(run, sources, "we have released every prisoner")
    quoted(run, sources, "We have released every prisoner.")
    lines = run("check", "--sources", str(sources)).stderr.splitlines()
    assert len(lines) == 2 and all("quote not found verbatim" in line for line in lines)


def test_a_quote_from_the_other_document_is_reported(run: Run, small: Path,
                                                     sources: Path) -> None:
    quoted(run, sources, "the prisons were still full")
    result = run("check", "--sources", str(sources))
    where = position(small, "quote", "the prisons were still full")
    assert result.stderr.splitlines() == [
        f"{small}:{where}: quote not found verbatim in {sources / 'first.txt'}"]


def test_a_missing_document_is_reported_at_the_document(run: Run, small: Path,
                                                        sources: Path) -> None:
    quoted(run, sources, "anything", document="third.txt")
    result = run("check", "--sources", str(sources))
    assert result.exit_code == 1
    where = position(small, "document", "third.txt")
    assert result.stderr.splitlines() == [
        f"{small}:{where}: source document 'third.txt' not found beside the ledger or under "
        f"{sources}"]
    summary = ok(run("check")).stdout
    assert "1 not checked (document not found: pass --sources DIR)" in summary


def test_a_wrong_digest_is_reported_at_the_digest(run: Run, small: Path, sources: Path) -> None:
    quoted(run, sources, "It's done.", sha256="ab" * 32)
    result = run("check", "--sources", str(sources))
    where = position(small, "sha256", "ab" * 32)
    assert result.stderr.splitlines() == [
        f"{small}:{where}: {sources / 'first.txt'} has SHA-256 {digest(sources / 'first.txt')},"
        " not the recorded one"]


def test_a_document_beside_the_ledger_is_found_without_sources(
        run: Run, small: Path, sources: Path) -> None:
    (small.parent / "first.txt").write_text(FIRST, encoding="utf-8")
    quoted(run, sources, "as promised")
    assert "quotes: 1 verified" in ok(run("check")).stdout
    assert run("check", "--sources", str(small.parent / "nowhere")).exit_code == 1


def test_a_retracted_entrys_failing_quote_is_a_note(run: Run, small: Path, sources: Path
                                                    ) -> None:
    """The retraction already says the entry was wrong, and the ledger keeps it for ever: its
    quote not found is printed as a note, and `check` passes."""
    wrong = quoted(run, sources, "We have released half the prisoners")
    failed = run("check", "--sources", str(sources))
    assert failed.exit_code == 1 and "quote not found verbatim" in failed.stderr
    ok(run("evidence", "retract", wrong, "--reason", "Misquoted"))
    passed = ok(run("check", "--sources", str(sources)))
    where = position(small, "quote", "We have released half the prisoners")
    assert passed.stderr == (f"{small}:{where}: note: quote not found verbatim in "
                             f"{(sources / 'first.txt').resolve()} (the entry is retracted, so "
                             "this fails nothing)\n")
    quoted(run, sources, "We have released nobody")
    assert run("check", "--sources", str(sources)).exit_code == 1, "an entry in force still fails"
