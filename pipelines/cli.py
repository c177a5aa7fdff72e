"""The ``c3p`` command line (see the README and the contract for every command)."""
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
    "--data-dir", default=None, metavar="DIR|URL",
    help="Data directory: a folder (default ./data, or $C3P_DATA_DIR) or an fsspec URL"
         " (s3://bucket/c3p, ...; worked on through a local copy).")


DECISIONS_OPTION = click.option(
    "--decisions", "decisions_dir", default=None, metavar="DIR",
    help="Folder of the analyst's decision files (corrections.toml, organizations.toml,"
         " gazetteer.csv, layouts.csv, field_labels.csv, reviewed.csv); default: the data"
         " directory, or $C3P_DECISIONS_DIR.")
CORRECTIONS_OPTION = click.option(
    "--corrections", "corrections_file", default=None, metavar="FILE",
    help="Corrections file (default DECISIONS/corrections.toml, or $C3P_CORRECTIONS).")


def _data_dir(value: str | None) -> str:
    """The data directory as given: a local folder or an fsspec URL."""
    return value if value is not None else str(settings.default_data_dir())


def _local_data_dir(value: str | None) -> Path:
    """A local folder to read from: the folder itself, or a fresh local copy of a URL."""
    from pipelines.remote import RemoteDataDir, is_remote

    value = _data_dir(value)
    return RemoteDataDir(value).pull() if is_remote(value) else Path(value)


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="c3p-warehouse")
def main() -> None:
    """C3P warehouse: the Ministry of the Environment's 都市間連携事業 adoption lists
    as a DuckDB warehouse and Parquet datasets."""


# ---------------------------------------------------------------- refresh / demo


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no network here


def _run_with_progress(**kwargs):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipelines import progress
    from pipelines.refresh import RunRefused, run_refresh
    from pipelines.sources import SourcesFileError

    console = Console(stderr=True)
    bars: dict[str, int] = {}
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False,
                  disable=not console.is_terminal) as bar:
        def on_step(stage: str, item: str, total: int) -> None:
            if stage not in bars:
                bars[stage] = bar.add_task(stage, total=total)
            bar.advance(bars[stage])
            if not console.is_terminal:
                console.print(f"{stage}: {item}")

        stop = progress.listen(on_step)
        try:
            return run_refresh(**kwargs)
        except (RunRefused, SourcesFileError) as exc:
            _fail(str(exc))
        finally:
            stop()


def _print_summary(outcome) -> None:
    s = outcome.summary
    for note in outcome.notes:
        click.echo(f"note: {note}")
    if outcome.nothing_changed:
        click.echo("nothing changed: every list answered 304 Not Modified; warehouse left as it is")
        return
    ok = [x for x in s["sources"] if x["status"] == "ok"]
    bad = [x for x in s["sources"] if x["status"] != "ok"]
    click.echo(f"lists: {len(s['sources'])} ({len(ok)} ok, {len(bad)} failed or quarantined)")
    for x in s["sources"]:
        line = (f"  FY{x['fiscal_year']} round {x['call_round']}: {x['status']:<11}"
                f" rows {x['rows_extracted'] if x['rows_extracted'] is not None else '-'}"
                f" published {x['rows_published']}  [{x['fetch_status']}] {x['url']}")
        click.echo(line)
        if x["error"]:
            click.echo(f"      reason: {x['error']}")
        if x["disagreements"]:
            click.echo(f"      review: camelot reads {x['disagreements']} cell(s) differently"
                       f" (agreement {x['crosscheck_agreement']:.1%}); see crosscheck_disagreements")
    click.echo(f"projects: {s['projects']}  participants: {s['participants']}"
               f"  organisations: {s['organizations']}")
    for w in s["warnings"]:
        click.echo(f"warning: {w}")
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
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), default=None,
              help="TOML file of lists to fetch (see the contract); default: built-in registry.")
@DATA_DIR_OPTION
@click.option("--no-discover", is_flag=True, help="Do not crawl the press releases for new lists.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option("--only", "only", multiple=True, metavar="YEAR-ROUND", callback=_parse_lists,
              help="Re-run only this list (e.g. 2023-1; repeatable); the other published lists"
                   " stay as they are.")
@click.option("--cross-check/--no-cross-check", default=True, show_default=True,
              help="Compare every cell with camelot's independent reading (~2-3 s a list).")
@DECISIONS_OPTION
@CORRECTIONS_OPTION
def refresh(sources_file, data_dir, no_discover, force, only, cross_check, decisions_dir,
            corrections_file):
    """Discover, download what is new or changed, extract, normalise, publish."""
    _quiet_prefect()
    outcome = _run_with_progress(data_dir=_data_dir(data_dir), sources_file=sources_file,
                                 discover=not no_discover, force=force, cross_check=cross_check,
                                 only=list(only) or None, decisions_dir=decisions_dir,
                                 corrections_file=corrections_file)
    _print_summary(outcome)
    sys.exit(outcome.exit_code)


DEMO_LISTS = [("fy2023_r1_xlsx.pdf", 2023, 1, 21), ("fy2019_r1_xlsx.pdf", 2019, 1, 17)]


@main.command()
@DATA_DIR_OPTION
@click.option("--cross-check", is_flag=True,
              help="Also compare every cell with camelot (off in the demo for speed).")
def demo(data_dir, cross_check):
    """The whole flow offline on the sample lists, served from 127.0.0.1."""
    from importlib import resources

    from pipelines.local_server import LocalSite

    _quiet_prefect()
    from pipelines.prefect_server import start_temporary_server

    start_temporary_server()  # its start overlaps with ours
    samples = resources.files("pipelines") / "samples"
    with tempfile.TemporaryDirectory(prefix="c3p-demo-site-") as site_dir:
        content = Path(site_dir) / "content"
        content.mkdir()
        for name, *_ in DEMO_LISTS:
            (content / name).write_bytes(samples.joinpath(name).read_bytes())
        with LocalSite(site_dir) as site:
            toml = "".join(
                f'[[source]]\nurl = "{site.url}/content/{name}"\nfiscal_year = {fy}\n'
                f"call_round = {rnd}\nexpected_count = {count}\n\n"
                for name, fy, rnd, count in DEMO_LISTS)
            sources = Path(site_dir) / "sources.toml"
            sources.write_text(toml)
            click.echo(f"demo: serving {len(DEMO_LISTS)} sample lists at {site.url}")
            outcome = _run_with_progress(data_dir=_data_dir(data_dir), sources_file=str(sources),
                                         discover=False, command="demo", force=True,
                                         cross_check=cross_check)
    _print_summary(outcome)
    click.echo(f"warehouse: {_data_dir(data_dir).rstrip('/')}/warehouse.duckdb")
    click.echo(f'try: c3p query "SELECT fiscal_year, country_name_ja, count(*) FROM projects'
               f' GROUP BY ALL ORDER BY ALL"')
    sys.exit(outcome.exit_code)


# ---------------------------------------------------------------- extract


@main.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--cross-check", is_flag=True, help="Also read with camelot and report disagreements.")
def extract(pdf, fmt, cross_check):
    """Every ruled table of PDF (header and rows), no normalisation, to stdout."""
    from extractors import extract_document, to_csv
    from extractors.errors import ExtractionError

    if not pdf.exists():
        _fail(f"{pdf}: no such file")
    try:
        doc = extract_document(pdf, cross_check=cross_check) if cross_check else extract_document(pdf)
    except ExtractionError as exc:
        _fail(str(exc), 1)
    if fmt == "json":
        click.echo(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(to_csv(doc), nl=False)


# ---------------------------------------------------------------- query


@main.command()
@click.argument("sql")
@DATA_DIR_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def query(sql, data_dir, fmt):
    """Read-only SQL on the warehouse."""
    import duckdb

    path = _local_data_dir(data_dir) / "warehouse.duckdb"
    if not path.exists():
        _fail(f"no warehouse at {path}: run `c3p demo` or `c3p refresh` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        _fail(f"{path}: cannot open read-only ({exc})")
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if columns else []
    except duckdb.Error as exc:
        _fail(f"query failed: {exc}", 1)
    finally:
        con.close()
    if fmt == "json":
        click.echo(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False,
                              default=str, indent=1))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r))
        Console(width=max(120, Console().width)).print(table)
        click.echo(f"({len(rows)} rows)")


@main.command()
@DATA_DIR_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def status(data_dir, fmt):
    """Completeness: every adoption list the registry or the crawler knows, and what reached
    the warehouse (no network, no Prefect)."""
    from pipelines.coverage import coverage_table, last_crawl, render

    local = _local_data_dir(data_dir)
    click.echo(render(coverage_table(local), fmt))
    if fmt == "table":
        click.echo(last_crawl(local))


# ---------------------------------------------------------------- report / docs


@main.command()
@DATA_DIR_OPTION
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the HTML (default DATA_DIR/report.html).")
def report(data_dir, output):
    """A self-contained HTML report of the warehouse."""
    from pipelines.report import write_report

    data_dir = _local_data_dir(data_dir)
    if not (data_dir / "warehouse.duckdb").exists():
        _fail(f"no warehouse at {data_dir / 'warehouse.duckdb'}: run `c3p demo` or `c3p refresh` first")
    path = write_report(data_dir, output or data_dir / "report.html")
    click.echo(f"report: {path}")


@main.command()
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/data_dictionary.md"), show_default=True)
def docs(output):
    """Regenerate the data dictionary from the warehouse's table and column comments."""
    from pipelines.data_dictionary import write_data_dictionary

    path = write_data_dictionary(output)
    click.echo(f"data dictionary: {path}")


# ---------------------------------------------------------------- review


def _review_location(data_dir, decisions_dir, corrections_file):
    from pipelines import decisions

    local = _local_data_dir(data_dir)
    return local, decisions.locate(local, decisions_dir, corrections_file)


@main.group(invoke_without_command=True)
@DATA_DIR_OPTION
@DECISIONS_OPTION
@CORRECTIONS_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              help="csv or json to hand the list to a colleague.")
@click.pass_context
def review(ctx, data_dir, decisions_dir, corrections_file, fmt):
    """Every open question in one place: cross-check disagreements, near-duplicate
    organisations, unmapped field labels, unknown places, stale corrections, lists not
    published; with the printed text and where it is (file, page). Answer with
    `c3p review accept ID` / `c3p review reject ID` (or edit the decision files)."""
    from pipelines import decisions
    from pipelines.review import ReviewError, as_rows, open_questions

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
            click.echo(f"{r['id']}  {r['kind']}  {r['where']}"
                       f"  [{r['file'] or '-'}, page {r['page'] or '-'}]")
            click.echo(f"    printed:  {r['printed']}")
            click.echo(f"    question: {r['question']}")
            click.echo(f"    answer:   {r['answer']}")
        click.echo(f"{len(rows)} open question(s)")


def _answer(ctx, qid, accept, **options):
    from pipelines import decisions
    from pipelines.review import ReviewError, answer

    from pipelines.remote import RemoteDataDir, is_remote

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
@click.option("--code", default=None, help="field_label_unmapped: the field_code of the label.")
@click.option("--same-as", default=None, help="place_unknown: a gazetteer place it is (an alias).")
@click.option("--name-en", default=None, help="place_unknown: English name of a new place.")
@click.option("--country", default=None, help="place_unknown: ISO 3166-1 alpha-2 of a new place.")
@click.option("--lat", type=float, default=None, help="place_unknown: latitude of a new place.")
@click.option("--lon", type=float, default=None, help="place_unknown: longitude of a new place.")
@click.option("--field", default=None, help="list_not_published: canonical field (or ignore)"
                                             " of the unknown header.")
@click.option("--role", default=None, help="list_not_published: role of a co_applicants header.")
@click.option("--note", default="", help="Why (kept in the decision file).")
@click.pass_context
def accept(ctx, question_id, **options):
    """Answer yes to a question (the same organisation, this place, this label, ...)."""
    _answer(ctx, question_id, True, **options)


@review.command()
@click.argument("question_id")
@click.option("--note", default="", help="Why (kept in the decision file).")
@click.pass_context
def reject(ctx, question_id, note):
    """Answer no to a question (not one organisation, keep as printed, ours is right, ...)."""
    _answer(ctx, question_id, False, note=note)


# ---------------------------------------------------------------- serve


@main.command()
@DATA_DIR_OPTION
@click.option("--dry-run", is_flag=True, help="Show the deployments and schedules, serve nothing.")
def serve(data_dir, dry_run):
    """Register and serve the Prefect deployments with their schedules (blocks)."""
    from flows import deployments

    from pipelines.remote import is_remote

    data_dir = _data_dir(data_dir)
    if not is_remote(data_dir):
        data_dir = str(Path(data_dir).resolve())
    found = deployments(data_dir)
    for d in found:
        crons = ", ".join(getattr(s.schedule, "cron", "?") for s in d.schedules)
        click.echo(f"{d.flow_name}/{d.name}: cron {crons}  data_dir={data_dir}")
    if dry_run:
        return
    from prefect import serve as prefect_serve

    prefect_serve(*found)


if __name__ == "__main__":
    main()
