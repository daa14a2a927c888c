"""Partitions, and how a landing batch's partition key is formed.

A landing folder's name is data: users name folders after customers, senders, tickets. The partition key of a batch
is therefore opaque: ``lb-`` and 20 hex characters of an HMAC-SHA256 of the folder name's bytes under the governance
key. The same folder always gets the same key (the sensor, the CLI and a re-run agree without a lookup); without the
key, nobody can tell the name from the key. The readable name stays in the raw zone (the landing folder itself and
``raw.landing_batch_names``); Dagster's run storage, event log, tags and every table outside the raw zone carry only
the key.
"""

import hashlib
import hmac
import os
import re

import dagster as dg

# One partition per landing batch folder (key: landing_batch_key); the landing sensor adds them as batches arrive.
landing_batches = dg.DynamicPartitionsDefinition(name="landing_batches")

# One partition per UTC day of served traffic (today's included: the server is appending to it).
traffic_days = dg.DailyPartitionsDefinition(start_date="2026-01-01", end_offset=1)

BATCH_KEY_PREFIX = "lb-"
BATCH_KEY = re.compile(r"^lb-[0-9a-f]{20}$")


def landing_batch_key(secret: bytes, folder: str | bytes) -> str:
    """The opaque partition key of the landing folder named ``folder`` (its name, not a path): ``lb-`` + 80 bits of
    HMAC-SHA256 under the governance key over the name's bytes as the file system holds them (a name that is not
    valid UTF-8 gets a key of its own too)."""
    name = os.fsencode(folder)
    digest = hmac.new(secret, b"landing-batch\x00" + name, hashlib.sha256).hexdigest()
    return BATCH_KEY_PREFIX + digest[:20]


def is_landing_batch_key(value: str) -> bool:
    return bool(BATCH_KEY.match(value))
