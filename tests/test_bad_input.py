"""Malformed ledgers (files under tests/cases/): a placed one-line error, exit 1, file untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Run, ok

CASES = Path(__file__).resolve().parent / "cases"

# file, line, column, what the message says. Lines and columns were checked by hand against the
# files: each points at the offending value (or key, or the object missing a field).
EXPECTED = [
    ("invalid-json-missing-comma.json", 4, 3, "Expecting ',' delimiter"),
    ("invalid-json-trailing-comma.json", 60, 29, "Expecting property name"),
    ("invalid-json-single-quotes.json", 23, 7, "Expecting property name"),
    ("truncated.json", 49, 18, "truncated?"),
    ("empty.json", 1, 1, "empty file"),
    ("whitespace-only.json", 1, 1, "empty file"),
    ("top-level-array.json", 1, 1, "must be a JSON object, not an array"),
    ("top-level-string.json", 1, 1, "must be a JSON object, not a string"),
    ("wrong-type-title.json", 3, 12, "title: Input should be a valid string"),
    ("null-title.json", 3, 12, "title: Input should be a valid string"),
    ("wrong-type-evidence-list.json", 28, 12, "terms: Input should be a valid array"),
    ("wrong-type-schema-version.json", 2, 21, "schema_version: Input should be a valid integer"),
    ("unknown-field-top.json", 4, 3, "unknown field 'titel'"),
    ("unknown-field-evidence.json", 50, 7, "unknown field 'quoet'"),
    ("unknown-field-source.json", 53, 9, "unknown field 'page'"),
    ("missing-field-summary.json", 41, 5, "missing field 'summary'"),
    ("duplicate-key-top.json", 4, 3, 'duplicate key "title"'),
    ("duplicate-key-nested.json", 24, 7, 'duplicate key "name"'),
    ("nan.json", 2, 21, "NaN is not valid JSON"),
    ("infinity.json", 2, 21, "-Infinity is not valid JSON"),
    ("huge-float.json", 2, 21, "number too large"),
    ("huge-integer.json", 2, 21, "number too large"),
    ("deep-nesting.json", 19, 47, "nesting deeper than 32 levels"),
    ("invalid-utf8.json", 49, 26, "invalid UTF-8 (byte 0xff)"),
    ("lone-surrogate.json", 49, 18, "lone UTF-16 surrogate"),
    ("impossible-date.json", 47, 15, "'2020-02-30' (2020-02 has 29 days)"),
    ("bad-date-format.json", 47, 15, "'30/06/2020' is not a date: YYYY, YYYY-MM or YYYY-MM-DD"),
    ("due-not-a-period.json", 37, 14, "due: '2021-Q5' is not a period: YYYY, YYYY-MM, YYYY-Qn"),
    ("bad-timestamp.json", 48, 22, "not a UTC timestamp"),
    ("newer-schema-version.json", 2, 21, "schema version 7; this program reads versions up to 2"),
    ("bad-stance.json", 46, 17, "stance: Input should be 'claims', 'disputes' or 'notes'"),
    ("bad-role.json", 24, 15, "role: Input should be 'signatory'"),
    ("bad-slug.json", 22, 13, "'South Land' is not an id"),
    ("empty-summary.json", 49, 18, "summary: String should have at least 1 character"),
    ("empty-obligors.json", 34, 19, "obligors: Tuple should have at least 1 item"),
    ("bad-evidence-id.json", 42, 13, "'entry-1' is not an entry id"),
    ("duplicate-party-id.json", 22, 13, "duplicate id 'north' (first at parties[0])"),
    ("unknown-obligor.json", 35, 9, "unknown party 'east'"),
    ("unknown-agreement.json", 31, 20, "unknown agreement 'treaty'"),
    ("unknown-term.json", 43, 15, "unknown term 'withdrawal'"),
    ("unknown-claimant.json", 45, 19, "unknown party 'west'"),
    ("subject-not-obligor.json", 44, 18, "party 'south' is not an obligor of term 'withdraw'"),
    ("dangling-retraction.json", 59, 19, "retracts unknown evidence entry '0123456789ab'"),
    ("unknown-signatory.json", 10, 9, "unknown party 'nobody'"),
    ("non-ascii-digits-date.json", 47, 15, "'٢٠٢٠-06' is not a date"),
    ("year-zero.json", 8, 17, "signed: '0000-02-29' is not a date"),
    ("trailing-nul.json", 65, 1, "unexpected content after the ledger's closing brace"),
    ("trailing-garbage.json", 65, 1, "unexpected content after the ledger's closing brace"),
]


def test_the_corpus_is_complete() -> None:
    assert sorted(name for name, *_ in EXPECTED) == sorted(path.name for path in CASES.iterdir())
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize(("name", "line", "column", "message"), EXPECTED,
                         ids=[case[0] for case in EXPECTED])
@pytest.mark.parametrize("command", [
    ("report",),
    ("check",),
    ("party", "add", "east", "--name", "Eastland"),
    ("evidence", "retract", "9f89", "--reason", "x"),
])
def test_malformed_ledger_gets_a_placed_error_and_is_untouched(
        run: Run, tmp_path: Path, name: str, line: int, column: int, message: str,
        command: tuple[str, ...]) -> None:
    path = tmp_path / name
    shutil.copyfile(CASES / name, path)
    before = path.read_bytes()
    result = run(*command, file=path)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{column}: "), first
    assert message in first
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert path.read_bytes() == before
    assert sorted(item.name for item in tmp_path.iterdir() if not item.name.endswith(".lock")) \
        == [name]


def test_a_byte_order_mark_is_accepted(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (CASES.parent / "valid-base.json").read_bytes())
    assert "ok: 1 agreements, 2 parties" in ok(run("check", file=path)).stdout


def test_every_problem_is_listed(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    text = (CASES.parent / "valid-base.json").read_text()
    path.write_text(text.replace('"claimant": "south"', '"claimant": "west"')
                    .replace('"date": "2020-06"', '"date": "2020-13"'))
    result = run("check", file=path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:47:15: date: '2020-13' is not a date: YYYY, YYYY-MM or YYYY-MM-DD "
        "(year 0001-9999, month 01-12, a day the month has)",
    ], "model errors come first; reference checks run once the model is valid"
    path.write_text(text.replace('"claimant": "south"', '"claimant": "west"')
                    .replace('"term": "withdraw"', '"term": "nope"'))
    assert run("check", file=path).stderr.splitlines() == [
        f"{path}:43:15: unknown term 'nope'",
        f"{path}:45:19: unknown party 'west'",
    ]


def test_bad_option_values_name_the_option_and_change_nothing(run: Run, small: Path) -> None:
    before = small.read_bytes()
    attempts = {
        ("evidence", "add", "--term", "nope", "--claimant", "north", "--stance", "claims",
         "--date", "2020", "--summary", "s"): "--term: no term 'nope'",
        ("evidence", "add", "--term", "withdraw", "--claimant", "nobody", "--stance", "claims",
         "--date", "2020", "--summary", "s"): "--claimant: no party 'nobody'",
        ("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance", "claims",
         "--date", "2020-02-30", "--summary", "s"): "--date: not a date: '2020-02-30'",
        ("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance", "claims",
         "--date", "2020", "--summary", "  "): "--summary: must not be empty",
        ("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance", "claims",
         "--date", "2020", "--summary", "s", "--source-date", "June"):
            "--source-date: not a date: 'June'",
        ("party", "add", "north", "--name", "Again"): "ID: a party 'north' already exists",
        ("party", "add", "Bad Id", "--name", "B"): "ID: 'Bad Id' is not a valid id",
        ("agreement", "add", "a2", "--title", "T", "--signed", "2020-02"):
            "--signed: not a full date: '2020-02'",
        ("agreement", "add", "a2", "--title", "T", "--signatory", "nobody"):
            "--signatory: no party 'nobody'",
        ("term", "add", "t", "--title", "T", "--category", "c", "--obligor", "nobody"):
            "--obligor: no party 'nobody'",
        ("term", "add", "t", "--title", "T", "--category", "c", "--obligor", "north",
         "--due", "soon"): "--due: not a period: 'soon'",
        ("term", "add", "t", "--title", "T", "--category", "c", "--obligor", "north",
         "--agreement", "nope"): "--agreement: no agreement 'nope'",
        ("evidence", "retract", "ffffffff", "--reason", "r"): "ID: no evidence entry with id",
        ("report", "--as-of", "2020-H3"): "--as-of: not a period: '2020-H3' (a year has 4 "
                                          "quarters and 2 halves",
        ("report", "--party", "nobody"): "--party: no party 'nobody'",
        ("evidence", "list", "--since", "2020-1"): "--since: not a period: '2020-1'",
    }
    for arguments, message in attempts.items():
        result = run(*arguments)
        assert result.exit_code == 1, arguments
        assert result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr, (arguments, result.stderr)
        assert small.read_bytes() == before


def test_usage_errors_exit_2(run: Run, small: Path) -> None:
    result = run("party", "add", "x")
    assert result.exit_code == 2
    assert "--name" in result.stderr
    assert run("report", "--format", "xml").exit_code == 2
    # Fixed words are choices, like --format: a wrong one is a usage error that lists them.
    before = small.read_bytes()
    for arguments, choices in {
        ("party", "add", "x", "--name", "X", "--role", "king"): "one of signatory, monitor,",
        ("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance", "maybe",
         "--date", "2020", "--summary", "s"): "one of claims, disputes, notes",
        ("evidence", "list", "--stance", "maybe"): "one of claims, disputes, notes",
    }.items():
        result = run(*arguments)
        assert result.exit_code == 2, arguments
        assert "Invalid value for" in result.stderr and choices in result.stderr
    assert small.read_bytes() == before


def test_unusable_paths_get_a_clear_error(run: Run, tmp_path: Path, small: Path) -> None:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    result = run("report", file=folder)
    assert result.exit_code == 1 and "is a directory" in result.stderr
    link = tmp_path / "link.json"
    link.symlink_to(small)
    before = small.read_bytes()
    result = run("party", "add", "east", "--name", "E", file=link)
    assert result.exit_code == 1 and "is a symbolic link" in result.stderr
    assert small.read_bytes() == before and link.is_symlink()


def test_content_that_is_not_json_is_not_called_truncated(run: Run, tmp_path: Path) -> None:
    for content, expected in (("garbage", "1:1: Expecting value\n"),
                              ("<html></html>\n", "1:1: Expecting value\n"),
                              ('{"n": "a\nb"}', "1:9: Invalid control character\n"),
                              ('{"title": "cut', "1:11: Unterminated string starting "
                               "(the file ends too early: truncated?)\n"),
                              ('{\n  "n": 1.', "2:9: Expecting ',' delimiter "
                               "(the file ends too early: truncated?)\n"),
                              ('{\n  "n": tr', "2:8: Expecting value "
                               "(the file ends too early: truncated?)\n")):
        path = tmp_path / "ledger.json"
        path.write_text(content)
        result = run("check", file=path)
        assert result.exit_code == 1
        assert result.stderr == f"{path}:{expected}", content
