"""The report, its page and the versions block read in a fixed number of queries."""

from __future__ import annotations

import pytest

from recommendations.models import ProgressReport, Recommendation
from recommendations.reports import build_report_context
from recommendations.reports.content import PAGE_RECOMMENDATIONS
from tests.reports.conftest import REPORT_DAY, grow_mali

pytestmark = pytest.mark.django_db


# Pinned at both sizes; on failure pytest-django prints the queries. The context's eighth
# query reads the situation's renewals, for the uptake at each renewal cycle; the ninth the
# recommendations' themes, to group them by theme (issue 15); the tenth reads the situation's
# recommendations lightly, for the cycle's scope and the cap (issue 14). The page reads the
# cycle's updates as light rows and the latest few of each as instances: one query more than
# the PDF's context (issue 14). The page in pages (issue 14): the same number on every page, the
# latest updates read for that page's recommendations only.
CONTEXT_QUERIES = 10
# The page and the versions block: -1 in issue 14 (the permissions read in one query, not two: recommendations/people/backends.py).
PAGE_QUERIES = 18
VERSIONS_QUERIES = {"secretariat": 16, "expert": 18}


@pytest.mark.parametrize("audience", ["council", "secretariat"])
def test_report_context_queries_do_not_grow(demo, audience, django_assert_num_queries):
    def build():
        return build_report_context(mandate=demo.mandate, audience=audience, today=REPORT_DAY)

    with django_assert_num_queries(CONTEXT_QUERIES):
        build()
    grow_mali(demo, 300)
    assert Recommendation.objects.filter(situation=demo.mali).count() == 300
    with django_assert_num_queries(CONTEXT_QUERIES):
        build()
    context = build()
    assert context["recommendation_count"] == 300
    assert context["update_count"] == (288 if audience == "council" else 576)


def test_report_page_queries_do_not_grow(demo, client, django_assert_num_queries):
    client.force_login(demo.expert)
    url = f"/mandates/{demo.mandate.pk}/report/"
    client.get(url)  # warm the session and permission caches alike for both runs
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    grow_mali(demo, 300)
    # Every page of the 300, the first (the summary and the charts) and the last (the annex) too.
    pages = -(-300 // PAGE_RECOMMENDATIONS)
    for number in range(1, pages + 1):
        with django_assert_num_queries(PAGE_QUERIES):
            html = client.get(f"{url}?page={number}").content.decode()
        assert html.count('class="report-rec-title"') == min(PAGE_RECOMMENDATIONS, 300 - (number - 1) * PAGE_RECOMMENDATIONS)


@pytest.mark.parametrize("username", ["secretariat", "expert"])
def test_versions_block_queries_do_not_grow(demo, client, username, django_assert_num_queries):
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
    with django_assert_num_queries(VERSIONS_QUERIES[username]):
        client.get(url)
    add_versions(2)
    with django_assert_num_queries(VERSIONS_QUERIES[username]):
        client.get(url)
    assert client.get(url).content.decode().count("Download PDF") == 3
