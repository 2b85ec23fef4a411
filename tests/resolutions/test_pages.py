"""The renewal pages: what changed (/mandates/<id>/changes/), the secretariat's uptake review
(/mandates/<id>/uptake/), the Council's calendar (/calendar/), and a resolution's XML through
/import/: what each persona sees, what a decision records, bad input, query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recommendations.models import Briefing, Mandate, MandateParagraph, Recommendation, Uptake
from tests import factories
from tests.resolutions.conftest import DATA, xml

pytestmark = pytest.mark.django_db

UN_CREDIT = "Source: United Nations, Security Council resolution S/RES/2640 (2022) (UN XML)"


def client_as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def mali_chain(personas, load):
    """The demo (its note imported on 2640) with 2584 and 2640 imported from the UN's XML, and
    the twelve proposals of the uptake gold set in a note of May 2022 (made for 2640)."""
    load("2584-2021.en", "2640-2022.en")
    old, new = Mandate.objects.get(number=2584), Mandate.objects.get(number=2640)
    gold = json.loads((DATA / "gold-uptake-2584-2640.json").read_text())
    briefing = Briefing.objects.create(situation=new.situation, mandate=old, title="Gold", issued_on=dt.date(2022, 5, 1),
                                       original_text="gold", sha256="gold")
    for i, g in enumerate(gold["recommendations"], 1):
        Recommendation.objects.create(briefing=briefing, situation=new.situation, reference=g["reference"], position=i,
                                      text=g["text"], addressee=g["addressee"])
    personas.old, personas.new = old, new
    return personas


# --- what changed ----------------------------------------------------------------------------


def test_changes_page_pairs_paragraphs_with_an_inline_diff(mali_chain):
    url = f"/mandates/{mali_chain.new.pk}/changes/"
    page = client_as(mali_chain.expert).get(url).content.decode()
    assert "<h1>What changed in S/RES/2640 (2022) since S/RES/2584 (2021)</h1>" in page
    assert "OP 53 → OP 48" in page
    assert "OP 30 (c)(iii) → OP 26 (c)(iii)" in page
    assert "<ins>" in page and "<del>" in page
    assert UN_CREDIT in page
    shown = page.count('class="paragraph change ')
    wps = client_as(mali_chain.expert).get(url + "?wps=on").content.decode()
    wps_shown = wps.count('class="paragraph change ')
    assert 0 < wps_shown < shown
    assert 'checked' in wps and "women, peace and security language only" in wps
    mandate_page = client_as(mali_chain.expert).get(f"/mandates/{mali_chain.new.pk}/").content.decode()
    assert f'href="{url}"' in mandate_page


@pytest.mark.parametrize("who,status", [
    ("secretariat", 200), ("focalpoint", 200), ("expert", 200), ("ssd_expert", 404), ("nobody", 404),
])
def test_changes_page_is_for_those_who_see_the_mandate(mali_chain, who, status):
    assert client_as(getattr(mali_chain, who)).get(f"/mandates/{mali_chain.new.pk}/changes/").status_code == status


def test_changes_page_asks_anonymous_to_sign_in(mali_chain):
    response = Client().get(f"/mandates/{mali_chain.new.pk}/changes/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_changes_page_of_a_first_resolution(mali_chain):
    page = client_as(mali_chain.secretariat).get(f"/mandates/{mali_chain.old.pk}/changes/").content.decode()
    assert "S/RES/2584 (2021) renews no resolution recorded here." in page


def _pair(situation, n: int) -> Mandate:
    old = factories.make_mandate(situation, expires_on=dt.date(2023, 3, 15), paragraphs=n)
    new = Mandate.objects.create(symbol="S/RES/2677 (2023)", number=2677, year=2023, mission="UNMISS", situation=situation,
                                 expires_on=dt.date(2024, 3, 15), renews=old)
    MandateParagraph.objects.bulk_create(
        MandateParagraph(mandate=new, kind="operative", number=str(i), label=f"OP {i}", position=i, official=True,
                         text=f"Operative paragraph {i} on women's participation" + (" and protection." if i % 2 else "."))
        for i in range(1, n + 2)
    )
    return new


@pytest.mark.parametrize("n", [3, 30])
def test_changes_page_queries_do_not_grow(personas, n, django_assert_num_queries):
    new = _pair(personas.south_sudan, n)
    client = client_as(personas.ssd_expert)
    client.get(f"/mandates/{new.pk}/changes/")
    # -1 in issue 14 (the permissions read in one query, not two: recommendations/people/backends.py), as every page.
    with django_assert_num_queries(7):
        page = client.get(f"/mandates/{new.pk}/changes/?wps=on").content.decode()
    assert page.count('class="paragraph change ') == n + 1


# --- uptake review ---------------------------------------------------------------------------


@pytest.mark.parametrize("who,status", [
    ("secretariat", 200), ("focalpoint", 403), ("expert", 403), ("ssd_expert", 404), ("nobody", 404),
])
def test_uptake_review_is_the_secretariats(mali_chain, who, status):
    url = f"/mandates/{mali_chain.new.pk}/uptake/"
    assert client_as(getattr(mali_chain, who)).get(url).status_code == status
    assert client_as(getattr(mali_chain, who)).post(url, {"accept_all": "1"}).status_code == (302 if status == 200 else status)


def test_uptake_review_lists_best_evidence_first_with_highlights(mali_chain):
    page = client_as(mali_chain.secretariat).get(f"/mandates/{mali_chain.new.pk}/uptake/").content.decode()
    assert "<h1>Which proposals S/RES/2640 (2022) took up</h1>" in page
    order = [page.index(f">G{i:02d}</a>") for i in range(1, 13)]
    assert order[0] == min(order)  # G01 (OP 44, with 2538 (2020)) has the best evidence
    assert '<mark class="match">2538</mark>' in page
    assert "in OP 44" in page
    assert "12 of 12 recommendations have no decision yet." in page
    assert UN_CREDIT in page
    assert not Recommendation.objects.exclude(uptake=Uptake.PENDING).exists()  # a GET records nothing


def test_one_decision_records_that_recommendation_only(mali_chain):
    rec = Recommendation.objects.get(reference="G04")
    url = f"/mandates/{mali_chain.new.pk}/uptake/"
    client = client_as(mali_chain.secretariat)
    response = client.post(url, {
        "row": rec.pk, f"r{rec.pk}-uptake": "partly_reflected", f"r{rec.pk}-paragraph": "op 41 dash 10",
    })
    assert response.status_code == 302 and response["Location"] == f"{url}#rec-{rec.pk}"
    rec.refresh_from_db()
    assert (rec.uptake, rec.uptake_paragraph.label, rec.uptake_paragraph.mandate_id) == (
        "partly_reflected", "OP 41 dash 10", mali_chain.new.pk)
    assert Recommendation.objects.exclude(uptake=Uptake.PENDING).count() == 1
    page = client.get(url).content.decode()
    assert "G04: Council uptake set to partly reflected." in page
    assert "Recorded: partly reflected (OP 41 dash 10)" in page


@pytest.mark.parametrize("data,message", [
    ({"uptake": "reflected", "paragraph": "OP 999"}, "OP 999 is not a paragraph of S/RES/2640 (2022)."),
    ({"uptake": "reflected", "paragraph": ""}, "Say which paragraph of S/RES/2640 (2022) reflects it."),
    ({"uptake": "pending", "paragraph": ""}, "Select a valid choice."),
])
def test_a_bad_decision_is_a_form_error(mali_chain, data, message):
    rec = Recommendation.objects.get(reference="G02")
    response = client_as(mali_chain.secretariat).post(f"/mandates/{mali_chain.new.pk}/uptake/", {
        "row": rec.pk, **{f"r{rec.pk}-{k}": v for k, v in data.items()},
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not Recommendation.objects.exclude(uptake=Uptake.PENDING).exists()


def test_a_recommendation_the_renewal_does_not_answer_is_refused(mali_chain):
    later = mali_chain.recommendations[0]  # the note of March 2023 proposes language for 2640's renewal
    response = client_as(mali_chain.secretariat).post(f"/mandates/{mali_chain.new.pk}/uptake/", {
        "row": later.pk, f"r{later.pk}-uptake": "not_reflected",
    })
    assert response.status_code == 400
    assert "not one of the proposals this resolution answers" in response.content.decode()
    later.refresh_from_db()
    assert later.uptake == Uptake.PENDING


def test_accept_all_keeps_the_decisions_already_made(mali_chain):
    decided = Recommendation.objects.get(reference="G06")
    paragraph = mali_chain.new.paragraphs.get(label="OP 3")
    decided.uptake, decided.uptake_paragraph = Uptake.PARTLY_REFLECTED, paragraph
    decided.save()
    client = client_as(mali_chain.secretariat)
    client.post(f"/mandates/{mali_chain.new.pk}/uptake/", {"accept_all": "1"})
    decided.refresh_from_db()
    assert (decided.uptake, decided.uptake_paragraph) == (Uptake.PARTLY_REFLECTED, paragraph)
    g01 = Recommendation.objects.get(reference="G01")
    assert (g01.uptake, g01.uptake_paragraph.label) == (Uptake.REFLECTED, "OP 44")
    assert not Recommendation.objects.filter(briefing__title="Gold", uptake=Uptake.PENDING).exists()
    assert "Every recommendation here has a decision." in client.get(f"/mandates/{mali_chain.new.pk}/uptake/").content.decode()


def test_a_termination_marks_the_open_proposals_not_reflected_in_one_step(personas, load):
    load("2640-2022.en", "2690-2023.en")
    ended_by = Mandate.objects.get(number=2690)
    client = client_as(personas.secretariat)
    page = client.get(f"/mandates/{ended_by.pk}/uptake/").content.decode()
    assert "Proposals left without a renewal by S/RES/2690 (2023)" in page
    assert "Mark 11 as not reflected" in page
    client.post(f"/mandates/{ended_by.pk}/uptake/", {"accept_all": "1"})
    counts = {r.reference[-3:]: r.uptake for r in Recommendation.objects.filter(situation=personas.mali)}
    assert list(counts.values()).count(Uptake.NOT_REFLECTED) == 11
    assert counts["R12"] == Uptake.PENDING  # asks Council members: it proposed no language


@pytest.mark.parametrize("extra", [0, 40])
def test_uptake_review_queries_do_not_grow(mali_chain, extra, django_assert_num_queries):
    briefing = Briefing.objects.get(title="Gold")
    Recommendation.objects.bulk_create(
        Recommendation(briefing=briefing, situation=briefing.situation, reference=f"X{i:03d}", position=100 + i,
                       text="Request the mission to support women's participation in the elections.", addressee="mission")
        for i in range(extra)
    )
    client = client_as(mali_chain.secretariat)
    url = f"/mandates/{mali_chain.new.pk}/uptake/"
    client.get(url)
    # -1 in issue 14 (the permissions read in one query, not two: recommendations/people/backends.py), as every page.
    with django_assert_num_queries(11):
        page = client.get(url).content.decode()
    assert page.count('class="review-row"') == 12 + extra


# --- the recommendation page's uptake form ---------------------------------------------------


def test_recommendation_uptake_form_offers_only_the_renewing_resolution(mali_chain):
    rec = Recommendation.objects.get(reference="G01")  # its note quotes 2584; 2640 renews it
    client = client_as(mali_chain.secretariat)
    page = client.get(f"/recommendations/{rec.pk}/").content.decode()
    select = page[page.index('name="uptake-paragraph"'):]
    select = select[:select.index("</select>")]
    assert "S/RES/2640 (2022) OP 44" in select and "S/RES/2584 (2021)" not in select
    old = mali_chain.old.paragraphs.get(label="OP 53")
    response = client.post(f"/recommendations/{rec.pk}/uptake/", {"uptake-uptake": "reflected", "uptake-paragraph": old.pk})
    assert response.status_code == 400
    assert ("S/RES/2584 (2021) OP 53 is not a paragraph of the resolution that renews S/RES/2584 (2021): "
            "choose a paragraph of the renewing resolution.") in response.content.decode()
    new = mali_chain.new.paragraphs.get(label="OP 44")
    assert client.post(f"/recommendations/{rec.pk}/uptake/", {
        "uptake-uptake": "reflected", "uptake-paragraph": new.pk}).status_code == 302


# --- /import/ with XML -----------------------------------------------------------------------


def _upload(client, name: str, data: bytes):
    return client.post("/import/", {"note": SimpleUploadedFile(name, data)})


def test_import_page_previews_then_imports_a_resolution(personas):
    client = client_as(personas.secretariat)
    before = MandateParagraph.objects.count()
    response = _upload(client, "S-RES-2584-2021.en.xml", xml("2584-2021.en"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Would import S/RES/2584 (2021) (English), MINUSMA, Mali" in page
    assert "Source: United Nations, Security Council resolution S/RES/2584 (2021) (UN XML)" in page
    assert not Mandate.objects.filter(number=2584).exists() and MandateParagraph.objects.count() == before
    token = response.context["confirm_form"]["token"].value()
    response = client.post("/import/", {"kind": "resolution", "token": token})
    mandate = Mandate.objects.get(number=2584)
    assert response.status_code == 302 and response["Location"] == f"/mandates/{mandate.pk}/"
    assert mandate.paragraphs.filter(official=True).count() > 100
    # The same file again changes nothing, and says so.
    response = client.post("/import/", {"kind": "resolution", "token": token}, follow=True)
    assert "S/RES/2584 (2021) was already imported; nothing changed." in response.content.decode()


def test_xml_content_is_recognised_whatever_the_file_name(personas):
    response = _upload(client_as(personas.secretariat), "resolution.txt", xml("2690-2023.en"))
    assert "Would import S/RES/2690 (2023)" in response.content.decode()


@pytest.mark.parametrize("name,data,message", [
    ("cut.xml", xml("2640-2022.en")[:5000], "The XML is not well formed or is truncated"),
    ("note.xml", b"Not XML at all", "The file is not XML."),
    ("bomb.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>',
     "The XML declares a DTD or entities"),
    ("prst.xml", xml("2640-2022.en").replace(b"/unsc/", b"/unga/"), "The document is not of the Security Council"),
])
def test_bad_xml_gets_one_line_and_writes_nothing(personas, name, data, message):
    before = (Mandate.objects.count(), MandateParagraph.objects.count())
    response = _upload(client_as(personas.secretariat), name, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The resolution cannot be imported" in page and message in page
    assert (Mandate.objects.count(), MandateParagraph.objects.count()) == before


def test_a_tampered_resolution_token_is_refused(personas):
    response = client_as(personas.secretariat).post("/import/", {"kind": "resolution", "token": "forged"})
    assert response.status_code == 400
    assert "This preview cannot be confirmed" in response.content.decode()


@pytest.mark.parametrize("who,status", [("focalpoint", 403), ("expert", 403), ("nobody", 403)])
def test_only_the_secretariat_imports_a_resolution(personas, who, status):
    assert _upload(client_as(getattr(personas, who)), "r.xml", xml("2690-2023.en")).status_code == status
    assert not Mandate.objects.filter(number=2690).exists()


# --- the Council's calendar ------------------------------------------------------------------


def test_calendar_lists_every_expiry_with_its_due_date(personas):
    page = client_as(personas.expert).get("/calendar/").content.decode()
    assert "<caption>161 mandate expiries</caption>" in page
    unmiss = page.index("S/RES/2625 (2022)")
    row = page[page.rindex("<tr>", 0, unmiss):page.index("</tr>", unmiss)]
    assert "15 March 2023" in row and "UNMISS" in row and "13 February 2023" in row  # 30 days before
    # Sorted by expiry.
    assert page.index("30 June 2020") < page.index("15 March 2023") < page.index("30 April 2025")
    # The expert sees Mali's imported mandate; the outsider does not.
    row = page[page.rindex("<tr>", 0, page.index("S/RES/2640 (2022)")):]
    assert f'href="/mandates/{personas.mandate.pk}/">Imported</a>' in row[:row.index("</tr>")]
    outsider = client_as(personas.outsider).get("/calendar/").content.decode()
    assert f'href="/mandates/{personas.mandate.pk}/"' not in outsider
    assert "Source: United Nations, metadata of the Security Council resolutions" in page


def test_calendar_flags_an_expiry_that_differs_from_the_recorded_one(personas):
    Mandate.objects.filter(pk=personas.mandate.pk).update(expires_on=dt.date(2023, 7, 31))
    page = client_as(personas.secretariat).get("/calendar/").content.decode()
    assert "Differs: recorded here as 31 July 2023" in page


def test_calendar_is_for_signed_in_users(personas):
    response = Client().get("/calendar/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_calendar_queries_do_not_grow(personas, load, django_assert_num_queries):
    client = client_as(personas.secretariat)
    client.get("/calendar/")
    with django_assert_num_queries(4):
        client.get("/calendar/")
    load("2625-2022.en", "2677-2023.en", "2666-2022.en")
    with django_assert_num_queries(4):
        page = client.get("/calendar/").content.decode()
    assert page.count(">Imported</a>") == 4
