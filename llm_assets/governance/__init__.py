"""Governance: record-level lineage, the auditor's report, erasure of a data subject, memorization checks."""
