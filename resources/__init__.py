"""Dagster resources, injected into assets by parameter name."""
