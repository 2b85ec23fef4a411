"""Pages whose size does not grow with the data (issue 14): the mandate page shows, per
paragraph, how many recommendations are linked (in all and by status), the first five, and a
link to the list filtered by the paragraph."""

from __future__ import annotations

import re

from django.db.models import Count

from recommendations.curation.selectors import PARAGRAPH_SHOWN
from recommendations.models import MandateParagraph
from tests import factories


def test_mandate_page_summarises_each_paragraph(world, as_user):
    factories.make_recommendations(world.rec.briefing, 30, owners=[world.un_women])
    busiest = (
        MandateParagraph.objects.filter(mandate=world.mandate).annotate(n=Count("paragraphlink"))
        .order_by("-n", "position").first()
    )
    assert busiest.n > PARAGRAPH_SHOWN
    body = as_user("secretariat").get(f"/mandates/{world.mandate.pk}/").content.decode()
    block = body.split(f'id="p-{busiest.pk}"')[1].split('<div class="paragraph"')[0]
    assert f"{busiest.n} recommendations linked: " in block
    assert len(re.findall(r'<li><a href="/recommendations/\d+/">', block)) == PARAGRAPH_SHOWN
    url = f"/recommendations/?situation={world.mali.pk}&amp;paragraph={busiest.pk}"
    assert f'<a href="{url}">All {busiest.n} recommendations linked to {busiest.label}</a>' in block
    # The link leads to exactly those recommendations.
    listed = as_user("secretariat").get(url.replace("&amp;", "&")).content.decode()
    assert len(re.findall(r"<tr[ >]", listed.split("<tbody")[1].split("</tbody>")[0])) == busiest.n, listed[-3000:]
