"""The focal point's journey on a phone (390 px): sign in, find what needs an update, record
it from the button above the fold, see the dashboard change. Plus the list at 1280 px shows
every column without scrolling, and an auto-submitted filter keeps the focus."""

from __future__ import annotations

import re

import pytest

from recommendations.demo import load_demo
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-password-1"


def test_focal_point_on_a_phone(transactional_db, new_page):
    from playwright.sync_api import expect

    load_demo(password=PASSWORD)
    page = new_page(width=390, height=844)
    sign_in(page, "focalpoint", PASSWORD)
    caption = page.locator("#needs-update-heading ~ div caption")
    expect(caption).to_contain_text("11 recommendations need your update")
    page.locator("section[aria-labelledby=needs-update-heading] th a").first.click()
    expect(page.locator("h1")).to_contain_text("where it stands")
    button = page.get_by_role("link", name="Record a status update")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box  # above the fold
    button.click()
    page.get_by_label("Implementation status").select_option(label="In progress")
    page.get_by_label("Note").fill("The women's platform met the electoral commission on 4 May.")
    page.get_by_role("button", name="Record update").click()
    expect(page.get_by_role("status").first).to_have_text("Update recorded: in progress.")
    page.get_by_role("link", name="Dashboard").first.click()
    expect(caption).to_contain_text("10 recommendations need your update")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "focal-point-dashboard-390.png"), full_page=True)


def test_list_at_1280_shows_every_column_and_keeps_focus(transactional_db, new_page):
    from playwright.sync_api import expect

    load_demo(password=PASSWORD)
    page = new_page(width=1280)
    sign_in(page, "secretariat", PASSWORD)
    page.goto("/recommendations/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    status = page.locator("thead th", has_text="Status")
    box = status.bounding_box()
    assert box["x"] + box["width"] <= 1280
    page.get_by_label("Addressee").select_option(label="Host authorities")
    page.wait_for_url(re.compile(r"addressee=host_authorities"))
    expect(page.locator(".results__count")).to_contain_text("match your filters")
    assert page.evaluate("document.activeElement.name") == "addressee"
    page.screenshot(path=str(SCREENSHOTS / "list-1280.png"), full_page=True)
