"""Alerts on failed runs: which job, which steps and which asset checks failed, never the error text.

Dagster's ``make_email_on_run_failure_sensor`` mails the error message and speaks SSL/STARTTLS only; an error message
can quote a document (a parser's exception, a failed assertion on a row), so this sensor sends the job, the run id,
the failed steps and the failed checks through the ``alerts`` resource's channels (e-mail and webhook)."""

import dagster as dg

from resources.alerts import Alert, AlertChannels


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """``asset:check`` of every check that failed in the run (blocking ones marked)."""
    failed = []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        data = record.dagster_event.asset_check_evaluation_data
        if not data.passed:
            blocking = " (blocking)" if data.blocking else ""
            failed.append(f"{data.asset_key.to_user_string()}:{data.check_name}{blocking}")
    return sorted(set(failed))


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Alerts (e-mail, webhook; see the alerts resource) when a run of this code location fails: the job, "
    "the failed steps and the failed asset checks — a blocking check among them names what stopped the data.",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext, alerts: AlertChannels):
    run = context.dagster_run
    checks = failed_checks(context.instance, run.run_id)
    steps = sorted({e.step_key for e in context.get_step_failure_events() if e.step_key})
    alerts.send(
        Alert(
            "check_failed",
            f"{run.job_name} failed" + (f": {len(checks)} check(s) failed" if checks else ""),
            {
                "job": run.job_name,
                "dagster_run_id": run.run_id,
                "failed_steps": ", ".join(steps) or "none",
                "failed_checks": ", ".join(checks) or "none",
                "partition": run.tags.get("dagster/partition", ""),
            },
            severity="critical" if checks else "warning",
        ),
        context.log,
    )
