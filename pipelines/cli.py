"""The ``c3p`` command line (see the README and the contract for every command).

Why one module of ~800 lines: fifteen thin commands, each parsing its options, calling the
library and turning its errors into one line; most of the length is the help text the
README's command table is generated from (``scripts/readme_commands.py``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from pipelines import settings

DATA_DIR_OPTION = click.option(
    "--data-dir",
    default=None,
    metavar="DIR|URL",
    help="Data directory: a folder (default ./data, or $C3P_DATA_DIR) or an fsspec URL"
    " (s3://bucket/c3p, ...; worked on through a local copy).",
)


DECISIONS_OPTION = click.option(
    "--decisions",
    "decisions_dir",
    default=None,
    metavar="DIR",
    help="Folder of the analyst's decision files (corrections.toml, organizations.toml,"
    " gazetteer.csv, layouts.csv, field_labels.csv, reviewed.csv); default: the data"
    " directory, or $C3P_DECISIONS_DIR.",
)
CORRECTIONS_OPTION = click.option(
    "--corrections",
    "corrections_file",
    default=None,
    metavar="FILE",
    help="Corrections file (default DECISIONS/corrections.toml, or $C3P_CORRECTIONS).",
)


def _data_dir(value: str | None) -> str:
    """The data directory as given: a local folder or an fsspec URL (checked usable)."""
    value = value if value is not None else str(settings.default_data_dir())
    if "://" in value:
        from pipelines.errors import missing_filesystem

        if problem := missing_filesystem(value):
            _fail(f"--data-dir {problem}")
    elif Path(value).exists() and not Path(value).is_dir():
        _fail(f"--data-dir {value}: is a file, not a folder")
    return value


def _local_data_dir(value: str | None) -> Path:
    """A local folder to read from: the folder itself, or a fresh local copy of a URL."""
    value = _data_dir(value)
    if "://" not in value:  # no fsspec import on the local path: `c3p query` stays quick
        return Path(value)
    from pipelines.warehouse.remote import RemoteDataDir

    return RemoteDataDir(value).pull()


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class _Commands(click.Group):
    """The one error boundary: whatever a command raises ends as one line on stderr."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM (pipelines/interrupts.py): 130 / 143
            from pipelines import interrupts

            runs = ctx.invoked_subcommand in ("refresh", "demo")
            interrupts.say(
                f"interrupted ({'SIGTERM' if interrupts.exit_code() == 143 else 'SIGINT'})"
                + (
                    ": nothing of this run was published; the previous version stays published"
                    if runs
                    else ""
                )
            )
            sys.exit(interrupts.exit_code())
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (c3p query ... | head): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:  # noqa: BLE001 - the boundary: no traceback reaches a user
            from pipelines.errors import explain

            message, code = explain(exc)
            if os.environ.get("C3P_DEBUG"):
                raise
            _fail(message, code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="c3p-warehouse")
def main() -> None:
    """C3P warehouse: the Ministry of the Environment's 都市間連携事業 adoption lists
    as a DuckDB warehouse and Parquet datasets."""


# ---------------------------------------------------------------- refresh / demo


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no network here
    os.environ.setdefault("DO_NOT_TRACK", "1")  # nor the client's telemetry, nor its notice


def _run_with_progress(**kwargs):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipelines import progress
    from pipelines.run.refresh import RunRefused, run_refresh
    from pipelines.sources.spec import SourcesFileError

    console = Console(stderr=True)
    bars: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as bar:

        def on_step(stage: str, item: str | None, total: int) -> None:
            if stage not in bars:
                bars[stage] = bar.add_task(stage, total=total)
            bar.advance(bars[stage])
            if not console.is_terminal and item is not None:
                console.print(f"{stage}: {item}", soft_wrap=True)

        def on_status(message: str | None) -> None:  # a pulsing bar while we wait
            if "wait" in bars:
                bar.update(bars.pop("wait"), total=1, completed=1, visible=False)
            if message is not None:
                bars["wait"] = bar.add_task(message.split(" (", 1)[0], total=None)
                if not console.is_terminal:
                    console.print(f"prefect: {message}", soft_wrap=True)

        stops = [progress.listen(on_step), progress.listen_status(on_status)]
        try:
            return run_refresh(**kwargs, execute=_execute_plan)
        except (RunRefused, SourcesFileError) as exc:
            _fail(str(exc))
        finally:
            for stop in stops:
                stop()


def _execute_plan(plan):
    """A refresh's plan, run as the Prefect flow, on a temporary Prefect server unless one is
    configured (the "nothing changed" decision never gets here)."""
    from pipelines import prefect_server

    started = prefect_server.start_temporary_server()  # None when a server is configured
    try:
        from flows import run_plan  # imports Prefect: keep it off the no-op path

        return run_plan(plan)
    finally:
        if started is not None:
            prefect_server.stop_temporary_server()


def _print_summary(outcome) -> None:
    s = outcome.summary
    for note in outcome.notes:
        click.echo(f"note: {note}")
    if outcome.nothing_changed:
        click.echo(
            "nothing changed: every list answered 304 Not Modified; warehouse left as it is"
            " (the check is recorded in runs and sources.checked_at)"
        )
        for line in s.get("still_failing", []):
            click.echo(f"  {line}")
        if s.get("still_failing"):
            click.echo(
                "  (not read again: its bytes are those that failed; --only YEAR-ROUND or"
                " --force reads it again)"
            )
        return
    ok = [x for x in s["sources"] if x["status"] == "ok"]
    bad = [x for x in s["sources"] if x["status"] != "ok"]
    click.echo(f"lists: {len(s['sources'])} ({len(ok)} ok, {len(bad)} failed or quarantined)")
    for x in s["sources"]:
        line = (
            f"  FY{x['fiscal_year']} round {x['call_round']}: {x['status']:<11}"
            f" rows {x['rows_extracted'] if x['rows_extracted'] is not None else '-'}"
            f" published {x['rows_published']}  [{x['fetch_status']}"
            f"{'; rows kept, not re-read' if x.get('reused') else ''}] {x['url']}"
        )
        click.echo(line)
        if x["error"]:
            click.echo(f"      reason: {x['error']}")
        if x["disagreements"]:
            click.echo(
                f"      review: camelot reads {x['disagreements']} cell(s) differently"
                f" (agreement {x['crosscheck_agreement']:.1%}); see crosscheck_disagreements"
                "; acknowledge cells checked against the PDF in"
                " crosscheck_acknowledged.csv"
            )
        for reason in x.get("review_reasons") or []:
            if not reason.startswith("camelot reads"):  # the open cells: the line above
                click.echo(f"      review: {reason}")
    if s.get("reused"):
        click.echo(
            f"reused: {s['reused']} unchanged list(s) kept as published, not extracted"
            " again (same PDF, place and pipeline version; --force reads them again)"
        )
    click.echo(
        f"projects: {s['projects']}  participants: {s['participants']}  organisations: {s['organizations']}"
    )
    if s.get("review"):
        click.echo(
            f"review: {s['review']} cell reading(s) published on disagreeing evidence; see the review table"
        )
    for w in s["warnings"]:
        click.echo(f"warning: {w}")
    for e in s.get("errors", []):
        click.echo(f"error: {e}")
    click.echo(f"status: {s['status']}")


def _parse_lists(ctx, param, values) -> tuple[tuple[int, int], ...]:
    out = []
    for value in values:
        year, _, rnd = value.partition("-")
        if not (year.isdigit() and len(year) == 4 and (rnd.isdigit() or rnd == "")):
            raise click.BadParameter(f"{value!r}: expected YEAR-ROUND, e.g. 2023-1")
        out.append((int(year), int(rnd or 1)))
    return tuple(out)


@main.command()
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file of lists to fetch (see the contract); default: built-in registry.",
)
@DATA_DIR_OPTION
@click.option("--no-discover", is_flag=True, help="Do not crawl the press releases for new lists.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="YEAR-ROUND",
    callback=_parse_lists,
    help="Re-run only this list (e.g. 2023-1; repeatable); the other published lists stay as they are.",
)
@click.option(
    "--cross-check/--no-cross-check",
    default=True,
    show_default=True,
    help="Compare every cell with camelot's independent reading (~2-3 s a list).",
)
@DECISIONS_OPTION
@CORRECTIONS_OPTION
def refresh(sources_file, data_dir, no_discover, force, only, cross_check, decisions_dir, corrections_file):
    """Discover new lists, download what is new or changed, extract, normalise, apply the
    analyst's decisions (the decision files, see the README), publish.

    Every cell is compared with camelot's independent reading unless --no-cross-check
    (~2-3 s a list)."""
    _quiet_prefect()
    outcome = _run_with_progress(
        data_dir=_data_dir(data_dir),
        sources_file=sources_file,
        discover=not no_discover,
        force=force,
        cross_check=cross_check,
        only=list(only) or None,
        decisions_dir=decisions_dir,
        corrections_file=corrections_file,
    )
    _print_summary(outcome)
    sys.exit(outcome.exit_code)


DEMO_LISTS = [("fy2023_r1_xlsx.pdf", 2023, 1, 21), ("fy2019_r1_xlsx.pdf", 2019, 1, 17)]


@main.command()
@DATA_DIR_OPTION
@click.option(
    "--cross-check", is_flag=True, help="Also compare every cell with camelot (off in the demo for speed)."
)
def demo(data_dir, cross_check):
    """The whole Prefect flow offline on the shipped sample lists, served from 127.0.0.1
    (the camelot cross-check is off here for speed)."""
    from importlib import resources

    from pipelines.demo.local_server import LocalSite

    _quiet_prefect()
    from pipelines.prefect_server import start_temporary_server

    start_temporary_server()  # its start overlaps with ours
    samples = resources.files("pipelines.demo") / "samples"
    with tempfile.TemporaryDirectory(prefix="c3p-demo-site-") as site_dir:
        content = Path(site_dir) / "content"
        content.mkdir()
        for name, *_ in DEMO_LISTS:
            (content / name).write_bytes(samples.joinpath(name).read_bytes())
        with LocalSite(site_dir) as site:
            toml = "".join(
                f'[[source]]\nurl = "{site.url}/content/{name}"\nfiscal_year = {fy}\n'
                f"call_round = {rnd}\nexpected_count = {count}\n\n"
                for name, fy, rnd, count in DEMO_LISTS
            )
            sources = Path(site_dir) / "sources.toml"
            sources.write_text(toml)
            click.echo(f"demo: serving {len(DEMO_LISTS)} sample lists at {site.url}")
            outcome = _run_with_progress(
                data_dir=_data_dir(data_dir),
                sources_file=str(sources),
                discover=False,
                command="demo",
                force=True,
                cross_check=cross_check,
            )
    _print_summary(outcome)
    click.echo(f"warehouse: {_data_dir(data_dir).rstrip('/')}/warehouse.duckdb")
    click.echo(
        'try: c3p query "SELECT fiscal_year, country_name_ja, count(*) FROM projects'
        ' GROUP BY ALL ORDER BY ALL"'
    )
    sys.exit(outcome.exit_code)


# ---------------------------------------------------------------- extract


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--cross-check", is_flag=True, help="Also read with camelot and report disagreements.")
def extract(pdf, fmt, cross_check):
    """The generic table extractor on one PDF: every ruled table (header and rows), no
    normalisation, to stdout.

    Read in a child process with the pipeline's limits of time and memory (the PDF may be
    hostile): a hang, a crash or an exhausted memory is one line on stderr, exit 1."""
    from extractors.errors import ExtractionError
    from pipelines.run.isolation import TimeLimitExceeded, extract_with_time_limit

    if not pdf.exists():
        _fail(f"{pdf}: no such file")
    try:  # the child's limits: a bad setting is refused here, in one line
        settings.extract_limits(cross_check)
    except ValueError as exc:
        _fail(str(exc))
    try:
        data = extract_with_time_limit(str(pdf), cross_check=cross_check)
    except ExtractionError as exc:
        _fail(str(exc), 1)
    except TimeLimitExceeded as exc:
        _fail(f"{pdf}: {exc}", 1)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        from extractors import to_csv
        from extractors.crosscheck import verdict_lines
        from extractors.model import document_from_dict

        doc = document_from_dict(data)
        click.echo(to_csv(doc), nl=False)
        if doc.crosscheck is not None:  # the CSV is the tables: the verdict to stderr
            for line in verdict_lines(doc):
                click.echo(line, err=True)


# ---------------------------------------------------------------- query


def _sandbox(data_dir):
    """The query sandbox on the warehouse: ``(connection, scratch file for CSV)``."""
    from pipelines.warehouse import query as q

    return q.session(_local_data_dir(data_dir) / q.WAREHOUSE_FILE)


def _emit(rel, scratch, fmt, max_rows, excel=False, output=None) -> None:
    from pipelines.warehouse import query as q

    note = q.write_result(rel, scratch, fmt, max_rows, excel, output)
    if note:
        click.echo(f"note: {note}", err=True)


def _output_option(help_text):
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=_check_output,
        help=help_text,
    )


def _check_output(ctx, param, value):
    """An --output file whose folder exists (never created behind the user's back)."""
    if value is not None and not value.parent.is_dir():
        _fail(f"--output {value}: folder {value.parent} does not exist (it is not created)")
    return value


def _format_option(choices=("table", "line", "markdown", "csv", "json")):
    return click.option(
        "--format",
        "fmt",
        default="table",
        show_default=True,
        type=click.Choice(choices),
        help="table: DuckDB's box layout fitted to the terminal; line: one 'column = value'"
        " per line (wide rows); markdown; csv (DuckDB's writer); json (an array of"
        " objects)" + ("; xlsx (an Excel workbook, with --output FILE.xlsx)." if "xlsx" in choices else "."),
    )


MAX_ROWS_OPTION = click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Show at most N rows (default 40 in table/line/markdown, all in csv/json; 0: all);"
    " what is left out is noted on stderr.",
)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("sql", required=False)
@click.option(
    "-f",
    "--file",
    "sql_file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    metavar="FILE",
    help="Read the SQL from FILE (- for stdin); with --name, the questions of FILE.",
)
@click.option(
    "--name", default=None, metavar="NAME", help="Run the named question of docs/queries.sql (or of -f FILE)."
)
@click.option("--list", "list_names", is_flag=True, help="List the named questions and exit.")
@DATA_DIR_OPTION
@_format_option(("table", "line", "markdown", "csv", "json", "xlsx"))  # query.FORMATS
@MAX_ROWS_OPTION
@click.option(
    "--excel", is_flag=True, help="CSV for Excel: a UTF-8 byte-order mark first (implies --format csv)."
)
@_output_option("Write the result to FILE instead of stdout.")
def query(sql, sql_file, name, list_names, data_dir, fmt, max_rows, excel, output):
    """Read-only SQL on the warehouse: SQL, - (stdin), -f FILE or --name NAME.

    The connection is sandboxed: it reads the warehouse and nothing else (no files, URLs,
    extensions or settings changes). The SQL comes from the argument, stdin (-), a file
    (-f), or a named question of docs/queries.sql (--name; --list lists them).

    table is DuckDB's box layout fitted to the terminal (columns that do not fit are elided,
    NULL shows as NULL, '' as nothing), line one 'column = value' per line for wide rows; at
    most 40 rows unless --max-rows (0: all), what was left out noted on stderr. csv is
    DuckDB's own writer (lists as [a, b], NULL empty, '' as ""), --excel adds a UTF-8
    byte-order mark; json an array of objects by DuckDB's to_json (numbers stay numbers);
    xlsx an Excel workbook (--output FILE.xlsx; numbers, booleans and dates as Excel values,
    lists and timestamps as DuckDB prints them)."""
    from pipelines.warehouse import query as q

    if list_names:
        text = sql_file.read() if sql_file else q.default_questions_text()
        for item in q.questions(text).values():
            click.echo(f"{item.name}: {item.question}")
        return
    sql = q.choose_sql(
        sys.stdin.read() if sql == "-" else sql,
        sql_file.read() if sql_file else None,
        sql_file.name if sql_file else None,
        name,
    )
    fmt = "csv" if excel else fmt
    with _sandbox(data_dir) as (con, scratch):
        _emit(q.run(con, sql), scratch, fmt, max_rows, excel, output)


@main.command()
@DATA_DIR_OPTION
@_format_option()
def tables(data_dir, fmt):
    """The warehouse's tables (with row counts) and views, with their comments."""
    from pipelines.warehouse import query as q

    with _sandbox(data_dir) as (con, scratch):
        _emit(q.run(con, q.tables_sql(con)), scratch, fmt, 0)


@main.command()
@click.argument("table")
@DATA_DIR_OPTION
@_format_option()
def describe(table, data_dir, fmt):
    """The columns of TABLE (a table or view): type, nullability, primary key, comment."""
    from pipelines.warehouse import query as q

    with _sandbox(data_dir) as (con, scratch):
        rel = q.run(con, q.describe_sql(con, table))
        if fmt in ("table", "line"):
            click.echo(f"{table}: {q.table_comment(con, table) or ''}")
        _emit(rel, scratch, fmt, 0)


@main.command()
@DATA_DIR_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def status(data_dir, fmt):
    """Completeness: every adoption list the registry or the crawler knows, and what reached
    the warehouse (the coverage view; no network, no Prefect)."""
    from pipelines.warehouse.coverage import coverage_table, last_crawl, render

    local = _local_data_dir(data_dir)
    click.echo(render(coverage_table(local), fmt))
    if fmt == "table":
        click.echo(last_crawl(local))


# ---------------------------------------------------------------- report / docs


@main.command()
@DATA_DIR_OPTION
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    callback=_check_output,
    help="Where to write the HTML (default DATA_DIR/report.html).",
)
def report(data_dir, output):
    """A self-contained HTML report of the warehouse (default DATA_DIR/report.html)."""
    from pipelines.report.page import write_report

    data_dir = _local_data_dir(data_dir)
    if not (data_dir / "warehouse.duckdb").exists():
        _fail(f"no warehouse at {data_dir / 'warehouse.duckdb'}: run `c3p demo` or `c3p refresh` first")
    path = write_report(data_dir, output or data_dir / "report.html")
    click.echo(f"report: {path}")


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/data_dictionary.md"),
    show_default=True,
    callback=_check_output,
    help="Where to write it; its folder must exist.",
)
def docs(output):
    """Regenerate docs/data_dictionary.md from the schema's table and column comments.

    The comments of pipelines/warehouse/schema.py and pipelines/warehouse/views.sql, read
    through an empty warehouse built in a temporary folder: no data directory needed; the
    --output folder must exist."""
    from pipelines.warehouse.data_dictionary import write_data_dictionary

    path = write_data_dictionary(output)
    click.echo(f"data dictionary: {path}")


# ---------------------------------------------------------------- review


def _review_location(data_dir, decisions_dir, corrections_file):
    from pipelines.decisions import files as decisions

    local = _local_data_dir(data_dir)
    return local, decisions.locate(local, decisions_dir, corrections_file)


@main.group(invoke_without_command=True)
@DATA_DIR_OPTION
@DECISIONS_OPTION
@CORRECTIONS_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    help="csv or json to hand the list to a colleague.",
)
@click.pass_context
def review(ctx, data_dir, decisions_dir, corrections_file, fmt):
    """Every open question in one place: cross-check disagreements, near-duplicate
    organisations, unmapped field labels, unknown places, stale corrections, lists not
    published; with the printed text and where it is (file, page). Answer with
    `c3p review accept ID` / `c3p review reject ID` (or edit the decision files)."""
    from pipelines.decisions import files as decisions
    from pipelines.report.review import ReviewError, as_rows, open_questions

    ctx.obj = (data_dir, decisions_dir, corrections_file)
    if ctx.invoked_subcommand is not None:
        return
    local, where = _review_location(data_dir, decisions_dir, corrections_file)
    try:
        rows = as_rows(open_questions(local, where))
    except (ReviewError, decisions.DecisionFileError) as exc:
        _fail(str(exc))
    columns = ["id", "kind", "printed", "where", "file", "page", "question", "answer"]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        for r in rows:
            click.echo(f"{r['id']}  {r['kind']}  {r['where']}  [{r['file'] or '-'}, page {r['page'] or '-'}]")
            click.echo(f"    printed:  {r['printed']}")
            click.echo(f"    question: {r['question']}")
            click.echo(f"    answer:   {r['answer']}")
        click.echo(f"{len(rows)} open question(s)")


def _answer(ctx, qid, accept, **options):
    from pipelines.decisions import files as decisions
    from pipelines.report.review import ReviewError, answer

    from pipelines.warehouse.remote import RemoteDataDir, is_remote

    data_dir = _data_dir(ctx.obj[0])
    local, where = _review_location(*ctx.obj)
    try:
        click.echo(answer(local, where, qid, accept, **options))
    except (ReviewError, decisions.DecisionFileError) as exc:
        _fail(str(exc))
    if is_remote(data_dir) and not ctx.obj[1]:  # the decision files live in the bucket
        RemoteDataDir(data_dir).push_decisions()


@review.command()
@click.argument("question_id")
@click.option(
    "--code", default=None, metavar="CODE", help="field_label_unmapped: the field_code of the label."
)
@click.option(
    "--same-as", default=None, metavar="NAME", help="place_unknown: a gazetteer place it is (an alias)."
)
@click.option("--name-en", default=None, metavar="EN", help="place_unknown: English name of a new place.")
@click.option(
    "--country", default=None, metavar="CC", help="place_unknown: ISO 3166-1 alpha-2 of a new place."
)
@click.option("--lat", type=float, default=None, help="place_unknown: latitude of a new place.")
@click.option("--lon", type=float, default=None, help="place_unknown: longitude of a new place.")
@click.option(
    "--field", default=None, help="list_not_published: canonical field (or ignore) of the unknown header."
)
@click.option("--role", default=None, help="list_not_published: role of a co_applicants header.")
@click.option("--note", default="", metavar="TEXT", help="Why (kept in the decision file).")
@click.pass_context
def accept(ctx, question_id, **options):
    """Answer yes to a question (the same organisation, this place, this label, ...).

    The answer is recorded in the decision files, so the question is not asked again; the
    next refresh applies it."""
    _answer(ctx, question_id, True, **options)


@review.command()
@click.argument("question_id")
@click.option("--note", default="", metavar="TEXT", help="Why (kept in the decision file).")
@click.pass_context
def reject(ctx, question_id, note):
    """Answer no to a question (not one organisation, keep as printed, ours is right, ...).

    The answer is recorded in the decision files, so the question is not asked again."""
    _answer(ctx, question_id, False, note=note)


# ---------------------------------------------------------------- server


@main.group()
def server() -> None:
    """A Prefect server that outlives one command (state in $PREFECT_HOME/c3p-server.json).

    Later refresh and demo runs use it instead of starting a temporary one (saves its
    start-up, several seconds); optional."""


@server.command("start")
def server_start():
    """Start a standing Prefect server for later commands (returns once it answers)."""
    from pipelines import standing_server

    try:
        state, started = standing_server.start()
    except RuntimeError as exc:
        _fail(str(exc), 1)
    verb = "started" if started else "already running"
    click.echo(f"prefect server {verb}: {state['api_url']} (pid {state['pid']}); `c3p server stop` stops it")


@server.command("stop")
def server_stop():
    """Stop the standing Prefect server."""
    from pipelines import standing_server

    state = standing_server.stop()
    click.echo(f"prefect server stopped (pid {state['pid']})" if state else "no standing prefect server")


@server.command("status")
def server_status():
    """Say whether a standing Prefect server runs (exit 1 when none)."""
    from pipelines import standing_server

    state = standing_server.status()
    if not state:
        click.echo("no standing prefect server")
        sys.exit(1)
    click.echo(
        f"prefect server running: {state['api_url']} (pid {state['pid']}, since {state['started_at']})"
    )


# ---------------------------------------------------------------- serve


@main.command()
@DATA_DIR_OPTION
@click.option("--dry-run", is_flag=True, help="Show the deployments and schedules, serve nothing.")
def serve(data_dir, dry_run):
    """Register and serve the Prefect deployments with their schedules (blocks).

    With no PREFECT_API_URL it runs on a temporary Prefect server of its own; --dry-run only
    lists them."""
    _quiet_prefect()
    from flows import deployments

    from pipelines.warehouse.remote import is_remote

    data_dir = _data_dir(data_dir)
    if not is_remote(data_dir):
        data_dir = str(Path(data_dir).resolve())
    found = deployments(data_dir)
    for d in found:
        crons = ", ".join(getattr(s.schedule, "cron", "?") for s in d.schedules)
        click.echo(f"{d.flow_name}/{d.name}: cron {crons}  data_dir={data_dir}")
    if dry_run:
        return
    import threading

    from pipelines import prefect_server

    started = prefect_server.start_temporary_server()  # ours: its own session, stopped in order
    try:
        prefect_server.wait_until_ready()
        from prefect import serve as prefect_serve

        # Served from a thread, so that SIGTERM and Ctrl-C reach our handler in the main
        # thread (pipelines/interrupts.py: exit 143 / 130 within seconds), not Prefect's.
        ended: list[BaseException | None] = []

        def serving() -> None:
            try:
                prefect_serve(*found)
                ended.append(None)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                ended.append(exc)

        thread = threading.Thread(target=serving, name="c3p-serve", daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.5)
        if ended and ended[0] is not None:
            raise ended[0]
    finally:
        if started is not None:
            prefect_server.stop_temporary_server()


def run() -> None:
    """The ``c3p`` command: signals handled (pipelines/interrupts.py), then the commands."""
    from pipelines import interrupts

    interrupts.install()
    main()


if __name__ == "__main__":
    run()
