"""What each page shows: exact counts, texts and links, for the people who use it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from recommendations.curation.services import link_paragraph, record_status_update
from recommendations.dates import format_days_left, local_today
from recommendations.demo import SAMPLE_NOTE
from recommendations.models import (
    Briefing,
    Mandate,
    MandateParagraph,
    ParagraphLink,
    Recommendation,
    StatusUpdate,
)
from recommendations.people.services import ensure_role_groups
from tests import factories


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def references_in(html: str) -> list[str]:
    """The references of the list's rows, in order."""
    return re.findall(r'<th scope="row" data-label="Reference"[^>]*><a href="/recommendations/\d+/[^"]*">([^<]+)</a>', html)


def csv_rows(response) -> list[dict]:
    text = text_of(response)
    assert text.startswith("\ufeff")  # the byte-order mark, for Excel
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_for_the_mali_expert(world, as_user):
    body = text_of(as_user("expert").get("/"))
    assert "<h1>What needs attention</h1>" in body
    assert f'id="situation-{world.mali.pk}"' in body and "South Sudan" not in body
    days = (dt.date(2023, 6, 30) - local_today()).days
    assert f'<span class="days days--red">{format_days_left(days, dt.date(2023, 6, 30))}</span>' in body
    assert f'<a href="/recommendations/?situation={world.mali.pk}">12</a>, of which 12 open' in body
    # Every demo recommendation is due 31 May 2023, so all twelve are overdue.
    assert f'<a href="/recommendations/?situation={world.mali.pk}&amp;overdue=on">12</a>' in body
    assert 'aria-label="1 in progress">1</a>' in body and 'aria-label="11 not started">11</a>' in body
    assert 'aria-label="12 pending">12</a>' in body
    assert "Needs your update this cycle" not in body  # not a focal point


def test_dashboard_of_an_expert_following_nothing(world, as_user):
    body = text_of(as_user("outsider").get("/"))
    assert "You follow no situation yet." in body and "Mali" not in body


def test_focal_point_sees_what_needs_their_update(world, as_user):
    owned = list(world.un_women.recommendations.order_by("position"))
    body = text_of(as_user("focalpoint").get("/"))
    assert f"{len(owned)} recommendations need your update" in body
    assert [r.reference for r in owned] == re.findall(r'data-label="Reference"><a href="/recommendations/\d+/">([^<]+)<', body)
    record_status_update(recommendation=owned[0], author=world.focalpoint, status="in_progress")
    body = text_of(as_user("focalpoint").get("/"))
    assert f"{len(owned) - 1} recommendations need your update" in body
    needs = body.split('id="needs-update-heading"', 1)[1].split("</section>", 1)[0]
    assert owned[0].reference not in needs
    # MINUSMA's only recommendation was updated in this cycle (the `world` fixture).
    assert "Nothing needs your update this cycle." in text_of(as_user("mission").get("/"))


def test_the_cycle_begins_when_the_current_mandate_renewed_the_previous_one(world, as_user):
    """With a newer mandate renewing S/RES/2640 (2022) (which expired 30 June 2023), an
    update of May 2023 is from the previous cycle; one of July 2023 is from this one."""
    renewal = factories.make_mandate(world.mali, expires_on=local_today() + dt.timedelta(days=40), mission="MINUSMA")
    Mandate.objects.filter(pk=renewal.pk).update(renews=world.mandate)
    old, recent = list(world.un_women.recommendations.order_by("position"))[:2]
    for rec, day in ((old, dt.date(2023, 5, 2)), (recent, dt.date(2023, 7, 2))):
        # The denormalised "last update" as an update on that day would leave it.
        Recommendation.objects.filter(pk=rec.pk).update(
            status="in_progress", last_update_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        )
    body = text_of(as_user("focalpoint").get("/"))
    listed = re.findall(r'data-label="Reference"><a href="/recommendations/\d+/">([^<]+)<', body)
    assert old.reference in listed and recent.reference not in listed
    assert f'<a href="/mandates/{renewal.pk}/">{renewal.symbol}</a>' in body
    assert '<span class="days days--ok">40 days, ' in body


@pytest.mark.parametrize("days,level", [(34, "ok"), (30, "ok"), (29, "amber"), (14, "amber"), (13, "red"), (0, "red"), (-3, "red")])
def test_days_to_renewal_turn_amber_under_30_and_red_under_14(days, level):
    on = dt.date(2023, 6, 30)
    html = Template("{% load wps %}{% days_left on days %}").render(Context({"on": on, "days": days}))
    assert html == f'<span class="days days--{level}">{format_days_left(days, on)}</span>'
    assert format_days_left(34, on) == "34 days, 30 June 2023"


# --- list and CSV ----------------------------------------------------------------------------


def test_list_filters(world, as_user):
    client = as_user("secretariat")
    minusma = [r.reference for r in world.minusma.recommendations.order_by("position")]
    un_women = [r.reference for r in world.un_women.recommendations.order_by("position")]
    mali = f"situation={world.mali.pk}"

    def refs(query: str) -> list[str]:
        response = client.get(f"/recommendations/?{query}")
        assert response.status_code == 200, query
        return references_in(text_of(response))

    assert len(refs(mali)) == 12
    assert refs(f"{mali}&owner={world.minusma.pk}") == minusma
    assert refs(f"{mali}&owner={world.un_women.pk}") == un_women
    assert refs(f"{mali}&status=in_progress") == [world.rec.reference]
    assert refs(f"{mali}&status=implemented") == []
    assert refs(f"situation={world.south_sudan.pk}") == [
        r.reference for r in world.south_sudan.recommendations.order_by("position")
    ]
    assert len(refs(f"{mali}&overdue=on")) == 12
    assert refs(f"{mali}&stale=on") == []
    old = list(world.mali.recommendations.order_by("position"))[5:8]
    Recommendation.objects.filter(pk__in=[r.pk for r in old]).update(created_at=timezone.now() - dt.timedelta(days=100))
    assert refs(f"{mali}&stale=on") == [r.reference for r in old]
    assert refs(f"{mali}&paragraph={world.suggested_paragraph.pk}") == [
        r.reference for r in Recommendation.objects.filter(paragraphs=world.suggested_paragraph).order_by("position")
    ]
    assert refs(f"{mali}&addressee=security_council") == [
        r.reference for r in world.mali.recommendations.filter(addressee="security_council").order_by("position")
    ]
    assert refs(f"{mali}&q=quota+Malian") == [
        r.reference for r in world.mali.recommendations.filter(text__icontains="quota").filter(text__icontains="malian").order_by("position")
    ]
    assert refs(f"{mali}&sort=-reference") == sorted(refs(mali), reverse=True)
    assert refs(f"{mali}&uptake=reflected") == []
    # The paragraph select lists the chosen situation's paragraphs only.
    option = f'<option value="{world.free_paragraph.pk}">S/RES/2640 (2022) {world.free_paragraph.label}:'
    assert option in text_of(client.get(f"/recommendations/?{mali}"))
    assert option not in text_of(client.get("/recommendations/"))
    assert option not in text_of(client.get(f"/recommendations/?situation={world.south_sudan.pk}"))


def test_list_pages_fifty_at_a_time_and_csv_exports_exactly_the_filtered_list(world, as_user):
    factories.make_recommendations(world.rec.briefing, 60, owners=[world.un_women])
    client = as_user("focalpoint")
    query = f"situation={world.mali.pk}&owner={world.un_women.pk}&sort=-reference"
    first = text_of(client.get(f"/recommendations/?{query}"))
    owned = world.un_women.recommendations.count()
    assert f"<strong>{owned}</strong> recommendations match your filters." in first
    assert "Page 1 of 2" in first
    second = text_of(client.get(f"/recommendations/?{query}&page=2"))
    on_pages = references_in(first) + references_in(second)
    assert len(references_in(first)) == 50 and len(on_pages) == owned
    assert f'href="/recommendations/export.csv?{query}"' in first.replace("&amp;", "&")
    for url in (f"/recommendations/export.csv?{query}", f"/recommendations/?{query}&format=csv&page=2"):
        response = client.get(url)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="recommendations-')
        assert [row["reference"] for row in csv_rows(response)] == on_pages


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(world, as_user):
    rec = factories.make_recommendations(world.rec.briefing, 1)[0]
    Recommendation.objects.filter(pk=rec.pk).update(text='=HYPERLINK("http://evil.example","x")')
    rows = csv_rows(as_user("secretariat").get(f"/recommendations/export.csv?q={rec.reference}"))
    assert [row["text"] for row in rows] == ['\'=HYPERLINK("http://evil.example","x")']


def test_a_filter_for_a_situation_one_may_not_see_is_an_error_not_a_leak(world, as_user):
    client = as_user("expert")
    response = client.get(f"/recommendations/?situation={world.south_sudan.pk}")
    assert response.status_code == 400
    body = text_of(response)
    assert "There is a problem" in body
    assert "Situation: Select a valid choice. That choice is not one of the available choices." in body
    assert "South Sudan" not in body
    response = client.get(f"/recommendations/export.csv?situation={world.south_sudan.pk}")
    assert response.status_code == 400
    assert text_of(response).startswith("Bad filter, nothing exported.")


def test_expert_csv_never_holds_an_internal_note(world, as_user):
    rows = {row["reference"]: row for row in csv_rows(as_user("expert").get("/recommendations/export.csv"))}
    assert len(rows) == 12
    assert rows[world.rec.reference]["latest note"].startswith("Shared:")
    secretariat = {row["reference"]: row for row in csv_rows(as_user("secretariat").get("/recommendations/export.csv"))}
    assert len(secretariat) == 14  # Mali and South Sudan
    assert secretariat[world.rec.reference]["latest note"].startswith("Internal:")


# --- one recommendation ----------------------------------------------------------------------


def test_recommendation_page(world, as_user):
    link_paragraph(recommendation=world.rec, paragraph=world.free_paragraph, user=world.secretariat)
    body = text_of(as_user("expert").get(f"/recommendations/{world.rec.pk}/"))
    assert f"<h1>{world.rec.reference}: where it stands</h1>" in body
    assert "Update on women, peace and security in Mali, 28 March 2023" in body
    assert "MINUSMA" in body and "31 May 2023" in body
    assert f"S/RES/2640 (2022) {world.free_paragraph.label}</span>\n      <strong class=\"tag tag--green\">Confirmed</strong>" in body
    assert f"S/RES/2640 (2022) {world.suggested_paragraph.label}</span>\n      <strong class=\"tag tag--grey\">Suggested</strong>" in body
    # The full text of the linked paragraphs, escaped as any text.
    from django.utils.html import escape

    assert escape(world.free_paragraph.text) in body
    assert body.count('class="timeline__item"') == 1  # the shared update only
    assert "Record a status update" not in body and "Secretariat controls" not in body


def test_text_from_the_database_is_escaped(world, as_user):
    record_status_update(
        recommendation=world.rec, author=world.mission, status="partial",
        note="<script>alert('x')</script>", visibility="shared",
    )
    body = text_of(as_user("expert").get(f"/recommendations/{world.rec.pk}/"))
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


# --- one mandate -----------------------------------------------------------------------------


def test_mandate_page(world, as_user):
    paragraphs = list(world.mandate.paragraphs.order_by("position"))
    linked = set(ParagraphLink.objects.filter(paragraph__mandate=world.mandate).values_list("paragraph_id", flat=True))
    unlinked_recs = [r for r in world.mali.recommendations.order_by("position") if not r.paragraphs.exists()]
    body = text_of(as_user("expert").get(f"/mandates/{world.mandate.pk}/"))
    assert "<h1>S/RES/2640 (2022): which paragraphs the recommendations cover</h1>" in body
    assert f"{len(paragraphs)} quoted, {len(paragraphs) - len(linked)} covered by no recommendation" in body
    assert body.count('<strong class="tag tag--amber">Not covered</strong>') == len(paragraphs) - len(linked)
    section = body.split('id="unlinked-heading"')[1]
    assert re.findall(r'<a href="/recommendations/\d+/[^"]*">([^<]+)</a>', section) == [r.reference for r in unlinked_recs]
    assert "days days--red" in body


# --- import ----------------------------------------------------------------------------------


@pytest.fixture
def secretary(db, settings):
    group, _ = ensure_role_groups()
    user = factories.make_user("secretary")
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def upload(data: bytes, name: str = "note.txt"):
    return {"note": SimpleUploadedFile(name, data, content_type="text/plain")}


def test_import_preview_then_confirm(secretary):
    response = secretary.post("/import/", upload(SAMPLE_NOTE.read_bytes()))
    assert response.status_code == 200
    body = text_of(response)
    assert Briefing.objects.count() == 0 and Recommendation.objects.count() == 0
    assert "12 recommendations to create" in body
    assert [f"MLI-2023-03-R{i:02d}" for i in range(1, 13)] == re.findall(r'data-label="Reference" class="nowrap">(MLI-[^<]+)<', body)
    assert "S/RES/2640 (2022) (MINUSMA), expires 30 June 2023: new, 22 paragraphs to add" in body
    assert "February 2016, September 2016, May 2017, June 2018, May 2020, April 2021" in body
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)

    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = secretary.post("/import/", {"token": tampered})
    assert response.status_code == 400
    assert "This preview cannot be confirmed: upload the note again." in text_of(response)
    assert Briefing.objects.count() == 0

    response = secretary.post("/import/", {"token": token})
    assert response.status_code == 302
    mali = Briefing.objects.get().situation
    assert response["Location"] == f"/recommendations/?situation={mali.pk}"
    assert Recommendation.objects.count() == 12
    page = text_of(secretary.get(response["Location"]))
    assert "Imported 12 recommendations on Mali and the paragraphs of S/RES/2640 (2022)." in page

    # The same note again: the preview says so and nothing changes.
    body = text_of(secretary.post("/import/", upload(SAMPLE_NOTE.read_bytes())))
    assert "Already imported on" in body and "nothing changed" in body
    assert "Import 12 recommendations" not in body
    response = secretary.post("/import/", {"token": token})
    assert response.status_code == 302 and Recommendation.objects.count() == 12


def test_import_error_shows_the_line_and_saves_nothing(secretary):
    text = SAMPLE_NOTE.read_text().replace("Recommendations:", "Observations:")
    response = secretary.post("/import/", upload(text.encode()))
    assert response.status_code == 400
    body = text_of(response)
    assert "The note cannot be imported" in body
    assert "no &#x27;Recommendations&#x27; section before the ANNEX" in body
    line = int(re.search(r'<a href="#note-error">Line (\d+)</a>', body).group(1))
    from django.utils.html import escape

    assert f'<span class="source-line__number">{line}</span> {escape(text.splitlines()[line - 1])}</pre>' in body
    assert Briefing.objects.count() == 0 and MandateParagraph.objects.count() == 0


@pytest.mark.parametrize("data,message", [
    (b"%PDF-1.7 binary", "the PDF cannot be read"),
    (b"   \n", "The file is empty."),
])
def test_import_refuses_what_is_not_a_note(secretary, data, message):
    response = secretary.post("/import/", upload(data))
    assert response.status_code == 400
    assert message in text_of(response)
    assert Briefing.objects.count() == 0


def test_import_without_a_file_is_a_form_error(secretary):
    response = secretary.post("/import/", {})
    assert response.status_code == 400
    body = text_of(response)
    assert '<a href="#id_note">The note (PDF or text) or a resolution (UN XML): This field is required.</a>' in body


# --- sign in and password reset --------------------------------------------------------------


def test_sign_in_sign_out_and_reset_password_by_email(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "expert", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in text_of(response)
    response = client.post("/accounts/login/", {"username": "expert", "password": "demo-password"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302

    response = client.post("/accounts/password-reset/", {"email": "expert@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["expert@example.org"]
    assert message.subject == "Choose a new password for WPS follow-up"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    response = client.get(link)
    assert response.status_code == 302  # Django swaps the token for a session key
    form_url = response["Location"]
    assert "Choose a new password" in text_of(client.get(form_url))
    response = client.post(form_url, {"new_password1": "a-much-better-one-42", "new_password2": "a-much-better-one-42"})
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    assert User.objects.get(username="expert").check_password("a-much-better-one-42")
    # An unknown address sends nothing and says the same.
    response = client.post("/accounts/password-reset/", {"email": "nobody-here@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_status_update_shows_on_the_timeline_for_those_who_may_read_it(world, as_user):
    mission = as_user("mission")
    response = mission.post(f"/recommendations/{world.rec.pk}/updates/", {
        "update-status": "partial", "update-note": "Half of the posts are filled.", "update-visibility": "internal",
    })
    assert response.status_code == 302
    assert StatusUpdate.objects.filter(recommendation=world.rec).count() == 3
    assert "Half of the posts are filled." in text_of(as_user("secretariat").get(f"/recommendations/{world.rec.pk}/"))
    assert "Half of the posts are filled." not in text_of(as_user("expert").get(f"/recommendations/{world.rec.pk}/"))
    assert "Update recorded: partially implemented." in text_of(mission.get(f"/recommendations/{world.rec.pk}/"))


def test_focal_point_dashboard_shows_the_25_due_soonest_and_counts_all(world, as_user):
    soon = factories.make_recommendations(world.rec.briefing, 30, owners=[world.un_women], due_on=dt.date(2023, 4, 1))
    owned = world.un_women.recommendations.count()
    body = text_of(as_user("focalpoint").get("/"))
    assert f"{owned} recommendations need your update: the 25 due soonest" in body
    listed = re.findall(r'data-label="Reference"><a href="/recommendations/\d+/">([^<]+)<', body)
    assert listed == [r.reference for r in soon[:25]]
    assert f'<a href="/recommendations/?owner={world.un_women.pk}&amp;sort=due">Every recommendation UN Women owns</a>' in body
