"""``llm-pipeline``: the command line of the pipeline (demo run, sample corpus, champion rollback, serving)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import uuid
from pathlib import Path

from jobs import progress, runner
from llm_assets import settings

DEMO_RUN_CONFIG = {
    # 400 of the ~950 training examples: enough for the adapter to beat the few-shot base model clearly while the whole
    # graph (anonymization ~3 min, training ~7, evaluation of three models ~6, fairness probe ~1) stays within 20
    # minutes on 2 CPU cores.
    "lora_adapter": {"config": {"max_steps": 50, "batch_size": 8}},
    "evaluation_report": {"config": {"max_examples": 48}},
    "fairness_audit": {"config": {"probe_prompts": 4}},
}


def _print_summary() -> None:
    import dagster as dg

    with runner.instance() as instance:
        reg = instance.get_latest_materialization_event(dg.AssetKey("registered_model"))
        ev = instance.get_latest_materialization_event(dg.AssetKey("evaluation_report"))
    if ev is not None:
        md = ev.asset_materialization.metadata
        print("\n== Evaluation on the held-out test split (95 % bootstrap intervals) ==")
        print(md["comparison"].value)
        print(f"report: {md['report'].value}")
    if reg is not None:
        md = reg.asset_materialization.metadata
        print(
            f"\n== Registry ==\n{md['registered_model'].value} v{md['version'].value}: {md['decision'].value} "
            f"({md['reason'].value}); champion is v{md['champion_version'].value}"
        )


def _batch_keys(folders: list[str]) -> dict[str, str]:
    """Landing folder name -> its partition key (a keyed hash of the name under the governance key)."""
    from llm_assets.core.partitions import landing_batch_key
    from resources import build_resources, resolved

    secret = resolved(build_resources())["governance_keys"].secret()
    return {f: landing_batch_key(secret, f) for f in folders}


def cmd_demo(args: argparse.Namespace) -> int:
    from llm_assets.sample_corpus import write_landing_batches

    landing = settings.landing_dir()
    if args.fresh_corpus or not any(landing.glob("batch_*")):
        batches = write_landing_batches(landing, n_tickets=args.tickets, n_batches=args.batches, seed=args.seed)
        print(f"wrote {len(batches)} landing batches of the sample corpus to {landing}")
    folders = sorted(p.name for p in landing.iterdir() if p.is_dir())
    return _run_full_pipeline(folders, args.max_steps, args.verbose, "llm-pipeline demo")


def cmd_run(args: argparse.Namespace) -> int:
    """The demo's run on the user's own landing folder (one sub-folder per batch), read through their mapping."""
    from llm_assets.core.documents.mapping import FieldMapping, MappingError

    landing = Path(args.landing).resolve()
    if not landing.is_dir():
        print(f"no such folder: {landing}", file=sys.stderr)
        return 2
    folders = sorted(p.name for p in landing.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not folders:
        print(
            f"{landing} has no batch folder: put the files in a sub-folder (e.g. {landing / 'batch_1'}/), one per "
            "batch of documents",
            file=sys.stderr,
        )
        return 2
    settings.use_landing(landing)
    if args.mapping:
        try:
            mapping = FieldMapping.from_yaml(Path(args.mapping))
        except (OSError, MappingError) as exc:
            print(f"cannot use the mapping: {exc}", file=sys.stderr)
            return 2
        settings.use_corpus_mapping(Path(args.mapping))
        print(f"corpus mapping {args.mapping}: " + ", ".join(f"{r} <- {c}" for r, c in mapping.columns().items()))
    return _run_full_pipeline(folders, args.max_steps, args.verbose, "llm-pipeline run")


def _run_full_pipeline(folders: list[str], max_steps: int | None, verbose: bool, launched_by: str) -> int:
    from jobs import full_pipeline_job
    from llm_assets.core.partitions import landing_batches

    # the partition keys are opaque (a folder's name may name a person): the run, its tags and the event log carry
    # the keys; the names are printed here only, to the data owner running the command
    keys = list(_batch_keys(folders).values())
    run_config = json.loads(json.dumps(DEMO_RUN_CONFIG))
    if max_steps is not None:
        run_config["lora_adapter"]["config"]["max_steps"] = max_steps
    started = time.time()
    run_id = str(uuid.uuid4())
    log_file = settings.data_dir() / "logs" / f"demo-{time.strftime('%Y%m%d-%H%M%S')}-{run_id[:8]}.log"
    console = sys.stdout
    if not verbose:
        print(f"full_pipeline_job over {len(keys)} batches (run {run_id}); full log: {log_file}")
        progress.stderr_to(log_file).__enter__()
    with runner.instance() as instance:
        # What the landing sensor does in a running deployment: register the batches as partitions.
        known = set(instance.get_dynamic_partitions(landing_batches.name))
        new = [k for k in keys if k not in known]
        if new:
            instance.add_dynamic_partitions(landing_batches.name, new)
        # a range runs the partitions between its ends in the order they were added: the first and the last of ours
        order = [k for k in instance.get_dynamic_partitions(landing_batches.name) if k in set(keys)]
        job = runner.resolve(full_pipeline_job)
        quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}} if not verbose else {}
        view = (
            progress.ProgressView(instance, run_id, console, run_config["lora_adapter"]["config"]["max_steps"])
            if not verbose
            else contextlib.nullcontext()
        )
        with view:
            result = job.execute_in_process(
                instance=instance,
                run_config={"ops": run_config, **quiet},
                run_id=run_id,
                tags={
                    "dagster/asset_partition_range_start": order[0],
                    "dagster/asset_partition_range_end": order[-1],
                    "launched_by": launched_by,
                },
                raise_on_error=False,
            )
        if not verbose:
            progress.write_event_log(instance, run_id, log_file)
    print(
        f"\nfull_pipeline_job over {len(keys)} batches: {'SUCCESS' if result.success else 'FAILURE'} "
        f"in {time.time() - started:.0f} s (run {result.run_id})"
    )
    for event in result.all_events if not result.success else []:
        if event.is_step_failure and event.step_failure_data.error is not None:
            print(f"  {event.step_key}: {event.step_failure_data.error.message.strip()}", file=sys.stderr)
    _print_summary()
    _print_explore(log_file if not verbose else None)
    return 0 if result.success else 1


def _print_explore(log_file: Path | None) -> None:
    print(
        "\nExplore it:\n"
        + (f"  less {log_file}   # every event of the run and every library message\n" if log_file else "")
        + f"  DAGSTER_HOME={settings.dagster_home()} .venv/bin/dagster dev -h 127.0.0.1 -p 3000   "
        "# Dagster UI on http://127.0.0.1:3000\n"
        f"  .venv/bin/mlflow ui --host 127.0.0.1 --port 5000 --backend-store-uri "
        f"sqlite:///{settings.data_dir() / 'mlflow' / 'mlflow.db'}   # MLflow UI on http://127.0.0.1:5000"
    )


def cmd_corpus(args: argparse.Namespace) -> int:
    from llm_assets.sample_corpus import write_landing_batches

    names = write_landing_batches(
        args.output, n_tickets=args.tickets, n_batches=args.batches, seed=args.seed, include_bad_files=not args.clean
    )
    print("\n".join(names))
    return 0


def cmd_land_batch(args: argparse.Namespace) -> int:
    """What a drift demo needs: a new landing batch, from the training distribution or a shifted one."""
    from llm_assets.sample_corpus import write_landing_batches

    landing = Path(args.landing or settings.landing_dir())
    (name,) = write_landing_batches(
        landing,
        n_tickets=args.tickets,
        n_batches=1,
        seed=args.seed,
        include_bad_files=False,
        shifted=args.shifted,
        prefix="shifted" if args.shifted else "batch",
    )
    print(
        f"landed {args.tickets} {'shifted (recall / scam)' if args.shifted else 'in-distribution'} tickets in "
        f"{landing / name} (partition {_batch_keys([name])[name]}): the landing sensor ingests it, drift_report "
        "re-measures, drift_sensor decides"
    )
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    """The data owner's view: each landing folder's readable name beside its opaque partition key (the Dagster UI and
    every table outside the raw zone show only the key)."""
    from llm_assets.core.documents.text import name_text
    from llm_assets.core.partitions import landing_batches

    landing = Path(args.landing or settings.landing_dir())
    folders = sorted(p.name for p in landing.iterdir() if p.is_dir()) if landing.is_dir() else []
    with runner.instance() as instance:
        registered = set(instance.get_dynamic_partitions(landing_batches.name))
    for folder, key in _batch_keys(folders).items():
        print(f"{key}  {'registered' if key in registered else 'new       '}  {name_text(folder)[0]}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from jobs.governance_cli import cmd_rollback as governance_rollback

    return governance_rollback(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from llm_assets.serving.server import ServeConfig, serve
    from resources import build_resources, resolved

    config = ServeConfig(
        host=args.host,
        port=args.port,
        max_batch=args.max_batch,
        challenger_share=args.challenger_share,
        quantize=args.quantize,
        engine=args.engine,
        engine_threads=args.engine_threads,
        deadline_s=args.deadline_s,
    )
    serve(config, resolved(build_resources()))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    import urllib.error
    import urllib.request

    body = {"request_id": args.request_id, "rating": args.rating}
    if args.reply:
        body["corrected_reply"] = args.reply
    if args.category:
        body["category"] = args.category
    req = urllib.request.Request(
        f"{args.url.rstrip('/')}/v1/feedback",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            print(resp.read().decode())
    except urllib.error.HTTPError as exc:
        print(f"refused ({exc.code}): {exc.read().decode()}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    settings.apply_offline_environment()
    parser = argparse.ArgumentParser(prog="llm-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the whole graph on the bundled sample corpus and the default model")
    demo.add_argument("--tickets", type=int, default=1600, help="tickets in the sample corpus")
    demo.add_argument("--batches", type=int, default=3, help="landing batches to spread them over")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--max-steps", type=int, default=None, help="cap on optimizer steps")
    demo.add_argument("--fresh-corpus", action="store_true", help="write the sample corpus even if batches exist")
    demo.add_argument("--verbose", action="store_true", help="print every Dagster event instead of the progress view")
    demo.set_defaults(func=cmd_demo)
    run = sub.add_parser("run", help="run the whole graph on your own landing folder (one sub-folder per batch)")
    run.add_argument("--landing", required=True, help="the folder; each sub-folder is one batch of documents")
    run.add_argument("--mapping", help="YAML: message/subject/reply/label/group: <your column>, passthrough: [columns]")
    run.add_argument("--max-steps", type=int, default=None, help="cap on optimizer steps")
    run.add_argument("--verbose", action="store_true", help="print every Dagster event instead of the progress view")
    run.set_defaults(func=cmd_run)
    corpus = sub.add_parser("sample-corpus", help="write sample landing batches to a folder")
    corpus.add_argument("output")
    corpus.add_argument("--tickets", type=int, default=300)
    corpus.add_argument("--batches", type=int, default=1)
    corpus.add_argument("--seed", type=int, default=7)
    corpus.add_argument("--clean", action="store_true", help="no deliberately broken files")
    corpus.set_defaults(func=cmd_corpus)
    land = sub.add_parser("land-batch", help="land one more batch of sample tickets (e.g. a shifted one)")
    land.add_argument("--shifted", action="store_true", help="a new topic and vocabulary: recalls and scams")
    land.add_argument("--tickets", type=int, default=200)
    land.add_argument("--seed", type=int, default=int(time.time()) % 10000)
    land.add_argument("--landing", help="landing folder (default: the data dir's)")
    land.set_defaults(func=cmd_land_batch)
    listing = sub.add_parser("batches", help="landing folders and their partition keys (readable names: data owner)")
    listing.add_argument("--landing", help="landing folder (default: the data dir's)")
    listing.set_defaults(func=cmd_batches)
    rollback = sub.add_parser(
        "rollback", help="point the champion alias back at an earlier champion (= llm-governance rollback)"
    )
    rollback.add_argument("--version", required=True)
    rollback.add_argument("--by", required=True, help="who rolls back (recorded)")
    rollback.add_argument("--reason", required=True, help="why (recorded)")
    rollback.set_defaults(func=cmd_rollback)
    srv = sub.add_parser("serve", help="serve the champion on loopback: POST /v1/tickets, POST /v1/feedback")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8080)
    srv.add_argument("--max-batch", type=int, default=4, help="requests generated together (dynamic batching)")
    srv.add_argument("--challenger-share", type=float, default=0.0, help="canary: share routed to @challenger")
    srv.add_argument("--quantize", choices=["none", "int8"], default="none", help="transformers engine only")
    srv.add_argument(
        "--engine", choices=["auto", "openvino", "transformers"], default="auto", help="auto: as the model was logged"
    )
    srv.add_argument("--engine-threads", type=int, default=0, help="openvino inference threads (0 = every core)")
    srv.add_argument("--deadline-s", type=float, default=10.0, help="requests not answered by then get 504")
    srv.set_defaults(func=cmd_serve)
    fb = sub.add_parser("feedback", help="rate a served answer (and correct its reply)")
    fb.add_argument("--request-id", required=True)
    fb.add_argument("--rating", type=int, required=True, choices=range(1, 6))
    fb.add_argument("--reply", help="the reply the answer should have given")
    fb.add_argument("--category", help="the right category, if the model's was wrong")
    fb.add_argument("--url", default="http://127.0.0.1:8080")
    fb.set_defaults(func=cmd_feedback)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
