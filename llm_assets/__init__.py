"""A governed LLM fine-tuning pipeline as Dagster assets."""
