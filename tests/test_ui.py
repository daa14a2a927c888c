"""The Dagster UI as a person uses it: webserver + daemon on loopback, Debian's Chromium driven by Playwright.

Opens the asset graph of every group, checks every asset key is on screen, launches a materialization of the
ingestion assets from the UI, waits for the run to succeed, and saves screenshots under the test's data dir
(``$LLMP_UI_SCREENSHOTS`` overrides). Needs ``/usr/bin/chromium`` (``apt-get install chromium``; `.ci/run` does it):
skipped without it unless ``LLMP_REQUIRE_UI_TEST=1``, as in CI.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from llm_assets.core.partitions import landing_batch_key, landing_batches
from llm_assets.sample_corpus import write_landing_batches
from resources.governance import GovernanceKeys
from tests.test_definitions import EXPECTED_ASSETS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LLMP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.ui, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@pytest.fixture
def dagster_ui(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("LLMP_REQUIRE_UI_TEST") == "1":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    data, home = tmp_path / "data", tmp_path / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n")
    (folder,) = write_landing_batches(data / "landing", n_tickets=24, n_batches=1, seed=5, prefix="ui")
    # the partition key is the folder's opaque key under the data dir's governance key (the one dagster dev uses)
    secret = GovernanceKeys(key_file=str(data / "secrets" / "governance.key")).secret()
    batch = landing_batch_key(secret, folder)
    env = {**os.environ, "LLMP_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        # known to the instance before the daemon starts: the landing sensor leaves it to the person at the UI
        instance.add_dynamic_partitions(landing_batches.name, [batch])
    port = _free_port()
    log = (tmp_path / "dagster-dev.log").open("w")
    proc = subprocess.Popen(
        [str(Path(os.sys.executable).parent / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/server_info", timeout=120)
        yield {"url": f"http://127.0.0.1:{port}", "home": home, "batch": batch, "data": data}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_asset_graph_and_a_materialization_launched_from_the_ui(dagster_ui):
    from playwright.sync_api import expect, sync_playwright

    base = dagster_ui["url"]
    shots = Path(os.environ.get("LLMP_UI_SCREENSHOTS", dagster_ui["data"] / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    groups = sorted(set(EXPECTED_ASSETS.values()))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # large enough that the graph of the largest group (governance: the report, the human-decision ledgers and the
        # many tables they read) is drawn whole at a zoom that shows its labels
        page = browser.new_page(viewport={"width": 3200, "height": 4200})
        page.set_default_timeout(60_000)

        page.goto(f"{base}/asset-groups")
        with contextlib.suppress(Exception):  # the first-visit community dialog, where this version shows it
            page.get_by_role("button", name="Skip").click(timeout=10_000)
        for group in groups:
            expect(page.get_by_text(group, exact=True).first).to_be_visible()
        page.screenshot(path=str(shots / "global-lineage.png"))

        seen = set()
        for group in groups:
            page.goto(f"{base}/locations/llm_assets/asset-groups/{group}")
            for key, g in EXPECTED_ASSETS.items():
                if g == group:
                    expect(page.get_by_text(key, exact=True).first).to_be_visible()
                    seen.add(key)
            page.screenshot(path=str(shots / f"group-{group}.png"))
        assert seen == set(EXPECTED_ASSETS)

        # launch the ingestion group's materialization for the landing batch, as a person would
        page.goto(f"{base}/locations/llm_assets/asset-groups/ingestion")
        page.get_by_role("button", name="Materialize all").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="All", exact=True).click()
        launch = dialog.get_by_role("button", name=re.compile(r"^Launch (backfill|\d+ runs?)$"))
        expect(launch).to_be_enabled()
        launch.click()
        expect(dialog).to_be_hidden()

        # the run appears on the Runs page and succeeds
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            page.goto(f"{base}/runs")
            page.wait_for_timeout(3000)
            text = page.inner_text("body")
            if "Success" in text or "Failure" in text:
                break
        page.screenshot(path=str(shots / "runs.png"))
        assert "Success" in text and "Failure" not in text, text[:2000]
        page.goto(f"{base}/assets/raw_documents")
        expect(page.get_by_text(dagster_ui["batch"]).first).to_be_visible()
        page.screenshot(path=str(shots / "raw_documents.png"))
        browser.close()

    with dg.DagsterInstance.from_config(str(dagster_ui["home"])) as instance:
        runs = instance.get_runs()
        assert runs and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        event = instance.get_latest_materialization_event(dg.AssetKey("raw_documents"))
        assert event.asset_materialization.partition == dagster_ui["batch"]
        assert event.asset_materialization.metadata["kept"].value == 27  # 24 tickets + 3 canaries
    assert (shots / "runs.png").stat().st_size > 10_000
