"""A governed LLM fine-tuning pipeline as Dagster assets."""

from llm_assets import settings as _settings

_settings.apply_offline_environment()
