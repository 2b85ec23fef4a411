"""The fault suite's parts: real Celery workers in their own processes (so a test can
``kill -9`` one), a real SMTP server on loopback that can hold a message mid-DATA, and a
Redis of the test's own on another loopback port (so stopping it stops no one else's).

Runs on PostgreSQL with a Redis broker (CI's second run): the workers read the test
database, which only a server database shares between processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection

from tests.reminders.conftest import SMTPServer, free_port
from wpsfollowup.celery import app

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL", "")

needs_services = [
    pytest.mark.services,
    pytest.mark.skipif(
        not BROKER.startswith("redis://") or connection.vendor != "postgresql",
        reason="needs PostgreSQL and a Redis broker (DATABASE_URL=postgres://..., CELERY_BROKER_URL=redis://...)",
    ),
]


def wait_for(predicate, timeout: float = 60.0, what: str = "the workers") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class HoldingInbox:
    """Keeps each message it is given; can hold the first one mid-DATA (received, not yet
    answered) until released, and refuse every delivery while ``refusing``."""

    def __init__(self, hold_first: bool = False):
        self.messages = []
        self.lock = threading.Lock()
        self.holding = threading.Event()
        self.release = threading.Event()
        self.hold_first = hold_first
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
            hold, self.hold_first = self.hold_first, False
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"

    def delivered(self) -> list[tuple[str, str, str]]:
        """(recipient, subject, Message-ID) of each delivery, sorted."""
        with self.lock:
            return sorted(
                (", ".join(r), str(m["Subject"]).strip(), str(m["Message-ID"])) for r, m in self.messages
            )


class Worker:
    """``celery -A wpsfollowup worker`` in its own process, on the test database."""

    def __init__(self, broker: str, smtp_port: int, var_dir: Path, **env):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "WPS_VAR_DIR": str(var_dir),
            "WPS_REMINDER_STUCK_AFTER": "2",
            "WPS_REMINDER_MAX_TRIES": "3",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        if db.get("PASSWORD"):
            self.env["PGPASSWORD"] = db["PASSWORD"]
        self.process = None
        self.log = var_dir / f"worker-{id(self)}.log"

    def start(self) -> Worker:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wpsfollowup", "worker", "--pool", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
            cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """kill -9: no goodbye, no acknowledgement, no cleanup."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class Redis:
    """A redis-server of the test's own, on a loopback port nobody else uses."""

    def __init__(self, port: int, directory: Path):
        self.port, self.directory, self.process = port, directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        ).stdout.strip() == "PONG", 15, "redis-server")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def use_broker(url: str) -> None:
    """Point this process's Celery app at ``url`` (and through the broker, not eagerly)."""
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def faults(transactional_db, settings, tmp_path):
    """Workers, an SMTP server and brokers for one test; everything stopped afterwards, the
    workers before the database is emptied."""
    previous = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    settings.WPS_REMINDER_STUCK_AFTER = 2
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    kit = _Kit(port, tmp_path)
    use_broker(BROKER)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        yield kit
    finally:
        for worker in kit.workers:
            worker.kill()
        for server in kit.smtp_servers:
            server.stop()
        for redis in kit.redises:
            redis.stop()
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = previous
        app._pool = None
        app.amqp._producer_pool = None
        shutil.rmtree(tmp_path, ignore_errors=True)


class _Kit:
    def __init__(self, smtp_port: int, var_dir: Path):
        self.smtp_port, self.var_dir = smtp_port, var_dir
        self.workers: list[Worker] = []
        self.smtp_servers: list[SMTPServer] = []
        self.redises: list[Redis] = []

    def smtp(self, inbox: HoldingInbox) -> SMTPServer:
        server = SMTPServer(self.smtp_port, inbox)
        server.start()
        self.smtp_servers.append(server)
        return server

    def worker(self, broker: str = BROKER, **env) -> Worker:
        worker = Worker(broker, self.smtp_port, self.var_dir, **env).start()
        self.workers.append(worker)
        return worker

    def redis(self, port: int = 6390) -> Redis:
        redis = Redis(port, self.var_dir)
        self.redises.append(redis)
        return redis
