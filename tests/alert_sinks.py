"""Real receivers for alerts: an SMTP server (aiosmtpd) and an HTTP webhook sink, both on loopback."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class AlertSinks:
    smtp_port: int
    webhook_url: str
    mails: list = field(default_factory=list)  # email.message.Message
    posts: list = field(default_factory=list)  # (headers, json body)

    def channels(self, **overrides):
        from resources.alerts import AlertChannels

        settings = {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.smtp_port,
            "email_to": ["governance@example.test"],
            "webhook_url": self.webhook_url,
            "webhook_token": "sink-token",
        }
        return AlertChannels(**(settings | overrides))

    def kinds(self) -> tuple[list[str], list[str]]:
        return [m["X-LLMP-Alert-Kind"] for m in self.mails], [body["kind"] for _, body in self.posts]

    def wait_for(self, kind: str, timeout_s: float = 10.0) -> tuple[object, dict]:
        """The mail and the webhook body of the first alert of ``kind`` (both must arrive)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            mail = next((m for m in self.mails if m["X-LLMP-Alert-Kind"] == kind), None)
            post = next((b for _, b in self.posts if b["kind"] == kind), None)
            if mail is not None and post is not None:
                return mail, post
            time.sleep(0.05)
        raise AssertionError(f"alert {kind} did not arrive on both channels; got {self.kinds()}")

    def everything(self) -> str:
        """All that arrived, as text: for asserting that no raw value left."""
        return "\n".join([m.as_string() for m in self.mails] + [json.dumps(b) for _, b in self.posts])


def start_sinks():
    from aiosmtpd.controller import Controller

    sinks = AlertSinks(smtp_port=0, webhook_url="")

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            sinks.mails.append(email.message_from_bytes(envelope.content))
            return "250 OK"

    with socket.socket() as probe:  # aiosmtpd's start-up self-test needs a known port
        probe.bind(("127.0.0.1", 0))
        sinks.smtp_port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=sinks.smtp_port)
    controller.start()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            sinks.posts.append((dict(self.headers), json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    sinks.webhook_url = f"http://127.0.0.1:{http.server_address[1]}/alerts"

    def stop():
        controller.stop()
        http.shutdown()

    return sinks, stop
