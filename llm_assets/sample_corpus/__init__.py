"""A deterministic generator of realistic customer-support tickets, full of PII, for demos and tests."""

from llm_assets.sample_corpus.generator import CATEGORIES, Ticket, generate_tickets, write_landing_batches

__all__ = ["CATEGORIES", "Ticket", "generate_tickets", "write_landing_batches"]
