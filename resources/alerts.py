"""Alerts that reach people: e-mail over SMTP and a JSON webhook, for the events governance staff must hear of.

An alert is built from a kind, a title and *facts* (ids, counts, versions, scores, the gate's reason): callers never
pass document text, and every text is scanned by ``guard_text`` before it leaves, so a raw value typed by mistake
(an e-mail address, a phone number, a card number) is masked. A channel that fails is reported back, never raised:
a mail server down must not fail the run whose event it reports.
"""

from __future__ import annotations

import json
import re
import smtplib
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

import dagster as dg
from pydantic import Field

ALERT_KINDS = (
    "check_failed",  # a run failed (a blocking check among its causes) — run_failure_alert_sensor
    "quarantine_spike",  # a landing batch quarantined more than the threshold
    "retrain_requested",  # drift_sensor / live_traffic_sensor / erasure asked for a retrain
    "promotion",  # the gate (or an approver) made a version champion
    "approval_needed",  # a candidate passed the gate and waits for a human
    "rejection",  # the gate or an approver refused a candidate
    "rollback",  # the champion alias moved back
    "erasure",  # a data subject was erased
    "slo_breach",  # the served model missed its latency / quality objective
    "serving_fallback",  # no champion: the server answers from the fallback (base model, few-shot prompt)
)

# identifiers an alert must never carry; anything matching is masked before sending
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"(?<![\w.])\+?\d[\d ()/-]{7,}\d(?![\w.])")  # phones, cards, account numbers


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\b")


def _mask_number(m: re.Match) -> str:
    value = m.group()
    if _DATE.match(value) or sum(c.isdigit() for c in value) < 9:
        return value
    return "[withheld]"


def guard_text(text: str) -> str:
    return _LONG_NUMBER.sub(_mask_number, _EMAIL.sub("[withheld]", text))


@dataclass
class Alert:
    kind: str
    title: str
    facts: dict[str, object] = field(default_factory=dict)
    link: str = ""
    severity: str = "info"  # info | warning | critical
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def payload(self) -> dict:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "title": guard_text(self.title),
            "facts": {k: guard_text(str(v)) if isinstance(v, str) else v for k, v in self.facts.items()},
            "link": self.link,
            "at": self.at,
            "source": "llm-pipeline",
        }

    def text(self) -> str:
        p = self.payload()
        lines = [p["title"], ""] + [f"{k}: {v}" for k, v in p["facts"].items()]
        if p["link"]:
            lines += ["", p["link"]]
        return "\n".join(lines) + "\n"


class AlertChannels(dg.ConfigurableResource):
    """Where alerts go. Nothing configured = alerts are logged only."""

    smtp_host: str = Field(default="", description="SMTP server; empty = no e-mail.")
    smtp_port: int = Field(default=25, description="SMTP port (25 plain, 587 with starttls).")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str = Field(default="", description="SMTP login; empty = none.")
    smtp_password: str = Field(default="", description="SMTP password, as dg.EnvVar('LLMP_ALERT_SMTP_PASSWORD').")
    email_from: str = Field(default="llm-pipeline@localhost", description="Sender address.")
    email_to: list[str] = Field(default_factory=list, description="Recipients; empty = no e-mail.")
    webhook_url: str = Field(default="", description="URL that receives each alert as a JSON POST; empty = none.")
    webhook_token: str = Field(default="", description="Bearer token for the webhook, as dg.EnvVar(...).")
    kinds: list[str] = Field(
        default_factory=list, description=f"Kinds to send (empty = all): {', '.join(ALERT_KINDS)}."
    )
    timeout_s: float = Field(default=10.0, description="Per-channel network timeout.")
    quarantine_spike_share: float = Field(
        default=0.2, description="A landing batch quarantining more than this share of its entries is a spike."
    )

    def enabled(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def send(self, alert: Alert, log=None) -> dict[str, str]:
        """Delivers to every configured channel; channel -> 'sent' or the error (never raises)."""
        if alert.kind not in ALERT_KINDS:
            raise ValueError(f"unknown alert kind {alert.kind!r}")
        if not self.enabled(alert.kind):
            return {}
        results: dict[str, str] = {}
        if self.smtp_host and self.email_to:
            results["email"] = self._deliver(self._email, alert)
        if self.webhook_url:
            results["webhook"] = self._deliver(self._webhook, alert)
        if log is not None:
            log.info(f"alert {alert.kind}: {alert.payload()['title']} -> {results or 'no channel configured'}")
        return results

    @staticmethod
    def _deliver(channel, alert: Alert) -> str:
        try:
            channel(alert)
            return "sent"
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            return f"failed: {type(exc).__name__}: {exc}"[:300]

    def _email(self, alert: Alert) -> None:
        msg = EmailMessage()
        msg["Subject"] = f"[llm-pipeline] {alert.severity.upper()} {alert.kind}: {guard_text(alert.title)}"[:200]
        msg["From"] = self.email_from
        msg["To"] = ", ".join(self.email_to)
        msg["X-LLMP-Alert-Kind"] = alert.kind
        msg.set_content(alert.text())
        with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=self.timeout_s) as smtp:
            if self.smtp_starttls:
                smtp.starttls()
            if self.smtp_user:
                smtp.login(self.smtp_user, self.smtp_password)
            smtp.send_message(msg)

    def _webhook(self, alert: Alert) -> None:
        headers = {"Content-Type": "application/json"}
        if self.webhook_token:
            headers["Authorization"] = f"Bearer {self.webhook_token}"
        req = urllib.request.Request(
            self.webhook_url, data=json.dumps(alert.payload()).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:  # noqa: S310 (configured URL)
            if resp.status >= 300:
                raise ValueError(f"webhook answered {resp.status}")
