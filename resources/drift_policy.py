"""When drift (or staleness) is enough to retrain: the thresholds drift_sensor applies."""

import dagster as dg
from pydantic import Field


class DriftPolicy(dg.ConfigurableResource):
    drift_share_threshold: float = Field(default=0.5, description="Share of drifted columns that means dataset drift.")
    embedding_drift_threshold: float = Field(
        default=0.7,
        description="Embedding drift score (domain classifier ROC AUC) at or above which the window has drifted.",
    )
    perplexity_degradation_threshold: float = Field(
        default=0.10,
        description="Relative rise of the champion's perplexity on the window over its baseline that means decay.",
    )
    rouge_drop_threshold: float = Field(default=0.10, description="Relative drop of the champion's ROUGE-L.")
    min_new_examples: int = Field(default=20, description="Never retrain for fewer new examples than this.")
    cooldown_hours: float = Field(default=6.0, description="At most one drift retrain per this many hours.")
    max_staleness_hours: float = Field(
        default=48.0, description="New data is folded into a retrain within this many hours even without drift."
    )
