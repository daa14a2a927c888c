"""Helpers shared by the tests."""

from __future__ import annotations

import json

import dagster as dg

from llm_assets.core.partitions import landing_batches
from llm_assets.definitions import defs
from llm_assets.governance.approvals import HUMAN_DECISIONS
from llm_assets.sample_corpus import generate_tickets

ALL_ASSETS = list(defs.assets)


def ingest(instance, resources, batches: list[str]) -> list[dg.ExecuteInProcessResult]:
    instance.add_dynamic_partitions(
        landing_batches.name, [b for b in batches if b not in instance.get_dynamic_partitions(landing_batches.name)]
    )
    results = []
    for b in batches:
        results.append(
            dg.materialize(
                ALL_ASSETS,
                selection=dg.AssetSelection.groups("ingestion", "privacy"),
                partition_key=b,
                resources=resources,
                instance=instance,
            )
        )
    return results


def raw_pii_values(n_tickets: int, seed: int) -> set[str]:
    """Every PII value the sample generator put into the corpus with this size and seed (canaries included)."""
    from llm_assets.sample_corpus.canaries import CANARY_VALUES

    values = set(CANARY_VALUES.values())
    for t in generate_tickets(n_tickets, seed=seed):
        values |= {t.customer_name, t.customer_email, t.customer_phone}
        values |= {w for w in t.message.split() if w.startswith(("ORD-", "INV-", "1Z", "TRK"))}
    return {v.strip(".,()?!") for v in values}


def table(resources, schema: str, name: str):
    with resources["warehouse"].connect() as con:
        from resources.warehouse import frame

        return frame(con, f"select * from {schema}.{name}")


def fields(df):
    return [json.loads(f) for f in df["fields"]]


def train(instance, resources, ops: dict, tags: dict | None = None) -> dg.ExecuteInProcessResult:
    """Materializes training_set -> registered_model -> governance_report on what has been ingested."""
    return dg.materialize(
        ALL_ASSETS,
        selection=dg.AssetSelection.groups("training_data", "modeling", "governance") - HUMAN_DECISIONS,
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig(ops=ops),
        tags=tags,
    )
