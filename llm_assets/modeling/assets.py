"""The modeling stage: ``lora_adapter`` -> ``evaluation_report`` -> ``registered_model`` (tune, compare, promote
only if better), and ``fallback_model`` (what is served while no champion is), each in its own module."""

from llm_assets.modeling.adapter_asset import lora_adapter
from llm_assets.modeling.evaluation_asset import EvaluationConfig, evaluation_report
from llm_assets.modeling.fallback_asset import fallback_model
from llm_assets.modeling.gate import PromotionConfig, promotion_decision
from llm_assets.modeling.registry_asset import registered_model

__all__ = [
    "EvaluationConfig",
    "PromotionConfig",
    "evaluation_report",
    "fallback_model",
    "lora_adapter",
    "promotion_decision",
    "registered_model",
]
