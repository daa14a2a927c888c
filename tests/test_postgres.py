"""The shared-database configuration: the Dagster instance (runs, events, schedules) and MLflow's tracking and
registry on a real PostgreSQL server started on loopback for the test.

Needs Debian's ``postgresql`` (``make test`` installs it where it can): skipped without it unless
``LLMP_REQUIRE_POSTGRES_TEST=1``, as in CI.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import dagster as dg
import pytest

from tests.helpers import ingest, table, train

pytestmark = pytest.mark.slow

TINY = {
    "lora_adapter": {"config": {"max_steps": 3, "batch_size": 4, "max_length": 768}},
    "evaluation_report": {"config": {"max_examples": 4, "max_new_tokens": 8, "batch_size": 4}},
    "registered_model": {"config": {"min_improvement_over_base": -100.0, "guard_metrics": []}},
}


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and the server refuse to run as root
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres_server():
    pg = _pg_bin()
    if pg is None:
        if os.environ.get("LLMP_REQUIRE_POSTGRES_TEST") == "1":
            pytest.fail("PostgreSQL is missing: apt-get install postgresql")
        pytest.skip("PostgreSQL is missing (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="llmp-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        _as_postgres([str(pg / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres([str(pg / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        for db in ("dagster", "mlflow"):
            subprocess.run(
                [str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", db],
                check=True,
                capture_output=True,
            )
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), check=False)
        shutil.rmtree(root, ignore_errors=True)


def _count(url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(url) as con, con.cursor() as cur:
        cur.execute(sql)
        return int(cur.fetchone()[0])


def test_dagster_instance_and_mlflow_on_postgresql(postgres_server, landing, resources, monkeypatch, tmp_path):
    from llm_assets.settings import dagster_yaml

    # dagster-postgres speaks psycopg2 (SQLAlchemy 2.1 would pick psycopg 3 for a bare postgresql://)
    dagster_url = f"{postgres_server.replace('postgresql://', 'postgresql+psycopg2://')}/dagster"
    mlflow_url = f"{postgres_server}/mlflow"
    # the configuration users get: dagster.yaml as make writes it, the tracking URI from the environment
    monkeypatch.setenv("LLMP_DAGSTER_POSTGRES_URL", dagster_url)
    monkeypatch.setenv("LLMP_MLFLOW_TRACKING_URI", mlflow_url)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(dagster_yaml())
    assert dagster_url not in (home / "dagster.yaml").read_text()  # the URL (and any password) stays in the env
    from resources import build_resources, resolved

    # the runs get the URL as dg.EnvVar (resolved by Dagster at run time); direct calls use a resolved copy
    configured = build_resources()["mlflow_tracking"].model_copy(
        update={"artifact_root": str(tmp_path / "mlflow-artifacts")}
    )
    assert isinstance(configured.tracking_uri, dg.EnvVar)
    tracking = resolved({"mlflow_tracking": configured})["mlflow_tracking"]
    assert tracking.tracking_uri == mlflow_url
    resources = {**resources, "mlflow_tracking": configured}

    _, batches = landing
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        ingest(instance, resources, batches[:1])
        result = train(instance, resources, TINY)
        assert result.success
        assert instance.get_latest_materialization_event(dg.AssetKey("registered_model")) is not None

    runs = _count(f"{postgres_server}/dagster", "select count(*) from runs")
    assert (
        runs == 2
        and _count(
            f"{postgres_server}/dagster",
            "select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'",
        )
        >= 8
    )
    # the fine-tuned version and the fallback (the base model with the few-shot prompt), each with its alias and run
    assert _count(mlflow_url, "select count(*) from model_versions") == 2
    assert _count(mlflow_url, "select count(*) from registered_model_aliases where alias = 'champion'") == 1
    assert _count(mlflow_url, "select count(*) from registered_model_aliases where alias = 'fallback'") == 1
    assert _count(mlflow_url, "select count(*) from runs") == 2
    assert str(tracking.champion_version().version) == "1"
    assert table(resources, "governance", "model_versions").height == 1
