"""``llm-governance``: answers an auditor's questions from the lineage tables, and erases a data subject.

    llm-governance trained-on --champion            # doc_ids whose examples were in the champion's training split
    llm-governance trained-on --version 3 --splits train validation
    llm-governance influenced --doc-id 1f0c...      # model versions trained on a document
    llm-governance influenced --email ann@example.com
    llm-governance report --version 3 [--print]     # the auditor's report (HTML + markdown), regenerated
    llm-governance versions                         # every registered version, its decision, taint, champion
    llm-governance fingerprint --email ann@example.com   # keyed hash to put in erasure_job's Launchpad config
    llm-governance erase --email ann@example.com --reason "GDPR request 1234"
    llm-governance tombstones
    llm-governance diff --from 3f2a... --to 9c1b...   # documents and examples added/removed between training sets
    llm-governance rebuild --version 3f2a... [--out set.jsonl]   # a past training set, checked against its hash
    llm-governance approve --version 4 --approver "J. Doe" --note "reviewed eval + fairness"   # runs approval_job
    llm-governance reject --version 4 --approver "J. Doe" --note "tone regressed on refunds"
    llm-governance rollback --version 2 --by "J. Doe" --reason "complaints about v3"          # runs rollback_job

Identifiers given here are hashed with the governance key at once; only the hashes go further (run config,
tables, logs).
"""

from __future__ import annotations

import argparse
import json
import sys

from jobs import runner
from llm_assets.settings import apply_offline_environment

KINDS = ("email", "name", "customer_id", "phone")


def _resources():
    from resources import build_resources, resolved

    return resolved(build_resources())


def _subject_keys(args: argparse.Namespace, keys) -> list[str]:
    values = [v for kind in KINDS for v in (getattr(args, kind) or [])]
    return sorted({keys.fingerprint(v) for v in values})


def _resolve_version(args: argparse.Namespace, tracking) -> str:
    if getattr(args, "champion", False):
        champion = tracking.champion_version()
        if champion is None:
            raise SystemExit("there is no champion")
        return str(champion.version)
    return str(args.version)


def cmd_trained_on(args: argparse.Namespace) -> int:
    from llm_assets.core import lineage

    r = _resources()
    version = _resolve_version(args, r["mlflow_tracking"])
    mv = lineage.model_version(r["warehouse"], r["mlflow_tracking"].registered_model_name, version)
    if mv is None:
        raise SystemExit(f"version {version} is not in the lineage tables")
    docs = lineage.docs_of_training_set(r["warehouse"], mv["training_set_version"], tuple(args.splits))
    if args.json:
        print(json.dumps({"version": version, "training_set_version": mv["training_set_version"], "doc_ids": docs}))
    else:
        print("\n".join(docs))
        print(
            f"# version {version}: {len(docs)} document(s) in split(s) {', '.join(args.splits)} of training set "
            f"{mv['training_set_version']}",
            file=sys.stderr,
        )
    return 0


def cmd_influenced(args: argparse.Namespace) -> int:
    import polars as pl

    from llm_assets.core import lineage

    r = _resources()
    doc_ids = list(args.doc_id or [])
    keys = _subject_keys(args, r["governance_keys"])
    if keys:
        doc_ids += lineage.docs_of_subject(r["warehouse"], keys)["doc_id"].to_list()
    doc_ids = sorted(set(doc_ids))
    rows = lineage.versions_of_docs(r["warehouse"], doc_ids)
    champion = r["mlflow_tracking"].champion_version()
    summary = (
        rows.group_by("version", "decision", "split")
        .agg(pl.col("doc_id").n_unique().alias("documents"))
        .sort(pl.col("version").cast(pl.Int64), "split")
    )
    if args.json:
        print(json.dumps({"documents": doc_ids, "versions": summary.to_dicts()}))
        return 0
    print(f"{len(doc_ids)} document(s) found")
    for v, decision, split, n in summary.rows():
        mark = " (champion)" if champion and str(champion.version) == v else ""
        print(f"version {v}{mark}: {n} document(s) in its {split} split; decision {decision}")
    if not summary.height:
        print("no registered model version was trained, validated or tested on them")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from llm_assets.governance.assets import write_governance_report

    r = _resources()
    version = _resolve_version(args, r["mlflow_tracking"])
    report, paths = write_governance_report(r["warehouse"], r["mlflow_tracking"], r["artifact_store"], version)
    if args.print:
        print(report.markdown())
    print(f"{paths['html']}\n{paths['markdown']}", file=sys.stderr if args.print else sys.stdout)
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    from llm_assets.core import lineage

    r = _resources()
    versions = lineage.read(r["warehouse"], "model_versions")
    taints = lineage.read(r["warehouse"], "taints")
    tainted = set(taints["version"].to_list()) if taints.height else set()
    champion = r["mlflow_tracking"].champion_version()
    if not versions.height:
        print("no registered version yet")
        return 0
    for row in versions.sort(versions["version"].cast(int)).iter_rows(named=True):  # noqa: B023
        flags = [
            f
            for f, on in (
                ("champion", champion and str(champion.version) == row["version"]),
                ("TAINTED", row["version"] in tainted),
            )
            if on
        ]
        print(
            f"v{row['version']} {row['decision']:<13} training set {row['training_set_version']} "
            f"commit {row['code_version'][:12]} mlflow {row['mlflow_run_id'][:12]} {' '.join(flags)}"
        )
    return 0


def cmd_fingerprint(args: argparse.Namespace) -> int:
    keys = _subject_keys(args, _resources()["governance_keys"])
    print(json.dumps({"subject_keys": keys}))
    return 0


def _failure(result) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            return (
                event.step_failure_data.error.message.strip().splitlines()[0] if event.step_failure_data.error else ""
            )
    return "the run failed"


def _decide(args: argparse.Namespace, decision: str) -> int:
    from llm_assets.governance.approvals import APPROVALS, approval_job

    config = {"version": str(args.version), "decision": decision, "approver": args.approver, "note": args.note}
    result = runner.run_job(approval_job, {"ops": {APPROVALS: {"config": config}}})
    if not result.success:
        print(f"refused: {_failure(result)}", file=sys.stderr)
        return 1
    md = result.asset_materializations_for_node(APPROVALS)[0].metadata
    print(
        f"v{args.version} {md['decision'].value} by {args.approver}; champion "
        f"{md['champion_before'].value} -> {md['champion_after'].value} (run {result.run_id})"
    )
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    return _decide(args, "approve")


def cmd_reject(args: argparse.Namespace) -> int:
    return _decide(args, "reject")


def cmd_rollback(args: argparse.Namespace) -> int:
    from llm_assets.governance.approvals import ROLLBACKS, rollback_job

    config = {"version": str(args.version), "requested_by": args.by, "reason": args.reason}
    result = runner.run_job(rollback_job, {"ops": {ROLLBACKS: {"config": config}}})
    if not result.success:
        print(f"refused: {_failure(result)}", file=sys.stderr)
        return 1
    md = result.asset_materializations_for_node(ROLLBACKS)[0].metadata
    print(f"champion v{md['from_version'].value} -> v{md['to_version'].value} by {args.by} (run {result.run_id})")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from llm_assets.governance.erasure import erasure_job
    from resources import build_resources, resolved

    resources = build_resources()
    keys = _subject_keys(args, resolved(resources)["governance_keys"])
    config = {
        "subject_keys": keys,
        "doc_ids": list(args.doc_id or []),
        "reason": args.reason,
        "requested_by": args.requested_by,
        "champion_policy": args.champion_policy,
        "taint_on": args.taint_on,
        "retrain": not args.no_retrain,
    }
    result = runner.run_job(erasure_job, {"ops": {"erase_data_subject": {"config": config}}}, resources)
    if not result.success:
        print(f"failed: {_failure(result)}", file=sys.stderr)
        return 1
    out = result.output_for_node("erase_data_subject")
    print(json.dumps(out, indent=2))
    if out["retrain_requested"]:
        print(
            "a retrain is requested: the erasure_retrain_sensor launches training_job when the daemon runs "
            "(make ui), or run it now with `dagster job execute -m llm_assets.definitions -j training_job`",
            file=sys.stderr,
        )
    return 0 if result.success else 1


def cmd_tombstones(args: argparse.Namespace) -> int:
    from llm_assets.core import lineage

    stones = lineage.read(_resources()["warehouse"], "tombstones")
    if not stones.height:
        print("no erasure recorded")
    for row in stones.sort("erased_at").iter_rows(named=True):
        print(
            f"{row['tombstone_id']} {row['erased_at']:%Y-%m-%d %H:%M} {row['documents']} document(s) "
            f"by {row['requested_by']}: {row['reason']}"
        )
    return 0


def _training_set_version(value: str, r) -> str:
    """A training-set version, or ``model:N`` for the one registered version N was trained on."""
    if not value.startswith("model:"):
        return value
    from llm_assets.core import lineage

    mv = lineage.model_version(r["warehouse"], r["mlflow_tracking"].registered_model_name, value.split(":", 1)[1])
    if mv is None:
        raise SystemExit(f"{value} is not in the lineage tables")
    return mv["training_set_version"]


def cmd_diff(args: argparse.Namespace) -> int:
    from llm_assets.governance import snapshots

    r = _resources()
    try:
        d = snapshots.diff(r["warehouse"], _training_set_version(args.old, r), _training_set_version(args.new, r))
    except LookupError as exc:
        raise SystemExit(str(exc)) from exc
    if args.json:
        print(json.dumps(d, indent=2))
        return 0
    print(f"training set {d['from']} -> {d['to']}")
    print(
        f"documents: {d['documents']['from']} -> {d['documents']['to']} "
        f"(+{len(d['documents_added'])} / -{len(d['documents_removed'])})"
    )
    print(
        f"examples:  {d['examples']['from']} -> {d['examples']['to']} "
        f"(+{len(d['examples_added'])} / -{len(d['examples_removed'])}, {d['examples_moved_split']} changed split)"
    )
    for split, c in d["per_split"].items():
        print(f"  {split:<10} +{c['added']} / -{c['removed']}")
    limit = None if args.all else 20
    for label, key in (("added", "documents_added"), ("removed", "documents_removed")):
        ids = d[key]
        if ids:
            shown = ids[:limit]
            more = f" … and {len(ids) - len(shown)} more (--all)" if len(shown) < len(ids) else ""
            print(f"documents {label}: {' '.join(shown)}{more}")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from pathlib import Path

    from llm_assets.governance import snapshots

    r = _resources()
    try:
        rb = snapshots.rebuild(r["warehouse"], _training_set_version(args.version, r))
    except LookupError as exc:
        raise SystemExit(str(exc)) from exc
    if args.out:
        Path(args.out).write_bytes(rb.canonical_bytes())
    print(json.dumps(rb.summary(), indent=2))
    if not rb.identical:
        why = (
            f"{rb.missing_examples} example(s) missing, of {len(rb.erased_documents)} erased document(s)"
            if rb.missing_examples
            else "no hash was recorded for this version"
            if rb.recorded_sha256 is None
            else "the rebuilt bytes differ from the recorded hash"
        )
        print(f"NOT identical: {why}", file=sys.stderr)
        return 1
    return 0


def _add_identifiers(p: argparse.ArgumentParser, with_docs: bool = True) -> None:
    for kind in KINDS:
        p.add_argument(f"--{kind.replace('_', '-')}", dest=kind, action="append", help=f"subject's {kind}")
    if with_docs:
        p.add_argument("--doc-id", action="append", help="document id (repeatable)")


def _audit_commands(sub) -> None:
    """Questions an auditor asks: what trained a version, what a document or subject influenced, the report."""
    p = sub.add_parser("trained-on", help="documents whose examples trained a model version")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--version")
    g.add_argument("--champion", action="store_true")
    p.add_argument("--splits", nargs="+", default=["train"], choices=["train", "validation", "test"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trained_on)

    p = sub.add_parser("influenced", help="model versions a document or a data subject influenced")
    _add_identifiers(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_influenced)

    p = sub.add_parser("report", help="write (and optionally print) the governance report of a version")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--version")
    g.add_argument("--champion", action="store_true")
    p.add_argument("--print", action="store_true", help="print the markdown")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("versions", help="every registered version: decision, training set, commit, taint")
    p.set_defaults(func=cmd_versions)


def _erasure_commands(sub) -> None:
    """Fingerprints of a subject's identifiers, erasure, the tombstones."""

    p = sub.add_parser("fingerprint", help="keyed hashes of identifiers, for erasure_job's config")
    _add_identifiers(p, with_docs=False)
    p.set_defaults(func=cmd_fingerprint)

    p = sub.add_parser("erase", help="erase a data subject from every zone (runs erasure_job)")
    _add_identifiers(p)
    p.add_argument("--reason", required=True)
    p.add_argument("--requested-by", default="governance")
    p.add_argument("--champion-policy", default="rollback", choices=["rollback", "remove", "keep"])
    p.add_argument(
        "--taint-on",
        default="train",
        choices=["train", "any_split"],
        help="splits whose erased documents taint a version (train: what the weights learned from)",
    )
    p.add_argument("--no-retrain", action="store_true")
    p.set_defaults(func=cmd_erase)

    p = sub.add_parser("tombstones", help="erasures recorded so far")
    p.set_defaults(func=cmd_tombstones)


def _decision_and_data_commands(sub) -> None:
    """Human decisions on versions (approve, reject, rollback) and past training sets (diff, rebuild)."""

    for name, func, help_text in (
        ("approve", cmd_approve, "approve a candidate waiting as pending_approval (runs approval_job)"),
        ("reject", cmd_reject, "reject a candidate waiting as pending_approval (runs approval_job)"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--version", required=True)
        p.add_argument("--approver", required=True, help="who decides (recorded)")
        p.add_argument("--note", default="", help="why (recorded)")
        p.set_defaults(func=func)

    p = sub.add_parser("rollback", help="move the champion back to an earlier champion (runs rollback_job)")
    p.add_argument("--version", required=True)
    p.add_argument("--by", required=True, help="who rolls back (recorded)")
    p.add_argument("--reason", required=True, help="why (recorded)")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("diff", help="documents and examples added/removed between two training-set versions")
    p.add_argument("--from", dest="old", required=True, help="training-set version, or model:N")
    p.add_argument("--to", dest="new", required=True, help="training-set version, or model:N")
    p.add_argument("--all", action="store_true", help="list every document id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("rebuild", help="rebuild a past training-set version and check it against its recorded hash")
    p.add_argument("--version", required=True, help="training-set version, or model:N")
    p.add_argument("--out", help="write the canonical JSON lines (their sha256 is the recorded hash)")
    p.set_defaults(func=cmd_rebuild)


def main(argv: list[str] | None = None) -> int:
    apply_offline_environment()
    parser = argparse.ArgumentParser(
        prog="llm-governance", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _audit_commands(sub)
    _erasure_commands(sub)
    _decision_and_data_commands(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
