"""The workflow in a real browser: the secretariat imports the sample note and gives a
recommendation to MINUSMA; MINUSMA's focal point records progress with an internal and a
shared note; the Mali expert reads the shared note only; an expert following another
situation cannot open Mali at all. Plus screenshots at 1280 and 390 px."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from recommendations.curation.services import assign_owner, record_status_update
from recommendations.demo import SAMPLE_NOTE
from recommendations.importing.save import import_ieg_update
from recommendations.models import Recommendation, Situation, StatusUpdate
from recommendations.people.services import (
    add_focal_point,
    create_entity,
    ensure_role_groups,
    follow_situation,
)
from tests import factories
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-password-1"
INTERNAL = "Internal: recruitment of two gender advisers is blocked."
SHARED = "Shared: the mission trained 40 women candidates for local elections."


@pytest.fixture
def people(transactional_db):
    secretariat_group, _ = ensure_role_groups()
    create_entity(name="UN Women")
    minusma = create_entity(name="MINUSMA")
    secretariat = factories.make_user("secretariat", password=PASSWORD)
    secretariat.groups.add(secretariat_group)
    mission = factories.make_user("mission", password=PASSWORD)
    add_focal_point(entity=minusma, user=mission)
    expert = factories.make_user("expert", password=PASSWORD)
    other = factories.make_user("ssd_expert", password=PASSWORD)
    follow_situation(user=other, situation=factories.make_situation("South Sudan", "SSD"))
    return SimpleNamespace(secretariat=secretariat, mission=mission, expert=expert, other=other)


def test_import_assign_update_and_read(people, new_page):
    from playwright.sync_api import expect

    # (a) The secretariat imports the sample through /import/ and assigns MINUSMA.
    page = new_page()
    sign_in(page, "secretariat", PASSWORD)
    expect(page.locator("h1")).to_have_text("What needs attention")
    page.get_by_role("link", name="Import a note").click()
    page.get_by_label("The note (PDF or text) or a resolution (UN XML)").set_input_files(str(SAMPLE_NOTE))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("table")).to_contain_text("MLI-2023-03-R12")
    assert Recommendation.objects.count() == 0  # a preview saves nothing
    page.get_by_role("button", name="Import 12 recommendations").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported 12 recommendations on Mali")
    assert Recommendation.objects.count() == 12
    page.get_by_role("link", name="MLI-2023-03-R05").click()
    expect(page.locator("h1")).to_have_text("MLI-2023-03-R05: where it stands")
    page.get_by_label("Add an owning entity").select_option(label="MINUSMA")
    page.get_by_role("button", name="Assign owner").click()
    expect(page.get_by_role("status").first).to_have_text("MINUSMA now owns MLI-2023-03-R05.")
    rec_url = page.url
    rec = Recommendation.objects.get(reference="MLI-2023-03-R05")
    follow_situation(user=people.expert, situation=Situation.objects.get(name="Mali"))

    # (b) MINUSMA's focal point records "in progress": one internal note, one shared.
    page = new_page()
    sign_in(page, "mission", PASSWORD)
    page.goto(rec_url)
    for note, who in ((INTERNAL, "Secretariat and owning entities"), (SHARED, "Also Council experts")):
        page.get_by_label("Implementation status").select_option(label="In progress")
        page.get_by_label("Note").fill(note)
        page.get_by_label(who).check()
        page.get_by_role("button", name="Record update").click()
        expect(page.get_by_role("status").first).to_have_text("Update recorded: in progress.")
    expect(page.locator(".timeline__item")).to_have_count(2)
    assert list(StatusUpdate.objects.filter(recommendation=rec).values_list("visibility", flat=True)) == [
        "shared", "internal",
    ]

    # (c) The Mali expert reads the shared note and not the internal one.
    page = new_page()
    sign_in(page, "expert", PASSWORD)
    page.goto(rec_url)
    expect(page.locator(".timeline")).to_contain_text(SHARED)
    assert INTERNAL not in page.content()
    expect(page.get_by_role("heading", name="Record a status update")).to_have_count(0)

    # (d) The expert following South Sudan cannot open Mali at all.
    page = new_page()
    sign_in(page, "ssd_expert", PASSWORD)
    response = page.goto(rec_url)
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    mandate_url = re.sub(r"/recommendations/\d+/", f"/mandates/{rec.briefing.mandate_id}/", rec_url)
    assert page.goto(mandate_url).status == 404
    assert "Mali" not in page.goto("/").text()


def test_keyboard_skip_link_and_filter_auto_submit(people, new_page):
    from playwright.sync_api import expect

    import_ieg_update(data=SAMPLE_NOTE.read_bytes())
    page = new_page()
    sign_in(page, "secretariat", PASSWORD)
    page.goto("/recommendations/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    # The skip link is visible when focused (not left off-screen).
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    # Changing a filter applies it at once (app.js); without JavaScript, "Apply" does.
    page.get_by_label("Council uptake").select_option(label="Reflected")
    page.wait_for_url(re.compile(r"uptake=reflected"))
    expect(page.get_by_role("status")).to_contain_text("0 recommendations match your filters.")


def test_screenshots(people, new_page):
    """The dashboard, a recommendation page and the progress report page at 1280 and 390 px,
    into var/screenshots/, to look at. At 390 px nothing may be wider than the screen."""
    outcome = import_ieg_update(data=SAMPLE_NOTE.read_bytes())
    rec = Recommendation.objects.get(reference=outcome.references[2])
    minusma = create_entity(name="MINUSMA")
    assign_owner(recommendation=rec, entity=minusma, assigned_by=people.secretariat)
    record_status_update(recommendation=rec, author=people.mission, status="in_progress", note=INTERNAL)
    record_status_update(
        recommendation=rec, author=people.mission, status="in_progress", note=SHARED, visibility="shared",
        evidence=["S/2023/236", "https://example.org/training"],
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page = new_page(width=width)
        sign_in(page, "secretariat", PASSWORD)
        report = f"/mandates/{rec.briefing.mandate_id}/report/?audience=secretariat"
        for name, url in (("dashboard", "/"), ("recommendation", rec.get_absolute_url()), ("report", report)):
            page.goto(url)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} at {width}px is {overflow}px wider than the screen"
