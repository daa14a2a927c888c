import dagster as dg

# One partition per landing batch folder; the landing sensor adds them as batches arrive.
landing_batches = dg.DynamicPartitionsDefinition(name="landing_batches")
