"""The recommendation page for a focal point: the action first, paragraphs folded to one line
with their official label, breadcrumbs back to the filtered list (a validated ``back``),
previous and next within it, and paragraph links that land on the paragraph."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest


def test_action_first_and_paragraphs_folded(world, as_user):
    body = as_user("mission").get(f"/recommendations/{world.rec.pk}/").content.decode()
    main = body.split('<main id="main"', 1)[1]
    assert main.index('<a class="button" href="#record-heading">Record a status update</a>') < main.index('class="rec-text"')
    folded = re.findall(r'<details class="paragraph paragraph--folded">\s*<summary><span class="paragraph__label">([^<]+)</span>', body)
    assert folded and all(label.startswith(world.mandate.symbol + " ") for label in folded)
    assert f'href="/mandates/{world.mandate.pk}/#p-{world.suggested_paragraph.pk}"' in body
    mandate_page = as_user("mission").get(f"/mandates/{world.mandate.pk}/").content.decode()
    assert f'id="p-{world.suggested_paragraph.pk}"' in mandate_page
    # No action button for a reader who may not record.
    assert "Record a status update</a>" not in as_user("expert").get(f"/recommendations/{world.rec.pk}/").content.decode()


def test_breadcrumbs_and_previous_next_within_the_filtered_list(world, as_user):
    client = as_user("secretariat")
    listing = f"/recommendations/?situation={world.mali.pk}&owner={world.un_women.pk}&sort=-reference"
    body = client.get(listing).content.decode()
    links = re.findall(r'data-label="Reference"[^>]*><a href="(/recommendations/\d+/\?back=[^"]+)">([^<]+)</a>', body)
    refs = [ref for _, ref in links]
    assert refs == sorted(refs, reverse=True) and len(refs) >= 3
    page = client.get(links[1][0].replace("&amp;", "&")).content.decode()
    back = listing.replace("&", "&amp;")
    assert f'<a href="{back}">Recommendations (your filtered list)</a>' in page
    assert f"2 of {len(refs)} in your list" in page
    prev_url, next_url = (re.search(rf'rel="{rel}" href="([^"]+)"', page).group(1) for rel in ("prev", "next"))
    assert prev_url.startswith(links[0][0].split("?")[0]) and next_url.startswith(links[2][0].split("?")[0])
    # After recording an update the focal point comes back with the list in hand.
    response = client.post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "partial", "update-note": "Done half.", "update-visibility": "internal", "back": listing,
    })
    assert response.status_code == 302 and response["Location"] == f"/recommendations/{world.rec.pk}/?back={quote(listing, safe='')}"


@pytest.mark.parametrize("back", [
    "https://evil.example/recommendations/", "//evil.example/recommendations/", "/admin/", "javascript:alert(1)",
    "/recommendations/\\\\evil.example",
])
def test_back_is_only_the_lists_own_address(world, as_user, back):
    page = as_user("secretariat").get(f"/recommendations/{world.rec.pk}/", {"back": back}).content.decode()
    crumbs = page.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/recommendations/">Recommendations</a>' in crumbs and "evil" not in page and "in your list" not in page
    response = as_user("secretariat").post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "partial", "update-note": "x", "update-visibility": "internal", "back": back,
    })
    assert response["Location"] == f"/recommendations/{world.rec.pk}/"
