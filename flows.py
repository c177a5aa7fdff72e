"""Prefect flows: what runs when, with which retries. The stages stay plain functions.

``refresh_flow`` runs one task per stage per source (fetch → extract → records) and
one publish task, on a plan ``pipelines/run/refresh.planned`` made. Tasks pass the typed
hand-offs of ``pipelines/run/handoffs.py`` (paths and counts, not tables); the flow's
parameters and its result are plain data. Only the CLI imports this module.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, TypeVar

from prefect import flow, task
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from pipelines import interrupts, prefect_server, progress, settings
from pipelines.download.fetch import FetchResult, now_utc
from pipelines.run import stages
from pipelines.run.handoffs import (
    ExtractResult,
    Extracted,
    Failed,
    Recorded,
    RecordsResult,
    RunContext,
)
from pipelines.run.refresh import Plan, RefreshOutcome, RunRefused, planned
from pipelines.warehouse import remote
from pipelines.sources.spec import SourceSpec
from pipelines.warehouse.versions import WarehouseBusy

R = TypeVar("R")


def _as_failure(failure: Callable[[str], R], run: Callable[..., R], *args) -> R:
    """A stage's result; whatever it raises (a bug, a full disk) becomes that list's failure
    (``failure(reason)``: the stage's own kind of failed result), so that one bad input never
    stops the other lists."""
    try:
        if interrupts.requested():  # the command is stopping: start nothing new
            raise RuntimeError("interrupted before this stage started")
        return run(*args)
    except Exception as exc:  # noqa: BLE001 - recorded as this source's failure
        return failure(f"unexpected {type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}")


# No Prefect retries: fetch() itself retries transient faults (connection errors, timeouts,
# 5xx and 429) with backoff inside the download's deadline, and returns a failure, never raises.
@task(name="fetch")
def fetch_task(spec: SourceSpec, ctx: RunContext, total: int) -> FetchResult:
    def failed(reason: str) -> FetchResult:
        return FetchResult(spec.url, "failed", now_utc(), error=reason)

    result = _as_failure(failed, stages.fetch_stage, spec, ctx)
    progress.step("download", spec.url + ("" if result.ok else " (failed)"), total)
    return result


@task(name="extract")
def extract_task(spec: SourceSpec, fetched: FetchResult, ctx: RunContext, total: int) -> Extracted | Failed:
    result = _as_failure(partial(Failed, "extract"), stages.extract_stage, spec, fetched, ctx)
    progress.step("extract", _item(spec, result, "extract"), total)
    return result


@task(name="records")
def records_task(
    spec: SourceSpec, fetched: FetchResult, extracted: Extracted | Failed, ctx: RunContext, total: int
) -> Recorded | Failed:
    result = _as_failure(partial(Failed, "records"), stages.records_stage, spec, fetched, extracted, ctx)
    progress.step("normalise", _item(spec, result, "records"), total)
    return result


def _item(spec: SourceSpec, result: Extracted | Recorded | Failed, stage: str) -> str | None:
    """What a stage's progress says of a list: None when an earlier stage failed it."""
    if not isinstance(result, Failed):
        return spec.url
    return f"{spec.url} (failed)" if result.stage == stage else None


@task(name="publish")
def publish_task(
    specs: list[SourceSpec],
    fetched: list[FetchResult],
    extracted: list[ExtractResult],
    records: list[RecordsResult],
    ctx: RunContext,
) -> dict:
    try:
        result = stages.assemble_and_publish(specs, fetched, extracted, records, ctx)
    except WarehouseBusy as exc:  # an analyst's read-write connection: nothing published
        return {"status": "refused", "error": str(exc)}
    progress.step("publish", "warehouse", 1)
    return result


@flow(name="c3p-refresh", task_runner=ThreadPoolTaskRunner(max_workers=2))  # type: ignore[arg-type]  # Prefect: TaskRunner[Never]
def refresh_flow(specs: list[dict], ctx: dict) -> dict:
    """Fetch every list; extract and normalise those that changed; publish atomically.

    A list whose bytes are those its published rows were read from, by this pipeline version,
    is not read again: its rows are kept as published (``pipelines/run/carry_over.py``). Lists run
    side by side on ``C3P_WORKERS`` threads, two by default (extraction runs in a child process
    per PDF). The parameters are plain data (Prefect stores them with the flow run): they
    become the stages' types here, once.
    """
    interrupts.reinstall_sigterm()  # the flow engine took SIGTERM: it must act at once
    return _refresh([SourceSpec(**s) for s in specs], RunContext.from_dict(ctx))


def _refresh(specs: list[SourceSpec], ctx: RunContext) -> dict:
    """The refresh's tasks, inside whichever flow runs them."""
    n = len(specs)
    fetched = [fetch_task.submit(spec, ctx, n) for spec in specs]
    extracted: dict[int, Any] = {}  # a task's future, or the stage's result made in the flow
    records: dict[int, Any] = {}
    for i, spec in enumerate(specs):
        if not stages.may_reuse(spec, ctx):
            extracted[i] = extract_task.submit(spec, fetched[i], ctx, n)  # type: ignore[call-overload]  # a future for a value: Prefect resolves it
            records[i] = records_task.submit(spec, fetched[i], extracted[i], ctx, n)  # type: ignore[call-overload]
    for i, spec in enumerate(specs):  # published before: the fetch decides, no task when kept
        if i in extracted:
            continue
        kept = stages.reused(spec, fetched[i].result(), ctx)
        if kept is None:
            extracted[i] = extract_task.submit(spec, fetched[i], ctx, n)  # type: ignore[call-overload]  # a future for a value: Prefect resolves it
            records[i] = records_task.submit(spec, fetched[i], extracted[i], ctx, n)  # type: ignore[call-overload]
        else:
            extracted[i] = records[i] = kept
            progress.step("extract", spec.url + " (unchanged: rows kept)", n)
            progress.step("normalise", spec.url + " (unchanged: rows kept)", n)
    return publish_task(
        specs,
        [f.result() for f in fetched],
        [_value(extracted[i]) for i in range(n)],
        [_value(records[i]) for i in range(n)],
        ctx,
    )


def _value(result):
    """A task's result, or a stage's result computed in the flow."""
    return result.result() if isinstance(result, PrefectFuture) else result


def run_plan(plan: Plan) -> RefreshOutcome:
    """Execute a plan as the ``c3p-refresh`` flow (the caller provides the Prefect server)."""
    ctx = plan.context()
    prefect_server.wait_until_ready()
    try:
        flow_run = refresh_flow.with_options(
            task_runner=ThreadPoolTaskRunner(max_workers=settings.workers())  # type: ignore[arg-type]
        )
        summary = flow_run([s.to_dict() for s in plan.specs], ctx.to_dict())
    finally:
        stages.close_run_client(ctx.run_id)
    return RefreshOutcome(summary, notes=plan.notes)


def _in_this_flow(plan: Plan) -> dict:
    """Execute a plan's tasks inside the scheduled flow that made it (no flow run nested)."""
    ctx = plan.context()
    try:
        summary = _refresh(plan.specs, ctx)
    finally:
        stages.close_run_client(ctx.run_id)
    if summary.get("status") == "refused":  # the scheduled run fails, visibly
        raise RunRefused(summary["error"])
    return summary


# ---------------------------------------------------------------- scheduled deployments

ANNUAL_REFRESH_CRON = "0 6 1 11 *"  # 1 November, after the spring and autumn rounds
DISCOVERY_CHECK_CRON = "0 6 1,15 3-10 *"  # twice a month while lists appear (March–October)


@flow(name="c3p-scheduled-refresh")
def scheduled_refresh(data_dir: str = "data", sources_file: str | None = None, discover: bool = True) -> dict:
    """The annual refresh: discover, download what changed, publish (a no-op when nothing did)."""
    with remote.synced(data_dir) as local:
        with planned(
            local, sources_file=sources_file, discover=discover, command="scheduled-refresh"
        ) as plan:
            if isinstance(plan, RefreshOutcome):
                return {"nothing_changed": True, **plan.summary}
            return {"nothing_changed": False, **_in_this_flow(plan)}


@flow(name="c3p-discovery-check")
def discovery_check(data_dir: str = "data") -> dict:
    """The lighter check: crawl the press releases; refresh only when a new list appeared."""
    from pipelines.sources import registry
    from pipelines.run.refresh import resolve_sources

    with remote.synced(data_dir) as local:
        before = {s.url for s in registry.discovered_sources(local)}
        notes: list[str] = []
        resolve_sources(local, None, True, notes)
        new = [s for s in registry.discovered_sources(local) if s.url not in before]
        if not new:
            return {"new_lists": 0, "notes": notes}
        with planned(local, discover=False, command="discovery-check") as plan:
            if isinstance(plan, RefreshOutcome):
                return {"new_lists": len(new), "notes": notes, **plan.summary}
            return {"new_lists": len(new), "notes": notes, **_in_this_flow(plan)}


def deployments(data_dir: str) -> list:
    """The two scheduled deployments ``c3p serve`` registers and serves."""
    return [
        scheduled_refresh.to_deployment(
            name="annual-refresh", cron=ANNUAL_REFRESH_CRON, parameters={"data_dir": data_dir}
        ),
        discovery_check.to_deployment(
            name="discovery-check", cron=DISCOVERY_CHECK_CRON, parameters={"data_dir": data_dir}
        ),
    ]
