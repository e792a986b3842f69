"""The file's layout: a save that only appends splices the new records into the old bytes, and
writes exactly what a whole save writes; a file in any other layout is written whole."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import Run, add_evidence, ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import ledgers

from ledger.core import safejson
from ledger.core.model import OPTIONAL_LISTS, Ledger
from ledger.storage import layout, loading, writing


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers())
def test_the_file_is_what_earlier_versions_wrote(ledger: Ledger) -> None:
    """Pydantic writes the file now; orjson wrote it before: the same bytes, so that the first
    save of an existing ledger does not rewrite it (and a git diff shows only what changed)."""
    ordered = writing.canonical(ledger)
    empty = {field for field in OPTIONAL_LISTS if not getattr(ordered, field)}
    assert writing.serialize(ledger) == safejson.dumps(
        ordered.model_dump(mode="json", exclude_none=True, exclude=empty))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(), data=st.data())
def test_a_save_that_appends_writes_what_a_whole_save_writes(ledger: Ledger,
                                                             data: st.DataObject) -> None:
    whole = writing.canonical(ledger)
    kept = data.draw(st.integers(0, len(whole.evidence)))
    before = whole.model_copy(update={"evidence": whole.evidence[:kept], "retractions": ()})
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "ledger.json"
        path.write_bytes(writing.serialize(before))
        loaded = loading.load(path)
        after = loaded.ledger.model_copy(update={
            "evidence": (*loaded.ledger.evidence, *whole.evidence[kept:]),
            "retractions": whole.retractions})
        grown = layout.appended_records(loaded.ledger, after)
        assert grown is not None
        spliced = layout.appended(loaded.raw, after, grown)
        if whole.evidence[kept:] or whole.retractions:
            assert spliced is not None and b"".join(spliced) == writing.serialize(after)
        else:
            assert spliced is None  # nothing appended: no save at all
        with writing.locked(path):
            writing.save(path, after, loaded)
        assert path.read_bytes() == writing.serialize(after)
    finally:
        shutil.rmtree(folder)


def test_an_added_entry_is_spliced_into_the_file(run: Run, small: Path) -> None:
    before = small.read_bytes()
    add_evidence(run, "withdraw", "north", "claims", "2020-06-01")
    after = small.read_bytes()
    assert after == writing.serialize(loading.load(small).ledger)
    members, grown = layout.split(before), layout.split(after)
    assert members is not None and grown is not None
    assert after.startswith(before[:members["evidence"].end])  # the old records, untouched


def test_a_file_in_another_layout_is_written_whole(run: Run, small: Path) -> None:
    """Indented by four, keys reordered, and a right-to-left override written raw: the save
    after a change gives the bytes of the records, as if this program had written it."""
    data = json.loads(small.read_bytes())
    data["title"] = "Accord \u202e backwards"
    small.write_text(json.dumps(dict(reversed(data.items())), indent=4, ensure_ascii=False),
                     encoding="utf-8")
    add_evidence(run, "withdraw", "north", "claims", "2020-06-01")
    written = small.read_bytes()
    assert written == writing.serialize(loading.load(small).ledger)
    assert "\u202e".encode() not in written and b"\\u202e" in written


def test_a_control_written_raw_by_hand_is_escaped_by_a_spliced_save(run: Run,
                                                                     small: Path) -> None:
    """A file in this program's layout, edited by hand to hold a raw bidi override: the splice
    keeps the old records' bytes, but never a character a terminal would act on."""
    raw = small.read_bytes()
    members = layout.split(raw)
    assert members is not None
    title = members["title"]
    small.write_bytes(raw.replace(b'"title": ' + title, b'"title": "North\xe2\x80\xaeland"'))
    add_evidence(run, "withdraw", "north", "claims", "2020-06-01")
    written = small.read_bytes()
    assert "\u202e".encode() not in written and b'"North\\u202eland"' in written
    assert written == writing.serialize(loading.load(small).ledger)


@pytest.mark.parametrize("change", ["a record", "the title"])
def test_a_save_that_changes_more_than_it_appends_is_written_whole(small: Path,
                                                                   change: str) -> None:
    loaded = loading.load(small)
    first, *others = loaded.ledger.parties
    newcomer = first.model_copy(update={"id": "newcomer", "recorded_at": "2999-01-01T00:00:00"
                                                                         ".000000Z"})
    update: dict[str, object] = {"parties": (first, *others, newcomer)}
    if change == "a record":
        update["parties"] = (first.model_copy(update={"name": "Renamed"}), *others, newcomer)
    else:
        update["title"] = "Another title"
    after = loaded.ledger.model_copy(update=update)
    assert layout.appended_records(loaded.ledger, after) is None
    with writing.locked(small):
        writing.save(small, after, loaded)
    assert small.read_bytes() == writing.serialize(after)
    assert loading.load(small).ledger == after


FIRST_LINES = [b'{"schema_version": 2,', b'{ "schema_version": 2,', b'{\n\t"schema_version": 2,',
               b'{\n  "schema_version":2,', b'{\n  "schema_version"\n  : 2,',
               b'  {\n  "schema_version": 2,', b'{\n  "schema_version": 2 ,']


@pytest.mark.parametrize("first", FIRST_LINES)
def test_a_first_member_written_by_hand_is_not_spliced(run: Run, small: Path, first: bytes) -> None:
    """The schema version is cut where this program writes it; written any other way, the
    file is written whole (a splice once wrote `"schema_version": ,` here)."""
    raw = small.read_bytes()
    prefix = b'{\n  "schema_version": 2,'
    assert raw.startswith(prefix)
    small.write_bytes(first + raw[len(prefix):])
    ok(run("check"))
    before = loading.load(small).ledger
    ok(run("party", "add", "east", "--name", "Eastland"))
    after = loading.load(small)
    assert after.raw == writing.serialize(after.ledger)
    assert after.ledger.parties[:len(before.parties)] == before.parties


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(indent=st.sampled_from([None, 0, 1, 2, 3, 4, "\t"]),
       separators=st.sampled_from([(",", ": "), (",", ":"), (", ", ": "), (" ,", " : ")]),
       lead=st.sampled_from(["", " ", "\n", "\t"]))
def test_a_file_in_any_json_layout_keeps_its_records_through_a_save(
        small_ledger_bytes: bytes, indent: int | str | None, separators: tuple[str, str],
        lead: str) -> None:
    """However the file is laid out, a save that appends loads back to the records it saved."""
    text = lead + json.dumps(json.loads(small_ledger_bytes), indent=indent,
                             separators=separators, ensure_ascii=False) + "\n"
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "ledger.json"
        path.write_text(text, encoding="utf-8")
        loaded = loading.load(path)
        newcomer = loaded.ledger.parties[0].model_copy(update={
            "id": "newcomer", "recorded_at": "2999-01-01T00:00:00.000000Z"})
        after = loaded.ledger.model_copy(update={
            "parties": (*loaded.ledger.parties, newcomer)})
        with writing.locked(path):
            writing.save(path, after, loaded)
        assert loading.load(path).ledger == after
    finally:
        shutil.rmtree(folder)
