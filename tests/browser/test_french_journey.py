"""A French focal point's journey in a real browser (issue 16): sign in, the dashboard, the
list, a recommendation, record an update, the report page, each asserted in French; and the
same journey for an English focal point still reads English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from recommendations.demo import load_demo
from recommendations.models import Recommendation
from recommendations.people.language import set_user_language
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-password-1"


def _journey(page, *, username: str, texts: dict[str, str]) -> None:
    """The same clicks in either language; ``texts`` holds what each step must show."""
    from playwright.sync_api import expect

    sign_in(page, username, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", texts["lang"])
    expect(page.locator("h1")).to_have_text(texts["dashboard_h1"])
    expect(page.locator("#needs-update-heading ~ div caption")).to_contain_text(texts["needs_update"])
    # The list, from the header.
    page.get_by_role("link", name=texts["list_link"], exact=True).first.click()
    expect(page.locator("h1")).to_have_text(texts["list_h1"])
    expect(page.locator(".filters-panel__summary")).to_contain_text(texts["filters"])
    # A recommendation their entity owns.
    rec = Recommendation.objects.filter(owners__name="MINUSMA" if username == "mission" else "UN Women").order_by("pk").first()
    page.goto(f"/recommendations/{rec.pk}/")
    expect(page.locator("h1")).to_have_text(texts["detail_h1"].format(reference=rec.reference))
    expect(page.locator(".rec-text")).to_contain_text(texts["written_in"])
    page.get_by_role("link", name=texts["record_link"]).click()
    page.get_by_label(texts["status_label"]).select_option(value="in_progress")
    page.get_by_label(texts["note_label"], exact=True).fill(texts["note"])
    page.get_by_role("button", name=texts["record_button"]).click()
    expect(page.get_by_role("status").first).to_have_text(texts["recorded"])
    # The report page of the mandate.
    page.goto(f"/mandates/{rec.briefing.mandate_id}/report/")
    expect(page.locator("h1#report-title")).to_contain_text(texts["report_h1"])
    expect(page.locator("#figures-title")).to_have_text(texts["key_figures"])
    expect(page.locator(".report-figure").nth(2)).to_contain_text(texts["updates_figure"])


FRENCH = {
    "lang": "fr",
    "dashboard_h1": "Ce qui demande votre attention",
    "needs_update": "1 recommandation attend votre mise à jour",
    "list_link": "Recommandations",
    "list_h1": "Recommandations",
    "filters": "Filtrer et trier",
    "detail_h1": "{reference} : état d'avancement",
    "written_in": "(en anglais)",
    "record_link": "Enregistrer une mise à jour de l'état",
    "status_label": "État de la mise en œuvre",
    "note_label": "Note",
    "note": "La plateforme des femmes a rencontré la commission électorale le 4 mai.",
    "record_button": "Enregistrer la mise à jour",
    "recorded": "Mise à jour enregistrée : en cours.",
    "report_h1": "Rapport d'étape sur les recommandations relatives aux femmes et à la paix et à la sécurité : Mali",
    "key_figures": "Chiffres clés",
    "updates_figure": "au cours de ce cycle communiquée",
}

ENGLISH = {
    "lang": "en",
    "dashboard_h1": "What needs attention",
    "needs_update": "11 recommendations need your update",
    "list_link": "Recommendations",
    "list_h1": "Recommendations",
    "filters": "Filter and sort",
    "detail_h1": "{reference}: where it stands",
    "written_in": "",
    "record_link": "Record a status update",
    "status_label": "Implementation status",
    "note_label": "Note",
    "note": "The women's platform met the electoral commission on 4 May.",
    "record_button": "Record update",
    "recorded": "Update recorded: in progress.",
    "report_h1": "Progress report on women, peace and security recommendations: Mali",
    "key_figures": "Key figures",
    "updates_figure": "this cycle shared with Council experts",
}


def test_a_french_focal_point_reads_french_all_the_way_and_the_english_journey_is_unchanged(transactional_db, new_page):
    load_demo(password=PASSWORD)
    set_user_language(user=User.objects.get(username="mission"), language="fr")
    french = new_page(width=1280)
    _journey(french, username="mission", texts=FRENCH)
    # No English sentence glued into the French report's figures.
    figures = french.locator(".report-figures").inner_text()
    for english in (" of ", " update", "recommendation ", "this cycle"):
        assert english not in figures, (english, figures)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    french.screenshot(path=str(SCREENSHOTS / "report-fr-1280.png"), full_page=False)
    english = new_page(width=1280)
    _journey(english, username="focalpoint", texts=ENGLISH)
    assert "Chiffres" not in english.locator(".report-figures").inner_text()
