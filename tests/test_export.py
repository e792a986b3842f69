"""`ledger export sqlite`: the ledger as a SQLite database, read by sqlite3 and by Datasette."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from conftest import Run, add_evidence, as_json, ok


def exported(run: Run, small: Path, tmp_path: Path, *options: str) -> Path:
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-05", "--summary",
                 "Troops remain at the crossing")
    add_evidence(run, "release", "south", "claims", "2020-05", "--subject", "south")
    gone = add_evidence(run, "ceasefire", "north", "disputes", "2021-03")
    ok(run("evidence", "retract", gone, "--reason", "Misread"))
    database = tmp_path / "ledger.db"
    ok(run("export", "sqlite", str(database), "--metadata", str(tmp_path / "meta.json"),
           *options))
    return database


def test_the_database_gives_the_reports_numbers(run: Run, small: Path, tmp_path: Path) -> None:
    """The report's counts, run as SQL over `statuses`, are the report's; foreign keys hold;
    full-text search finds what an entry says; a retracted entry is marked."""
    database = exported(run, small, tmp_path, "--as-of", "2021-12-31")
    report = as_json(run("report", "--format", "json", "--as-of", "2021-12-31"))
    connection = sqlite3.connect(database)
    counted = dict.fromkeys(((party["id"], status) for party in report["parties"]
                             for status in ("claimed", "disputed", "contested", "no-evidence",
                                            "stale")), 0)
    for party, status, number in connection.execute(
            "SELECT party, status, count(*) FROM statuses GROUP BY party, status"):
        counted[party, status] = number
    assert counted == {(party["id"], status): party["counts"][status]
                       for party in report["parties"]
                       for status in ("claimed", "disputed", "contested", "no-evidence",
                                      "stale")}
    overdue = dict(connection.execute(
        "SELECT party, count(*) FROM statuses WHERE overdue = 'yes' GROUP BY party"))
    assert overdue == {party["id"]: party["counts"]["overdue"] for party in report["parties"]
                       if party["counts"]["overdue"]}
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    found = connection.execute("SELECT evidence.summary FROM evidence_fts JOIN evidence ON "
                               "evidence.rowid = evidence_fts.rowid WHERE evidence_fts MATCH "
                               "'crossing'").fetchall()
    assert found == [("Troops remain at the crossing",)]
    assert connection.execute("SELECT count(*) FROM evidence WHERE retracted = 1").fetchone() \
        == (1,)
    assert connection.execute("SELECT count(*) FROM obligors").fetchone() == (4,)


def test_datasette_serves_a_table_and_a_search(run: Run, small: Path, tmp_path: Path) -> None:
    from datasette.app import Datasette  # type: ignore[import-untyped]

    database = exported(run, small, tmp_path)
    metadata = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert metadata["databases"]["ledger"]["tables"]["statuses"]["description"]

    async def fetch() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        served = Datasette([str(database)], metadata=metadata)
        table = await served.client.get("/ledger/statuses.json?_shape=array")
        search = await served.client.get("/ledger/evidence.json?_search=crossing&_shape=array")
        assert table.status_code == 200 and search.status_code == 200
        return table.json(), search.json()

    statuses, found = asyncio.run(fetch())
    assert {(row["party"], row["term"]) for row in statuses} >= {("north", "withdraw"),
                                                                 ("south", "release")}
    assert [row["summary"] for row in found] == ["Troops remain at the crossing"]


def test_a_write_that_fails_changes_nothing(run: Run, small: Path, tmp_path: Path) -> None:
    database = tmp_path / "ledger.db"
    database.write_bytes(b"kept")
    result = run("export", "sqlite", str(tmp_path / "missing" / "ledger.db"))
    assert result.exit_code == 1 and "cannot write there" in result.stderr
    ok(run("export", "sqlite", str(database)))
    assert database.read_bytes().startswith(b"SQLite format 3")
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".ledger.db")]


def test_a_metadata_file_that_cannot_be_written_changes_nothing(run: Run, small: Path,
                                                                tmp_path: Path) -> None:
    database = tmp_path / "ledger.db"
    ok(run("export", "sqlite", str(database)))
    before = database.read_bytes()
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")  # a new export would differ
    result = run("export", "sqlite", str(database), "--metadata",
                 str(tmp_path / "missing" / "meta.json"))
    assert result.exit_code == 1 and "meta.json: cannot write there" in result.stderr
    assert database.read_bytes() == before
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")], \
        "no half-written file left"


def test_written_files_get_the_usual_mode(run: Run, small: Path, tmp_path: Path) -> None:
    """A database, its metadata and a report written with -o are made under another name (0600
    until in place), then given the mode the umask gives any new file: a page to publish is as
    readable as one a text editor saves."""
    import os

    umask = os.umask(0o022)
    try:
        exported(run, small, tmp_path)
        ok(run("-o", str(tmp_path / "report.html"), "report", "--format", "html"))
    finally:
        os.umask(umask)
    modes = {name: (tmp_path / name).stat().st_mode & 0o777
             for name in ("ledger.db", "meta.json", "report.html")}
    assert modes == dict.fromkeys(modes, 0o644)
