"""The scale benchmark (issue 14): ``make bench``. Not part of ``make test``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wps_bench .venv/bin/python -m benchmarks.scale [--big]

It drops and recreates that database (never reuses data silently: ``--reuse`` keeps what a
previous run built, and says so), builds the data through the services
(benchmarks/build_data.py: 10,000 recommendations and 200,000 updates; ``--big``: 100,000
and 2,000,000), runs VACUUM ANALYZE, prints the real row counts, and with DEBUG off times every
page as every persona interleaved with the Django admin's changelist in the same rounds
(median and spread), each page against its own SQL time (in the same requests, each execute
timed), the CSV's and XLSX's peak Python memory, the reminder pass, and the report's
render time and the worker's peak RSS (a subprocess); then a load test (benchmarks/load.py:
50 users, locust headless for 45 s, gunicorn on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"default": (10_000, 200_000), "big": (100_000, 2_000_000)}


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names (PostgreSQL); a SQLite file is new anyway."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="100,000 recommendations and 2,000,000 updates")
    parser.add_argument("--reuse", action="store_true", help="keep the data a previous run built")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--load-only", action="store_true", help="only the load test (with --reuse)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers in the load test")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker in the load test")
    parser.add_argument("--pages", help="time only these pages (names of the table separated by ';', "
                        "e.g. 'dashboard;report page'); skips exports, reminder pass and report worker")
    parser.add_argument("--report-worker", nargs=2, metavar=("MANDATE", "AUDIENCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report_worker:
        return report_worker(*args.report_worker)
    url = os.environ.get("DATABASE_URL", "")
    if not args.reuse:
        recreate_database(url)
    sys.path.insert(0, str(ROOT))
    # The test client speaks http: no redirect to https (a deployment's default).
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # No collectstatic here: plain static storage (the timings do not fetch static files).
    os.environ.setdefault("WPS_MANIFEST_STATIC", "0")
    from benchmarks import _django

    _django.start()
    from django.conf import settings
    from django.db import connection

    from benchmarks import build_data

    n_recs, n_updates = SIZES["big" if args.big else "default"]
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}; DEBUG={settings.DEBUG}")
    if args.reuse:
        print("Reusing the data a previous run built (--reuse).")
        world = build_data.world()
        if connection.vendor == "postgresql":
            build_data.vacuum_analyze()
    else:
        print(f"Building {n_recs:,} recommendations and {n_updates:,} status updates:")
        world = build_data.build(n_recs=n_recs, n_updates=n_updates)
    print_counts()
    if args.build_only:
        return
    from benchmarks import load, scale_timing

    if not args.load_only:
        only = [name.strip() for name in args.pages.split(";")] if args.pages else None
        scale_timing.run(world=world, rounds=args.rounds, only=only)
    if not args.no_load:
        load.run(world=world, workers=args.workers, threads=args.threads)


def print_counts() -> None:
    from django.contrib.auth.models import User

    from recommendations.models import (
        Mandate,
        MandateParagraph,
        Ownership,
        ParagraphLink,
        Recommendation,
        Situation,
        StatusUpdate,
    )

    counts = {
        "situations": Situation.objects.count(), "mandates": Mandate.objects.count(),
        "paragraphs": MandateParagraph.objects.count(), "recommendations": Recommendation.objects.count(),
        "status updates": StatusUpdate.objects.count(),
        "shared updates": StatusUpdate.objects.filter(visibility="shared").count(),
        "ownerships": Ownership.objects.count(), "paragraph links": ParagraphLink.objects.count(),
        "users": User.objects.count(),
    }
    print("Rows (counted): " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))


def report_worker(mandate_id: str, audience: str) -> None:
    """In a subprocess: render one report as the worker does; print its time and peak RSS."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import _django

    _django.start(migrate=False)
    from recommendations.models import Mandate
    from recommendations.reports.content import build_report_context
    from recommendations.reports.pdf import render_report_pdf

    mandate = Mandate.objects.get(pk=mandate_id)
    start = time.perf_counter()
    context = build_report_context(mandate=mandate, audience=audience)
    built = time.perf_counter() - start
    pdf, pages = render_report_pdf(context)
    total = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{built:.2f} {total:.2f} {pages} {len(pdf)} {rss:.0f}")


def run_report_worker(mandate_id: int, audience: str) -> tuple[float, float, int, int, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--report-worker", str(mandate_id), audience],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ}, check=True,
    ).stdout.split()
    built, total, pages, size, rss = out[-5:]
    return float(built), float(total), int(pages), int(size), float(rss)


if __name__ == "__main__":
    main()
