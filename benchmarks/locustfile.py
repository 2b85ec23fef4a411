"""The load of benchmarks/load.py (issue 14): 50 users with about a second of think time,
mixed personas, each signed in with a session made beforehand (WPS_LOAD_SESSIONS: a JSON of
persona -> session cookie values), against gunicorn on 127.0.0.1 only. One user in ten is the
superuser reading the admin's changelist of recommendations, under the same load."""

from __future__ import annotations

import itertools
import json
import os

from locust import HttpUser, between, task

SESSIONS = json.loads(os.environ.get("WPS_LOAD_SESSIONS", "{}"))
WORLD = json.loads(os.environ.get("WPS_LOAD_WORLD", "{}"))
_cycle = itertools.cycle(["secretariat", "focal point", "expert"])


class _Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    persona = ""

    def on_start(self):
        self.client.cookies.set("sessionid", SESSIONS[self.persona])


class Person(_Signed):
    weight = 9

    def on_start(self):
        self.persona = next(_cycle)
        super().on_start()

    @task(3)
    def dashboard(self):
        self.client.get("/", name="app: dashboard")

    @task(6)
    def lists(self):
        self.client.get("/recommendations/", name="app: list")
        self.client.get("/recommendations/?status=in_progress&sort=-updated", name="app: list status, -updated")

    @task(3)
    def detail(self):
        self.client.get(f"/recommendations/{WORLD['rec']}/", name="app: detail")

    @task(2)
    def mandate(self):
        self.client.get(f"/mandates/{WORLD['mandate']}/", name="app: mandate")

    @task(1)
    def search(self):
        self.client.get("/recommendations/?q=women", name="app: list search")

    @task(1)
    def report_page(self):
        self.client.get(f"/mandates/{WORLD['mandate']}/report/", name="app: report page")

    @task(1)
    def api(self):
        self.client.get("/api/v1/recommendations/", name="app: api list")


class Admin(_Signed):
    weight = 1
    persona = "admin"

    @task
    def changelist(self):
        self.client.get("/admin/recommendations/recommendation/", name="admin: changelist")
