import dagster as dg

# One partition per landing batch folder; the landing sensor adds them as batches arrive.
landing_batches = dg.DynamicPartitionsDefinition(name="landing_batches")

# One partition per UTC day of served traffic (today's included: the server is appending to it).
traffic_days = dg.DailyPartitionsDefinition(start_date="2026-01-01", end_offset=1)
