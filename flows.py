"""Prefect flows: what runs when, with which retries. The stages stay plain functions.

``refresh_flow`` runs one task per stage per source (fetch → extract → records) and
one publish task. Task results are small dicts of paths and ids.
"""
from __future__ import annotations

from dataclasses import asdict

from prefect import flow, task

from pipelines import progress, stages
from pipelines.sources import SourceSpec


@task(name="fetch", retries=2, retry_delay_seconds=1)
def fetch_task(spec: dict, ctx: dict, total: int) -> dict:
    result = stages.fetch_stage(spec, stages.RunContext(**ctx))
    progress.step("download", spec["url"], total)
    return result


@task(name="extract")
def extract_task(spec: dict, fetched: dict, ctx: dict, total: int) -> dict:
    result = stages.extract_stage(spec, fetched, stages.RunContext(**ctx))
    progress.step("extract", spec["url"], total)
    return result


@task(name="records")
def records_task(spec: dict, fetched: dict, extracted: dict, ctx: dict, total: int) -> dict:
    result = stages.records_stage(spec, fetched, extracted, stages.RunContext(**ctx))
    progress.step("normalise", spec["url"], total)
    return result


@task(name="publish")
def publish_task(specs: list, fetched: list, extracted: list, records: list, ctx: dict) -> dict:
    result = stages.assemble_and_publish(specs, fetched, extracted, records,
                                         stages.RunContext(**ctx))
    progress.step("publish", "warehouse", 1)
    return result


@flow(name="c3p-refresh")
def refresh_flow(specs: list[dict], ctx: dict) -> dict:
    """Fetch, extract and normalise every list, then publish the warehouse atomically."""
    n = len(specs)
    fetched = [fetch_task(spec, ctx, n) for spec in specs]
    extracted = [extract_task(spec, f, ctx, n) for spec, f in zip(specs, fetched)]
    records = [records_task(spec, f, e, ctx, n) for spec, f, e in zip(specs, fetched, extracted)]
    return publish_task(specs, fetched, extracted, records, ctx)


def run_refresh_flow(specs: list[SourceSpec], ctx: stages.RunContext) -> dict:
    """Run the flow (a temporary Prefect server starts when none is configured)."""
    return refresh_flow([s.to_dict() for s in specs], asdict(ctx))
