"""The load test of benchmarks/scale.py (issue 14): gunicorn on 127.0.0.1 (the production
settings, DEBUG off, persistent connections), locust headless for a bounded time
(benchmarks/locustfile.py), then throughput, p50, p99 and errors of the app's pages beside
the admin's changelist under the same load. Loopback only."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = {"secretariat": "bench-secretariat", "focal point": "bench-focal-00", "expert": "bench-expert",
            "admin": "bench-admin"}


def sessions() -> dict[str, str]:
    """A signed-in session per persona, made in the database the server reads."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    made = {}
    for persona, username in PERSONAS.items():
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        made[persona] = store.session_key
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*, world: dict, seconds: int = 45, users: int = 50, workers: int = 3, threads: int = 1) -> None:
    from django.conf import settings

    port = free_port()
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
           "SESSION_COOKIE_SECURE": "0", "WPS_MANIFEST_STATIC": "0", "SECRET_KEY": settings.SECRET_KEY}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wpsfollowup.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        out = Path(tempfile.mkdtemp(prefix="wps-load-"))
        env["WPS_LOAD_SESSIONS"] = json.dumps(sessions())
        env["WPS_LOAD_WORLD"] = json.dumps(world)
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks/locustfile.py"), "--headless",
             "-u", str(users), "-r", "25", "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(out / "load"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False, capture_output=True, timeout=seconds + 60,
        )
        print(f"\nLoad: {users} users, think time 0.5-1.5 s, {seconds} s, gunicorn {workers} workers x {threads} "
              f"threads on 127.0.0.1, CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}; "
              f"one user in ten reads the admin changelist")
        print(f"{'request':30} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
        with open(out / "load_stats.csv", newline="") as f:
            for row in csv.DictReader(f):
                print(f"{row['Name']:30} {row['Request Count']:>8} {float(row['Requests/s']):6.1f} "
                      f"{row['50%']:>7} {row['99%']:>7} {row['Failure Count']:>6}")
    finally:
        server.terminate()
        server.wait(timeout=30)
