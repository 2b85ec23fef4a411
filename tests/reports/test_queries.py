"""The report, its page and the versions block read in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.models import ProgressReport, Recommendation
from recommendations.reports import build_report_context
from tests.reports.conftest import REPORT_DAY, grow_mali

pytestmark = pytest.mark.django_db


def _count(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries), ctx


def _assert_same(small, large):
    (n_small, _ctx_small), (n_large, ctx_large) = small, large
    assert n_small == n_large, "\n".join(q["sql"] for q in ctx_large.captured_queries)


@pytest.mark.parametrize("audience", ["council", "secretariat"])
def test_report_context_queries_do_not_grow(demo, audience):
    def build():
        return build_report_context(mandate=demo.mandate, audience=audience, today=REPORT_DAY)

    small = _count(build)
    assert small[0] == 7
    grow_mali(demo, 300)
    assert Recommendation.objects.filter(situation=demo.mali).count() == 300
    large = _count(build)
    _assert_same(small, large)
    context = build()
    assert context["recommendation_count"] == 300
    assert context["update_count"] == (288 if audience == "council" else 576)


def test_report_page_queries_do_not_grow(demo, client):
    client.force_login(demo.expert)
    url = f"/mandates/{demo.mandate.pk}/report/"
    client.get(url)  # warm the session and permission caches alike for both runs
    small = _count(lambda: client.get(url))
    grow_mali(demo, 300)
    large = _count(lambda: client.get(url))
    _assert_same(small, large)
    assert client.get(url).content.decode().count('class="report-rec-title"') == 300


@pytest.mark.parametrize("username", ["secretariat", "expert"])
def test_versions_block_queries_do_not_grow(demo, client, username):
    client.force_login(getattr(demo, username))
    url = f"/mandates/{demo.mandate.pk}/report/"

    def add_versions(n):
        ProgressReport.objects.bulk_create(
            ProgressReport(mandate=demo.mandate, audience="council", requested_by=demo.secretariat, state="done",
                           progress=100, sha256="0" * 64)
            for _ in range(n)
        )

    add_versions(1)
    client.get(url)
    small = _count(lambda: client.get(url))
    add_versions(2)
    large = _count(lambda: client.get(url))
    _assert_same(small, large)
    assert client.get(url).content.decode().count("Download PDF") == 3
