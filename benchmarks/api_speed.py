"""The API's recommendations endpoint against the list page, at DESIGN.md's scale (10,000
recommendations, 200,000 status updates, 30 situations), in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wps_issue17 .venv/bin/python benchmarks/api_speed.py [--rounds 9]

Without DATABASE_URL it uses a temporary SQLite file. It migrates, fills the database unless
it holds the data already (benchmarks/build_data.build: the builder of benchmarks/scale.py,
through the services, denormalised fields consistent), runs ANALYZE, turns DEBUG off, and then, round after round, times each pair one right after
the other, in-process: the list page (50 rows, HTML) and the API's first page of 50 (JSON,
with a token), for the secretariat, a focal point and a Council expert, and the same with a
filter. Prints the median of each and the median of the per-round ratios (API / page), and
the number of queries of each. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = tempfile.TemporaryDirectory(prefix="wps-api-bench-")
os.environ.setdefault("WPS_VAR_DIR", _TMP.name)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(_TMP.name) / 'bench.sqlite3'}")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("WPS_MANIFEST_STATIC", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsfollowup.settings")


def main() -> None:
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=10_000, help="recommendations to build")
    parser.add_argument("--updates", type=int, default=200_000, help="status updates to build")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds (one more warms up)")
    args = parser.parse_args()

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from benchmarks import build_data
    from recommendations.api.services import create_api_token
    from recommendations.models import Recommendation, StatusUpdate

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    if User.objects.filter(username="bench-secretariat").exists():
        world = build_data.world()
    else:
        world = build_data.build(n_recs=args.recommendations, n_updates=args.updates)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert not settings.DEBUG

    people = {"secretariat": "bench-secretariat", "focal point": "bench-focal-00", "expert": "bench-expert"}
    pages, apis = {}, {}
    for label, username in people.items():
        user = User.objects.get(username=username)
        pages[label] = Client()
        pages[label].force_login(user)
        apis[label] = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user=user, name='bench')[1]}")
    filtered = f"situation={world['situation']}&status=in_progress&q=women"
    pairs = {
        f"{label}{' filtered' if query else ''}": (label, f"/recommendations/?{query}", f"/api/v1/recommendations/?{query}")
        for label in people for query in ("", filtered)
    }

    def timed(client, url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            body = response.content
            seconds = time.perf_counter() - start
        assert response.status_code == 200 and body, (url, response.status_code)
        return seconds, len(ctx.captured_queries)

    page_times = {name: [] for name in pairs}
    api_times = {name: [] for name in pairs}
    ratios = {name: [] for name in pairs}
    queries = {}
    for round_ in range(args.rounds + 1):
        for name, (who, page_url, api_url) in pairs.items():
            page_s, page_q = timed(pages[who], page_url)
            api_s, api_q = timed(apis[who], api_url)
            if round_:  # the first round warms caches
                page_times[name].append(page_s)
                api_times[name].append(api_s)
                ratios[name].append(api_s / page_s)
            queries[name] = (page_q, api_q)

    count = Recommendation.objects.count()
    updates = StatusUpdate.objects.count()
    print(f"{connection.vendor}, DEBUG off, {count} recommendations, {updates} status updates, "
          f"median of {args.rounds} interleaved rounds, 50 rows a page")
    print(f"{'reader':24} {'list page':>10} {'API':>10} {'API/page':>9}  queries page/API")
    for name in pairs:
        page_ms = statistics.median(page_times[name]) * 1000
        api_ms = statistics.median(api_times[name]) * 1000
        print(f"{name:24} {page_ms:8.1f}ms {api_ms:8.1f}ms {statistics.median(ratios[name]):8.2f}x  "
              f"{queries[name][0]:3d} / {queries[name][1]:3d}")


if __name__ == "__main__":
    main()
