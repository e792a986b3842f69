"""The ledger as a SQLite database, for `sqlite3` and Datasette: a table per kind of record, the
report's statuses as a table, foreign keys, indexes on what reports filter by, and full-text
search over what entries say (`evidence_fts`, named as sqlite-utils names it)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ledger.columns import OBLIGATION_COLUMNS, joined, obligation_row
from ledger.core.assessments import standings
from ledger.core.counting import retracted_ids
from ledger.core.errors import LedgerError
from ledger.core.model import Ledger
from ledger.core.status import Report
from ledger.storage.writing import replaced_whole

SCHEMA = """
CREATE TABLE agreements (id TEXT PRIMARY KEY, title TEXT NOT NULL, signed TEXT, place TEXT,
    url TEXT, ended TEXT, stale_after INTEGER, recorded_at TEXT, recorded_by TEXT);
CREATE TABLE parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    aliases TEXT, recorded_at TEXT, recorded_by TEXT);
CREATE TABLE terms (id TEXT PRIMARY KEY, agreement TEXT NOT NULL REFERENCES agreements(id),
    article TEXT, title TEXT NOT NULL, category TEXT NOT NULL, due TEXT, text TEXT,
    conditions TEXT, recorded_at TEXT, recorded_by TEXT);
CREATE TABLE obligors (term TEXT NOT NULL REFERENCES terms(id),
    party TEXT NOT NULL REFERENCES parties(id), PRIMARY KEY (term, party));
CREATE TABLE evidence (id TEXT PRIMARY KEY, date TEXT NOT NULL,
    term TEXT NOT NULL REFERENCES terms(id), subject TEXT NOT NULL REFERENCES parties(id),
    claimant TEXT NOT NULL REFERENCES parties(id), stance TEXT NOT NULL, summary TEXT NOT NULL,
    speaker TEXT, quote TEXT, source TEXT, publisher TEXT, url TEXT, source_date TEXT,
    document TEXT, sha256 TEXT, corrects TEXT, statement TEXT, retracted INTEGER NOT NULL,
    recorded_at TEXT NOT NULL, recorded_by TEXT);
CREATE TABLE retractions (id TEXT PRIMARY KEY, evidence TEXT NOT NULL REFERENCES evidence(id),
    reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT);
CREATE TABLE changes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "of" TEXT NOT NULL,
    record TEXT NOT NULL, effective TEXT, reason TEXT NOT NULL, "values" TEXT, cleared TEXT,
    recorded_at TEXT NOT NULL, recorded_by TEXT);
CREATE TABLE assessments (id TEXT PRIMARY KEY, term TEXT NOT NULL REFERENCES terms(id),
    party TEXT NOT NULL REFERENCES parties(id), period TEXT NOT NULL, finding TEXT NOT NULL,
    level INTEGER, rationale TEXT NOT NULL, evidence TEXT, corrects TEXT, state TEXT NOT NULL,
    reviewed_by TEXT, recorded_at TEXT NOT NULL, recorded_by TEXT);
CREATE TABLE reviews (id TEXT PRIMARY KEY,
    assessment TEXT NOT NULL REFERENCES assessments(id), action TEXT NOT NULL,
    reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT);
CREATE VIRTUAL TABLE evidence_fts USING FTS5 (summary, quote, content=[evidence]);
"""

INDEXES = """
CREATE INDEX evidence_term ON evidence(term);
CREATE INDEX evidence_subject ON evidence(subject);
CREATE INDEX evidence_claimant ON evidence(claimant);
CREATE INDEX evidence_date ON evidence(date);
CREATE INDEX terms_agreement ON terms(agreement);
CREATE INDEX terms_category ON terms(category);
CREATE INDEX statuses_status ON statuses(status);
"""
"""Made once the rows are in: building an index whole is faster than growing it row by row."""

DESCRIPTIONS = {
    "agreements": "The agreements, each in the version in force.",
    "parties": "The parties, each in the version in force; aliases joined by '; '.",
    "terms": "The terms (obligations), each in the version in force.",
    "obligors": "Which party each term binds.",
    "evidence": "Dated entries: who claims or disputes (or notes) that a party complies with a "
                "term; retracted = 1 when withdrawn from every count.",
    "retractions": "Why an entry no longer counts.",
    "changes": "Amendments (from an effective day) and corrections (every day) of agreements, "
               "parties and terms.",
    "assessments": "The monitoring team's findings, with where each stands (draft, approved, "
                   "rejected, withdrawn).",
    "reviews": "Second readers' approvals and rejections, and withdrawals.",
    "statuses": "The compliance report: one row per party and obligation, as `ledger report "
                "--format csv` gives it.",
}


def write_database(path: Path, ledger: Ledger, report: Report, *,
                   metadata: tuple[Path, dict[str, Any]] | None = None) -> None:
    """Write `ledger` (as it stood on the clocks of `report`) and `report` to a new SQLite file
    at `path`, and Datasette's `metadata` (a file and what it holds) when given: each made
    beside its place and renamed into it once both are written, so that a failure changes
    neither."""
    with contextlib.ExitStack() as stack:
        if metadata is not None:
            described, data = metadata
            staged = stack.enter_context(replaced_whole(described))
            staged.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                              encoding="utf-8")
        with replaced_whole(path) as temporary:
            try:
                connection = sqlite3.connect(temporary)
                try:
                    _fill(connection, ledger, report)
                    connection.commit()
                finally:
                    connection.close()
            except sqlite3.Error as error:
                raise LedgerError(f"{path}: cannot write the database ({error})") from None


def _fill(connection: sqlite3.Connection, ledger: Ledger, report: Report) -> None:
    connection.executescript(SCHEMA)
    statuses = ", ".join(f'"{column}" TEXT' for column in OBLIGATION_COLUMNS)
    connection.execute(f"CREATE TABLE statuses ({statuses}, PRIMARY KEY (party, term), "
                       "FOREIGN KEY (party) REFERENCES parties(id), "
                       "FOREIGN KEY (term) REFERENCES terms(id))")
    retracted = retracted_ids(ledger)
    standing = standings(ledger)
    _insert(connection, "agreements", [
        (item.id, item.title, item.signed, item.place, item.url, item.ended, item.stale_after,
         item.recorded_at, item.recorded_by) for item in ledger.agreements])
    _insert(connection, "parties", [
        (item.id, item.name, item.role.value, joined(item.aliases), item.recorded_at,
         item.recorded_by) for item in ledger.parties])
    _insert(connection, "terms", [
        (item.id, item.agreement, item.article, item.title, item.category, item.due, item.text,
         joined(item.conditions or ()), item.recorded_at, item.recorded_by)
        for item in ledger.terms])
    _insert(connection, "obligors", [(term.id, party) for term in ledger.terms
                                     for party in term.obligors])
    _insert(connection, "evidence", [
        (entry.id, entry.date, entry.term, entry.subject, entry.claimant, entry.stance.value,
         entry.summary, entry.speaker, entry.quote,
         *((entry.source.title, entry.source.publisher, entry.source.url, entry.source.date,
            entry.source.document, entry.source.sha256) if entry.source else (None,) * 6),
         entry.corrects, entry.statement, int(entry.id in retracted), entry.recorded_at,
         entry.recorded_by) for entry in ledger.evidence])
    _insert(connection, "retractions", [
        (item.id, item.evidence, item.reason, item.recorded_at, item.recorded_by)
        for item in ledger.retractions])
    _insert(connection, "changes", [
        (item.id, item.kind.value, item.of.value, item.record, item.effective, item.reason,
         json.dumps(item.values.model_dump(mode="json", exclude_unset=True)),
         joined(item.cleared), item.recorded_at, item.recorded_by) for item in ledger.changes])
    _insert(connection, "assessments", [
        (item.id, item.term, item.party, item.period, item.finding.value, item.level,
         item.rationale, joined(item.evidence), item.corrects, standing[item.id].state,
         standing[item.id].reviewed_by, item.recorded_at, item.recorded_by)
        for item in ledger.assessments])
    _insert(connection, "reviews", [
        (item.id, item.assessment, item.action.value, item.reason, item.recorded_at,
         item.recorded_by) for item in ledger.reviews])
    _insert(connection, "statuses", [obligation_row(item) for party in report.parties
                                     for item in party.obligations])
    connection.executescript(INDEXES)
    connection.execute("INSERT INTO evidence_fts (rowid, summary, quote) "
                       "SELECT rowid, summary, quote FROM evidence")


def _insert(connection: sqlite3.Connection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def metadata(title: str, database: str, source: str) -> dict[str, Any]:
    """Datasette's metadata for the database: its title and source, and what each table
    holds."""
    return {"title": title, "source": source,
            "databases": {database: {"tables": {table: {"description": description}
                                                 for table, description
                                                 in DESCRIPTIONS.items()}}}}
