"""Helpers for the reminder tests: run a day's pass, read what went out, and a real SMTP
server on loopback (aiosmtpd) for the tests that need one."""

from __future__ import annotations

import datetime as dt
import io
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command


def run_day(day: dt.date, **options) -> list[mail.EmailMessage]:
    """Run ``send_reminders --today day`` and return the emails it sent."""
    before = len(mail.outbox)
    call_command("send_reminders", today=day.isoformat(), stdout=io.StringIO(), stderr=io.StringIO(), **options)
    return mail.outbox[before:]


def sent_summary(messages) -> list[tuple[str, str]]:
    """(recipient, subject) pairs, sorted: what a test asserts about a day."""
    return sorted((", ".join(m.to), m.subject) for m in messages)


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps each delivered message (parsed), and can answer the
    first ``refuse`` DATA commands with a temporary failure."""

    def __init__(self, refuse: int = 0):
        self.messages = []
        self.refuse = refuse
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


class SMTPServer:
    """A real SMTP server on 127.0.0.1:<port>, started and stopped by the test."""

    def __init__(self, port: int, handler: Inbox):
        self.port, self.handler, self.controller = port, handler, None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_settings(settings):
    """Django's SMTP backend pointed at a free loopback port where nothing listens yet."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    """A started SMTP server on the port of ``smtp_settings``; stopped after the test."""
    server = SMTPServer(smtp_settings.EMAIL_PORT, Inbox())
    server.start()
    yield server
    server.stop()
