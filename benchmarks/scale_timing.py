"""The timing half of benchmarks/scale.py: pages against the admin in the same rounds, SQL
time, export memory, the reminder pass, the report worker. Prints one table."""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
import tracemalloc

PERSONAS = {"secretariat": "bench-secretariat", "focal point": "bench-focal-00", "expert": "bench-expert"}
ADMIN = "/admin/recommendations/recommendation/"


def pages(world: dict) -> dict[str, str]:
    m, r = world["mandate"], world["rec"]
    return {
        "dashboard": "/",
        "list": "/recommendations/",
        "list status": "/recommendations/?status=in_progress",
        "list status, -updated": "/recommendations/?status=in_progress&sort=-updated",
        "list -updated": "/recommendations/?sort=-updated",
        "list due": "/recommendations/?sort=due",
        "list stale": "/recommendations/?stale=on",
        "list overdue": "/recommendations/?overdue=on",
        "list search": "/recommendations/?q=women",
        "list search, rare word": "/recommendations/?q=withdrawal",
        "detail": f"/recommendations/{r}/",
        "mandate": f"/mandates/{m}/",
        "report page": f"/mandates/{m}/report/",
        "report page 6": f"/mandates/{m}/report/?page=6",
        "csv": "/recommendations/export.csv",
        "xlsx": "/recommendations/export.xlsx",
        "api list": "/api/v1/recommendations/",
        "api search": "/api/v1/recommendations/?q=women",
        "api search rare word": "/api/v1/recommendations/?q=withdrawal",
    }


def fetch(client, url: str) -> int:
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    assert response.status_code == 200, (url, response.status_code)
    return size


def timed(client, url: str) -> tuple[float, int]:
    """The request's wall time and size, after a full collection outside the timer. The rounds
    are alike, so the collector's full passes (20-50 ms each at 100,000, while a request's
    objects are alive) landed on the same request every round: the expert's mandate page took
    79 ms in the table's medians and 31 ms alone, the admin 110 ms before two other pages. Every
    request, the admin's included, now starts from a collected heap; the collector's pauses
    show where they fall in production, in the load test's p99."""
    gc.collect()
    start = time.perf_counter()
    size = fetch(client, url)
    return time.perf_counter() - start, size


class SqlClock:
    """The queries of the requests run inside it: each execute timed with perf_counter around
    the database call (as Django's debug cursor does, but not rounded to the millisecond: most
    of a page's queries take less than one). ``seconds`` and ``count`` of the last ``with``."""

    def __enter__(self):
        from django.db import connection

        self.durations: list[float] = []
        self._wrapper = connection.execute_wrapper(self._timed)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def _timed(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations.append(time.perf_counter() - start)

    @property
    def seconds(self) -> float:
        return sum(self.durations)

    @property
    def count(self) -> int:
        return len(self.durations)


def spread(values: list[float]) -> str:
    return f"{min(values) * 1000:.0f}-{max(values) * 1000:.0f}"


def run(*, world: dict, rounds: int, only: list[str] | None = None) -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    clients = {}
    for name, username in {**PERSONAS, "admin": "bench-admin"}.items():
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=username))
    urls = pages(world)
    if only:
        unknown = sorted(set(only) - set(urls))
        if unknown:
            raise SystemExit(f"No such page: {', '.join(unknown)}; the pages: {', '.join(urls)}")
        urls = {page: url for page, url in urls.items() if page in only}
    # As a web process starts (wpsfollowup/wsgi.py: what it loads once is frozen out of the
    # garbage collector's full collections); the admin's requests run in the same process.
    import wpsfollowup.wsgi  # noqa: F401
    # Warm up: every page once (template loading, content types).
    fetch(clients["admin"], ADMIN)
    for persona in PERSONAS:
        for url in urls.values():
            fetch(clients[persona], url)
    times: dict[tuple[str, str], list[float]] = {}
    sqls: dict[tuple[str, str], list[float]] = {}
    admin: dict[tuple[str, str], list[float]] = {}
    admin_sqls: list[float] = []
    sizes: dict[tuple[str, str], int] = {}
    queries: dict[tuple[str, str], int] = {}
    for _ in range(rounds):
        for persona in PERSONAS:
            for page, url in urls.items():
                key = (persona, page)
                with SqlClock() as clock:
                    admin.setdefault(key, []).append(timed(clients["admin"], ADMIN)[0])
                admin_sqls.append(clock.seconds)
                with SqlClock() as clock:
                    seconds, sizes[key] = timed(clients[persona], url)
                times.setdefault(key, []).append(seconds)
                sqls.setdefault(key, []).append(clock.seconds)
                queries[key] = clock.count
    all_admin = [t for values in admin.values() for t in values]
    print(f"\nPages: median of {rounds} rounds (spread min-max), each right after the admin's changelist of "
          f"recommendations as superuser in the same round; SQL: the median over the same requests of the "
          f"sum of their queries' own durations (each execute timed, not rounded).")
    print(f"Admin changelist over all rounds: median {statistics.median(all_admin) * 1000:.0f} ms, "
          f"spread {spread(all_admin)} ms, its SQL {statistics.median(admin_sqls) * 1000:.0f} ms "
          f"({statistics.median(all_admin) / statistics.median(admin_sqls):.1f}x its SQL)")
    print(f"{'persona':12} {'page':24} {'median ms':>9} {'spread':>11} {'admin ms':>8} {'x admin':>7} "
          f"{'SQL ms':>7} {'x SQL':>6} {'queries':>7} {'KB':>7}")
    for key, values in times.items():
        persona, page = key
        page_median = statistics.median(values)
        admin_median = statistics.median(admin[key])
        sql = statistics.median(sqls[key])
        print(f"{persona:12} {page:24} {page_median * 1000:9.0f} {spread(values):>11} {admin_median * 1000:8.0f} "
              f"{page_median / admin_median:7.2f} {sql * 1000:7.1f} {page_median / max(sql, 1e-6):6.1f} "
              f"{queries[key]:7d} {sizes[key] / 1024:7.0f}")
    if only:
        return
    exports_memory(clients, urls)
    reminder_pass()
    report(world)


def bare_dump() -> int:
    """The reference for an export of every row: the same recommendations' own columns
    straight from one table to csv.writer (no permissions, shown status, themes, owners,
    links or notes), read in the export's chunk size. Returns the bytes written."""
    import csv
    import io

    from recommendations.curation.selectors import EXPORT_CHUNK
    from recommendations.models import Recommendation

    out = io.StringIO()
    writer = csv.writer(out)
    size = 0
    rows = Recommendation.objects.values_list(
        "pk", "reference", "situation_id", "text", "addressee", "due_on", "status", "last_update_at", "created_at",
        "uptake",
    ).iterator(chunk_size=EXPORT_CHUNK)
    for row in rows:
        writer.writerow(row)
        if out.tell() > 1 << 20:
            size += out.tell()
            out.seek(0)
            out.truncate()
    return size + out.tell()


def exports_memory(clients, urls, rounds: int = 3) -> None:
    """Exports of every row as the secretariat: time against a bare dump of the same rows,
    interleaved (median of ``rounds``); then the peak Python memory (tracemalloc) while
    the CSV and XLSX are produced and consumed, and the time to the CSV's first byte."""
    print(f"\nExports of every row, as the secretariat, each right after a bare dump of the same rows "
          f"(benchmarks.scale_timing.bare_dump; median of {rounds}):")
    for page in ("csv", "xlsx"):
        export_times, bare_times = [], []
        for _ in range(rounds):
            start = time.perf_counter()
            bare_size = bare_dump()
            bare_times.append(time.perf_counter() - start)
            export_times.append(timed(clients["secretariat"], urls[page])[0])
        export, bare = statistics.median(export_times), statistics.median(bare_times)
        print(f"  {page}: {export:.2f} s (spread {spread(export_times)} ms); bare dump {bare:.2f} s "
              f"({bare_size / 1e6:.1f} MB); {export / bare:.2f}x the bare dump")
    print("Peak Python memory (tracemalloc):")
    for page in ("csv", "xlsx"):
        gc.collect()
        tracemalloc.start()
        start = time.perf_counter()
        response = clients["secretariat"].get(urls[page])
        stream = iter(response.streaming_content)
        first = next(stream)
        first_at = time.perf_counter() - start
        size = len(first) + sum(len(chunk) for chunk in stream)
        total = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  {page}: {size / 1e6:.1f} MB in {total:.2f} s (first byte after {first_at:.2f} s, "
              f"under tracemalloc), peak {peak / 1e6:.1f} MB")


def reminder_pass() -> None:
    """The daily pass on the next digest weekday, then every email rendered (locmem), in a
    transaction rolled back afterwards."""
    from django.conf import settings
    from django.core import mail
    from django.db import transaction
    from django.test.utils import override_settings

    from recommendations.models import Reminder
    from recommendations.reminders.services import run_daily_pass, send_reminder

    today = dt.date.today()
    today += dt.timedelta(days=(settings.WPS_WEEKLY_DIGEST_WEEKDAY - today.weekday()) % 7)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        mail.outbox = []
        start = time.perf_counter()
        result = run_daily_pass(today=today, queue=False)
        planned = time.perf_counter() - start
        for pk in result.to_send:
            send_reminder(reminder_id=pk)
        total = time.perf_counter() - start
        largest = max((len(m.body) + sum(len(a[0]) for a in m.alternatives) for m in mail.outbox), default=0)
        items = max((len(r.payload.get("recommendations", [])) for r in Reminder.objects.all()), default=0)
        transaction.set_rollback(True)
    print(f"\nReminder pass of {today}: {len(result.to_send)} emails; deciding {planned:.2f} s, with every email "
          f"rendered and sent (locmem) {total:.2f} s; largest email {largest / 1024:.0f} KB; most items in one "
          f"email {items}")


def report(world: dict) -> None:
    from benchmarks.scale import run_report_worker

    print("\nReport PDF of the first situation's current mandate, rendered in a worker subprocess:")
    for audience in ("council", "secretariat"):
        built, total, pages_, size, rss = run_report_worker(world["mandate"], audience)
        print(f"  {audience}: context {built:.2f} s, total {total:.2f} s, {pages_} pages, {size / 1e6:.1f} MB, "
              f"worker peak RSS {rss:.0f} MB")
