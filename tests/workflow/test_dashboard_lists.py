"""Dashboards that list: overdue, unowned and stale recommendations, the first five of each
with a link to the full filtered list; situations by days to renewal; the latest report."""

from __future__ import annotations

import datetime as dt
import re

from recommendations.curation.services import remove_owner
from recommendations.dates import local_today
from recommendations.models import Ownership, ProgressReport
from tests import factories
from tests.web.test_pages import references_in


def attention(body: str, key: str) -> tuple[str, list[str], str | None]:
    block = body.split(f'id="attention-{key}">', 1)[1].split('<div class="attention__list">', 1)[0]
    title = block.split("</h3>", 1)[0]
    refs = re.findall(r'<li><a href="/recommendations/\d+/">([^<]+)</a>', block)
    more = re.search(r'<p><a href="([^"]+)">All', block)
    return title, refs, more.group(1).replace("&amp;", "&") if more else None


def test_the_secretariat_sees_the_first_five_of_each_list(world, as_user):
    # Through the service, as the pages and the admin remove owners: it keeps the stored
    # has_owner that the dashboard counts (the list below filters on the Ownership rows).
    for ownership in Ownership.objects.filter(recommendation__in=world.recommendations[:7]).select_related("entity"):
        remove_owner(recommendation=ownership.recommendation, entity=ownership.entity)
    client = as_user("secretariat")
    body = client.get("/").content.decode()
    title, refs, more = attention(body, "unowned")
    assert title.endswith(": 9")  # seven of Mali and South Sudan's two
    assert len(refs) == 5 and more == "/recommendations/?unowned=on&sort=due"
    assert len(references_in(client.get(more).content.decode())) == 9
    title, refs, more = attention(body, "overdue")
    overdue = len(references_in(client.get(more).content.decode()))
    assert title.endswith(f": {overdue}") and len(refs) == min(5, overdue)
    # Experts and focal points are not shown the unowned list.
    assert 'id="attention-unowned"' not in as_user("expert").get("/").content.decode()
    assert 'id="attention-overdue"' in as_user("expert").get("/").content.decode()


def test_situations_by_days_to_renewal_and_the_latest_report(world, as_user):
    soon = factories.make_situation("Haiti", "HTI")
    follow = world.expert
    from recommendations.people.services import follow_situation

    follow_situation(user=follow, situation=soon)
    factories.make_mandate(soon, expires_on=local_today() + dt.timedelta(days=10), mission="BINUH")
    report = ProgressReport.objects.create(mandate=world.mandate, audience="council", state="done")
    body = as_user("expert").get("/").content.decode()
    names = re.findall(r'<h3 id="situation-\d+" class="card__title">([^<]+)', body)
    assert names == ["Haiti", "Mali"]  # Haiti's renewal in 10 days comes before Mali's, past
    assert f'href="/reports/{report.pk}/download/">For Council experts, ' in body
