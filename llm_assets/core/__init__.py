"""Base libraries the stages build on: lineage store, fingerprints, metrics, memorization probe, model loading.

Nothing here imports a stage package (``ingestion``, ``privacy``, ``training_data``, ``modeling``, ``monitoring``,
``governance``); the stages import from here, never from each other.
"""
