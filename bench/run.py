"""Time whole `ledger` processes, as a user meets them, against references measured in the same run.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--startup-runs 21]

For each size it generates a ledger (bench/generate.py, with 1,000 amendments and corrections),
then reports the median wall time of `--runs` runs and the peak memory (max RSS) of each
command, and its time as a ratio to a bare `json.load` process and to the jq program that
computes the same per-party counts (current positions per term, subject and claimant; skipped
with a note when jq is not installed). The commands and their references take turns, round
after round; a ratio is the median of the rounds' ratios (`over`). It prints Markdown tables
and checks the targets of the README's Performance section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write, write_branches, write_import_rows  # noqa: E402

PYTHON = sys.executable
LEDGER = str(Path(sys.executable).parent / "ledger")
JSON_LOAD = [PYTHON, "-c", "import json,sys; json.load(open(sys.argv[1]))"]
IMPORTS = [PYTHON, "-c", "import typer, rich.table, pydantic"]
FLOOR_APP = [PYTHON, str(Path(__file__).resolve().parent / "floor_app.py"), "--step"]
FLOOR_STEPS = {
    "typer": "a Typer command with one option (`bench/floor_app.py --step typer`)",
    "pydantic": "... that also validates a one-field Pydantic model (`--step pydantic`)",
    "rich": "... and prints it in a one-row Rich table (`--step rich`)",
}
JQ_PROGRAM = """
([.retractions[].evidence] | map({key: ., value: true}) | from_entries) as $retracted
| [.evidence[] | select($retracted[.id] | not)]
| group_by([.term, .subject, .claimant])
| map(max_by([(.date + ("-01-01"[(.date | length) - 4:])), .recorded_at]))
| group_by(.subject)
| map({party: .[0].subject,
       claims: map(select(.stance == "claims")) | length,
       disputes: map(select(.stance == "disputes")) | length})
"""


@dataclass(frozen=True)
class Measure:
    seconds: float
    max_rss_mb: float
    rounds: tuple[float, ...] = ()
    """The seconds of each round, in order (`measure_interleaved`)."""


def over(measured: Measure, reference: Measure) -> float:
    """`measured` as a ratio to `reference`: the median of the ratios of the rounds, when the
    two took turns in the same rounds (each ratio's two sides then saw the same minute of the
    machine); else the ratio of the medians."""
    if measured.rounds and len(measured.rounds) == len(reference.rounds):
        return statistics.median(mine / theirs for mine, theirs
                                 in zip(measured.rounds, reference.rounds, strict=True))
    return measured.seconds / reference.seconds


def spread(measured: Measure, reference: Measure) -> tuple[float, float] | None:
    """The least and the greatest of the rounds' ratios (`over` is their median): how far one
    round's verdict may fall from the run's. None when the two were not timed in the same
    rounds."""
    if not measured.rounds or len(measured.rounds) != len(reference.rounds):
        return None
    ratios = [mine / theirs for mine, theirs in zip(measured.rounds, reference.rounds,
                                                     strict=True)]
    return min(ratios), max(ratios)


def measure_once(argv: list[str], cwd: Path, expected_code: int = 0) -> Measure:
    """The wall time and max RSS of one run of a process that must exit with `expected_code`."""
    # stderr goes to a file, not a pipe: a command that reports a thousand problems would fill
    # a pipe nobody reads until it ends, and wait for ever.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != expected_code:
        raise SystemExit(f"{' '.join(argv)} failed ({code}): {stderr}")
    return Measure(seconds, usage.ru_maxrss / 1024)


Command = tuple[list[str], Callable[[], None] | None, int]
"""A process to time, what to do (untimed) before each run of it, and the exit code it must give."""


def copier(source: Path, target: Path) -> Callable[[], None]:
    """What to do before each run of a command that changes its file: a fresh copy."""
    def copy() -> None:
        shutil.copyfile(source, target)

    return copy


def measure_interleaved(commands: list[Command], runs: int, cwd: Path) -> list[Measure]:
    """Each command's median time and largest max RSS over `runs` runs, the commands taking turns.

    Taking turns lets each ratio's two sides see the same machine: a development machine's speed
    drifts by a fifth from one minute to the next, which would otherwise decide a ratio whose
    reference was timed in a slow minute and its command in a fast one.
    """
    rounds = []
    for _ in range(runs):
        turn = []
        for argv, before, expected_code in commands:
            if before is not None:
                before()
            turn.append(measure_once(argv, cwd, expected_code))
        rounds.append(turn)
    return [
        Measure(statistics.median(turn[index].seconds for turn in rounds),
                max(turn[index].max_rss_mb for turn in rounds),
                tuple(turn[index].seconds for turn in rounds))
        for index in range(len(commands))
    ]


READ_COMMANDS = {
    "report": ["report"],
    "evidence list": ["evidence", "list"],
    "term list": ["term", "list"],
    "party list": ["party", "list"],
    "agreement list": ["agreement", "list"],
    "log": ["log"],
    "changes": ["changes", "--since", "2021-12-31", "--until", "2024-12-31"],
    "term show": ["term", "show", "FIRST_TERM"],
    "evidence show": ["evidence", "show", "FIRST"],
    "assessment list": ["assessment", "list"],
}
"""Every list, show and report command, unfiltered, each timed in its default table format and
as CSV (`FIRST` stands for the first entry's id, `FIRST_TERM` for its term)."""


def apart(function: Callable[..., Any], *arguments: Any) -> Any:
    """`function(*arguments)` in a fresh process. A step that loads a large ledger leaves this
    process large, and Linux reports a child's max RSS as at least its parent's at the fork:
    every later measure would show the generator's memory, not the command's."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, arguments)


def first_entry(path: Path) -> dict[str, str]:
    import orjson

    entry = orjson.loads(path.read_bytes())["evidence"][0]
    return {"FIRST": str(entry["id"]), "FIRST_TERM": str(entry["term"])}


def table_commands(path: Path) -> dict[str, Command]:
    """Each read command as a table and as CSV, and the report as an HTML page."""
    base = [LEDGER, "--no-pager", "-f", str(path)]
    first = apart(first_entry, path)
    commands: dict[str, Command] = {}
    for name, words in READ_COMMANDS.items():
        argv = [*base, *(first.get(word, word) for word in words)]
        commands[name] = (argv, None, 0)
        commands[f"{name} --format csv"] = ([*argv, "--format", "csv"], None, 0)
    commands[PAGE] = ([*base, "report", "--format", "html"], None, 0)
    return commands


PAGE = "report --format html"

LONG_FIELDS = {"1 MB": 1 << 20, "10 MB": 10 << 20}
LONG_FIELD_COMMANDS = ("evidence list", "evidence show", "term show")


def write_long_field(path: Path, size: int, out: Path) -> None:
    """A copy of the ledger whose first entry has a summary of `size` characters (words)."""
    import orjson

    ledger = orjson.loads(path.read_bytes())
    words = ("ceasefire withdrawal délégation 和平 ") * (size // 32 + 1)
    ledger["evidence"][0]["summary"] = words[:size]
    out.write_bytes(orjson.dumps(ledger))


def ledger_commands(path: Path, work: Path) -> dict[str, Command]:
    def fresh_copy() -> None:
        shutil.copyfile(path, work)

    base = [LEDGER, "-f", str(path)]
    return {
        "check": ([*base, "check"], None, 0),
        "report --format json": ([*base, "report", "--format", "json"], None, 0),
        "report --as-of": ([*base, "report", "--as-of", "2021-06-30"], None, 0),
        BY_QUARTER: ([*base, "report", "--by", "quarter", "--since", "2021-Q3", "--until",
                      "2023-Q4"], None, 0),
        "term list": ([*base, "term", "list"], None, 0),
        "evidence list --party --format csv": (
            [*base, "evidence", "list", "--party", "party-03", "--format", "csv"], None, 0),
        "evidence add": ([LEDGER, "-f", str(work), "evidence", "add", "--term", "term-000",
                          "--claimant", "party-05", "--stance", "claims", "--date", "2025-06",
                          "--summary", "Benchmark entry"], fresh_copy, 0),
        "log --format json": ([*base, "log", "--format", "json"], None, 0),
        "changes --format json": ([*base, "changes", "--since", "2021-12-31", "--until",
                                   "2024-12-31", "--format", "json"], None, 0),
        "term amend": ([LEDGER, "-f", str(work), "term", "amend", "term-001", "--effective",
                        "2025-01-01", "--due", "2025-12-31", "--reason", "Benchmark"],
                       fresh_copy, 0),
        EXPORT: ([*base, "export", "sqlite", str(work.with_suffix(".db"))], None, 0),
        SHEET: ([*base, "evidence", "list", "--format", "xlsx", "-o",
                 str(work.with_suffix(".xlsx"))], None, 0),
        "evidence list --format json": ([*base, "evidence", "list", "--format", "json"], None,
                                        0),
        BROKEN: ([LEDGER, "-f", str(broken_path(path)), "check"], None, 1),
    }


BROKEN = "check, a bad value in every entry (first 1,000 placed)"
BY_QUARTER = "report --by quarter (10 quarters)"
EXPORT = "export sqlite"
SHEET = "evidence list --format xlsx -o FILE"
IMPORT = "evidence import ROWS.csv"
DRY_RUN = "evidence import ROWS.csv --dry-run"


def import_rows(size: int) -> int:
    """Rows imported into a ledger of `size` entries: a tenth as many (10,000 into 100,000)."""
    return max(size // 10, 10)


MERGE = "merge BASE OURS THEIRS"
"""Two analysts' copies of N entries that share 90% of them (bench/generate.py write_branches),
merged by the driver's command; its reference is a json.load of OURS."""
CHANGES = 1000
"""Amendments and corrections in every generated ledger, as a monitored agreement gathers."""


def broken_path(path: Path) -> Path:
    return path.with_name(path.stem + "-broken.json")


def write_broken(path: Path) -> None:
    """A copy of the ledger whose every entry has an invalid stance: a problem to place in each."""
    content = path.read_bytes()
    for stance in (b"claims", b"disputes"):
        content = content.replace(b'"stance": "' + stance + b'"', b'"stance": "maybe"')
    broken_path(path).write_bytes(content)


def run(sizes: list[int], runs: int, startup_runs: int) -> str:
    jq = shutil.which("jq")
    lines: list[str] = []
    results: dict[tuple[str, int], Measure] = {}
    references: dict[tuple[str, int], Measure] = {}
    sizes_mb: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for size in sizes:
            path = root / f"ledger-{size}.json"
            apart(partial(write, changes=CHANGES), size, path)
            write_broken(path)
            sizes_mb[size] = path.stat().st_size / 1e6
            named: dict[str, Command] = {"json.load": ([*JSON_LOAD, str(path)], None, 0)}
            if jq:
                named["jq"] = ([jq, JQ_PROGRAM, str(path)], None, 0)
            commands = ledger_commands(path, root / "work.json")
            measured = measure_interleaved([*named.values(), *commands.values()], runs, root)
            for name, result in zip([*named, *commands], measured, strict=True):
                if name in named:
                    references[name, size] = result
                else:
                    results[name, size] = result
            branches = root / f"branches-{size}"
            branches.mkdir()
            merge_base, merge_ours, merge_theirs = apart(
                partial(write_branches, changes=CHANGES), size, branches)
            merge_work = branches / "work.json"
            merge_reference, merge_measure = measure_interleaved([
                ([*JSON_LOAD, str(merge_ours)], None, 0),
                ([LEDGER, "merge", str(merge_base), str(merge_work), str(merge_theirs)],
                 copier(merge_ours, merge_work), 0),
            ], runs, root)
            references["json.load ours", size] = merge_reference
            results[MERGE, size] = merge_measure
            shutil.rmtree(branches)
            rows = root / f"rows-{size}.csv"
            apart(write_import_rows, path, import_rows(size), rows)
            imported, work = root / f"imported-{size}.json", root / "work.json"
            shutil.copyfile(path, imported)
            measure_once([LEDGER, "-f", str(imported), "evidence", "import", str(rows)], root)
            for name, result in zip(("json.load result", IMPORT, DRY_RUN), measure_interleaved([
                ([*JSON_LOAD, str(imported)], None, 0),
                ([LEDGER, "-f", str(work), "evidence", "import", str(rows)], copier(path, work),
                 0),
                ([LEDGER, "-f", str(path), "evidence", "import", str(rows), "--dry-run"], None,
                 0),
            ], runs, root), strict=True):
                (references if name == "json.load result" else results)[name, size] = result
            imported.unlink()
            # The page is compared with a json.load timed just before it in every round: a
            # round of these commands takes minutes, over which this machine's speed drifts.
            tables = table_commands(path)
            page_command = tables.pop(PAGE)
            group = {**tables, "json.load tables": ([*JSON_LOAD, str(path)], None, 0),
                     PAGE: page_command}
            for name, result in zip(group, measure_interleaved(list(group.values()), runs, root),
                                    strict=True):
                (references if name == "json.load tables" else results)[name, size] = result
        long_size = min((size for size in sizes if size >= 10_000), default=max(sizes))
        plain = root / f"ledger-{long_size}.json"
        long_variants = {"none": plain}
        for label, characters in LONG_FIELDS.items():
            long_variants[label] = root / f"long-{label.replace(' ', '')}.json"
            apart(write_long_field, plain, characters, long_variants[label])
        long_commands = [table_commands(variant)[name] for variant in long_variants.values()
                         for name in LONG_FIELD_COMMANDS]
        long_measured = iter(measure_interleaved(long_commands, runs, root))
        long_results = {(label, name): next(long_measured) for label in long_variants
                        for name in LONG_FIELD_COMMANDS}
        startup_reference, *floors, help_time, example = measure_interleaved(
            [(IMPORTS, None, 0), *(([*FLOOR_APP, step], None, 0) for step in FLOOR_STEPS),
             ([LEDGER, "--help"], None, 0), ([LEDGER, "report"], None, 0)],
            startup_runs, root,
        )

    lines.append(f"Median of {runs} runs (start-up: {startup_runs}), the commands of "
                 "each size taking turns with their references, round after round; a ratio is "
                 "the median of the rounds' ratios; peak memory is the largest max RSS. Python "
                 f"{sys.version.split()[0]}, {os.cpu_count()} cores.")
    lines.append("")
    header = "| command | entries | file MB | seconds | × json.load | × jq | max RSS MB | × file |"
    lines += [header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        load = references["json.load", size]
        jq_measure = references.get(("jq", size))
        lines.append(f"| `json.load` (reference) | {size:,} | {sizes_mb[size]:.1f} | "
                     f"{load.seconds:.3f} | 1.00 | | {load.max_rss_mb:.0f} | "
                     f"{load.max_rss_mb / sizes_mb[size]:.1f} |")
        if jq_measure:
            lines.append(f"| jq per-party counts (reference) | {size:,} | {sizes_mb[size]:.1f} | "
                         f"{jq_measure.seconds:.3f} | {over(jq_measure, load):.2f} | "
                         f"1.00 | {jq_measure.max_rss_mb:.0f} | "
                         f"{jq_measure.max_rss_mb / sizes_mb[size]:.1f} |")
        for name in ledger_commands(Path("x"), Path("y")):
            result = results[name, size]
            versus_jq = f"{over(result, jq_measure):.2f}" if jq_measure else "n/a"
            lines.append(f"| `ledger {name}` | {size:,} | {sizes_mb[size]:.1f} | "
                         f"{result.seconds:.3f} | {over(result, load):.2f} | "
                         f"{versus_jq} | {result.max_rss_mb:.0f} | "
                         f"{result.max_rss_mb / sizes_mb[size]:.1f} |")
    lines += ["", "Merging two analysts' copies that share 90% of their entries (as git's merge "
              "driver does), against a `json.load` of one of them:", "",
              "| command | entries per copy | seconds | × json.load of one | max RSS MB |",
              "|---|---:|---:|---:|---:|"]
    for size in sizes:
        merged = results[MERGE, size]
        lines.append(f"| `ledger {MERGE}` | {size:,} | {merged.seconds:.3f} | "
                     f"{over(merged, references['json.load ours', size]):.2f} | "
                     f"{merged.max_rss_mb:.0f} |")
    lines += ["", "Importing a tenth as many evidence rows from a CSV file "
              "(`bench/generate.py` write_import_rows), against a `json.load` of the resulting "
              "file; the dry run prints the table of the rows it would add:", "",
              "| command | entries | rows | seconds | × json.load of the result | max RSS MB |",
              "|---|---:|---:|---:|---:|---:|"]
    for size in sizes:
        reference = references["json.load result", size]
        for name in (IMPORT, DRY_RUN):
            timed = results[name, size]
            lines.append(f"| `ledger {name}` | {size:,} | {import_rows(size):,} | "
                         f"{timed.seconds:.3f} | {over(timed, reference):.2f} | "
                         f"{timed.max_rss_mb:.0f} |")
    lines += ["", "Tables as people meet them: every list, show and report command, unfiltered, in "
              "its default table format (`--no-pager`), against the same command as CSV, and the "
              "report as an HTML page, against a `json.load` timed in the same rounds.", "",
              "| command | entries | table s | CSV s | table ÷ CSV | table × json.load |",
              "|---|---:|---:|---:|---:|---:|"]
    for size in sizes:
        load = references["json.load tables", size]
        for name in READ_COMMANDS:
            table, csv = results[name, size], results[f"{name} --format csv", size]
            lines.append(f"| `ledger {name}` | {size:,} | {table.seconds:.3f} | "
                         f"{csv.seconds:.3f} | {over(table, csv):.2f} | "
                         f"{over(table, load):.2f} |")
        lines.append(f"| `json.load` (reference, timed just before the page) | {size:,} | "
                     f"{load.seconds:.3f} | | | 1.00 |")
        page = results[PAGE, size]
        lines.append(f"| `ledger report --format html` | {size:,} | {page.seconds:.3f} | | | "
                     f"{over(page, load):.2f} |")
    lines += ["", f"One entry with a very long summary, in a ledger of {long_size:,} entries "
              "(tables cut it with a marker):", "",
              "| command | longest field | seconds | without it | ratio | max RSS MB |",
              "|---|---|---:|---:|---:|---:|"]
    for label in LONG_FIELDS:
        for name in LONG_FIELD_COMMANDS:
            longer, without = long_results[label, name], long_results["none", name]
            lines.append(f"| `ledger {name}` | {label} | {longer.seconds:.3f} | "
                         f"{without.seconds:.3f} | {over(longer, without):.2f} | "
                         f"{longer.max_rss_mb:.0f} |")
    startup = [
        ('`python -c "import typer, rich.table, pydantic"` (reference)', startup_reference),
        *zip(FLOOR_STEPS.values(), floors, strict=True),
        ("`ledger --help`", help_time),
        ("`ledger report` (bundled example)", example),
    ]
    lines += ["", "| start-up | seconds | × `import typer, rich.table, pydantic` |",
              "|---|---:|---:|"]
    lines += [f"| {name} | {measured.seconds:.3f} | "
              f"{over(measured, startup_reference):.2f} |"
              for name, measured in startup]
    if not jq:
        lines += ["", "jq is not installed: the jq reference was skipped."]

    largest = max(sizes)
    targets: list[tuple[str, float, float]] = []
    rounds: dict[str, tuple[float, float] | None] = {}  # each ratio target's `spread`, by name

    def ratio(name: str, measured: Measure, reference: Measure, limit: float
              ) -> tuple[str, float, float]:
        rounds[name] = spread(measured, reference)
        return name, over(measured, reference), limit

    load = references["json.load", largest]
    report = results["report --format json", largest]
    if ("jq", largest) in references:
        targets.append(ratio("report json ÷ jq", report, references["jq", largest], 0.5))
    targets += [
        ratio("report json ÷ json.load", report, load, 2.5),
        ratio("report --by quarter (10 quarters) ÷ report", results[BY_QUARTER, largest],
              results["report --format json", largest], 3.0),
        ratio("export sqlite ÷ json.load", results[EXPORT, largest], load, 3.0),
        ratio("evidence list as xlsx ÷ json.load", results[SHEET, largest], load, 3.0),
        ratio("evidence list json ÷ json.load", results["evidence list --format json",
                                                        largest], load, 3.0),
        ("report json peak memory ÷ file size", report.max_rss_mb / sizes_mb[largest], 8.0),
        ratio("evidence add ÷ json.load", results["evidence add", largest], load, 4.0),
        ratio("check ÷ json.load", results["check", largest], load, 3.0),
        ratio("placing a problem in every entry ÷ json.load", results[BROKEN, largest], load,
              3.0),
        ratio("log json ÷ json.load", results["log --format json", largest], load, 3.0),
        ratio("term amend ÷ json.load", results["term amend", largest], load, 4.0),
        ratio("changes json ÷ json.load", results["changes --format json", largest], load,
              3.0),
        ("worst table ÷ CSV", max(over(results[name, size], results[f"{name} --format csv", size])
                                  for name in READ_COMMANDS for size in sizes
                                  if size >= min(10_000, largest)), 1.5),
        ratio("report html ÷ json.load", results[PAGE, largest],
              references["json.load tables", largest], 3.0),
        ratio("merge of two copies sharing 90% ÷ json.load of one", results[MERGE, largest],
              references["json.load ours", largest], 4.0),
        ratio(f"import of {import_rows(largest):,} rows ÷ json.load of the result",
              results[IMPORT, largest], references["json.load result", largest], 3.0),
        ratio("its dry run ÷ json.load of the result", results[DRY_RUN, largest],
              references["json.load result", largest], 2.5),
        ("worst long field ÷ without", max(over(long_results[label, name],
                                                long_results["none", name])
                                           for label in LONG_FIELDS
                                           for name in LONG_FIELD_COMMANDS), 2.0),
        ratio("ledger --help ÷ imports", help_time, startup_reference, 1.3),
        ratio("report on the example ÷ imports", example, startup_reference, 1.6),
    ]
    smaller = [size for size in sizes if size * 10 == largest]
    if smaller:
        worst = max(results[name, largest].seconds / results[name, smaller[0]].seconds
                    for name in ledger_commands(Path("x"), Path("y")))
        targets.append((f"worst growth {smaller[0]:,} -> {largest:,}", worst, 12.0))
    lines += ["", f"| target (at {largest:,} entries) | measured | rounds | limit | met |",
              "|---|---:|---:|---:|---|"]
    lines += [f"| {name} | {value:.2f} | {_rounds_text(rounds.get(name))} | {limit:g} | "
              f"{'yes' if value <= limit else 'NO'} |" for name, value, limit in targets]
    lines += ["", "A ratio target's *measured* is the median of its rounds' ratios; *rounds* "
              "gives the least and the greatest of them."]
    least = floors[-1].seconds
    lines += ["", f"The least program of the stack (the last `floor_app.py` step) takes "
              f"{least / startup_reference.seconds:.2f}× the imports; `ledger report` on the "
              f"example takes {example.seconds / least:.2f}× that program."]
    return "\n".join(lines) + "\n"


def _rounds_text(least_and_greatest: tuple[float, float] | None) -> str:
    if least_and_greatest is None:
        return ""
    least, greatest = least_and_greatest
    return f"{least:.2f}–{greatest:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=21,
                        help="runs of the start-up commands, which take a fraction of a second")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    sys.stdout.write(run(sizes, arguments.runs, arguments.startup_runs))


if __name__ == "__main__":
    main()
