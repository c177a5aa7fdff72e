"""The scheduled deployments: `c3p serve` and prefect.yaml agree on flows and schedules."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

import flows
from pipelines.cli import main

ROOT = Path(__file__).parents[1]


def test_serve_dry_run_lists_both_schedules(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--dry-run", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"c3p-scheduled-refresh/annual-refresh: cron {flows.ANNUAL_REFRESH_CRON}" in result.output
    assert f"c3p-discovery-check/discovery-check: cron {flows.DISCOVERY_CHECK_CRON}" in result.output


def test_prefect_yaml_matches_the_flows():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    by_name = {d["name"]: d for d in config["deployments"]}
    assert by_name["annual-refresh"]["entrypoint"] == "flows.py:scheduled_refresh"
    assert by_name["annual-refresh"]["schedules"][0]["cron"] == flows.ANNUAL_REFRESH_CRON
    assert by_name["discovery-check"]["entrypoint"] == "flows.py:discovery_check"
    assert by_name["discovery-check"]["schedules"][0]["cron"] == flows.DISCOVERY_CHECK_CRON
    for d in config["deployments"]:
        module, name = d["entrypoint"].split(":")
        assert hasattr(flows, name) and module == "flows.py"
