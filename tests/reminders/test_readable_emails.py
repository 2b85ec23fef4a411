"""Emails a focal point would choose to read (issue 15): the name, whole texts or a cut at a
word, a button to the update form, what is new since the last email, a choice of reminders
and a one-click List-Unsubscribe header, CSS inlined; and the secretariat's preview."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from recommendations.curation.services import record_status_update
from recommendations.models import Reminder, ReminderPreference
from tests.reminders.conftest import run_day

pytestmark = pytest.mark.django_db

FP = "focalpoint@example.org"
PREFS = "http://testserver/account/reminders/"


def _on_the_day(day: dt.date):
    """Run the pass of ``day`` and date its rows that day, as if it had run then (replayed
    passes otherwise carry the real clock's time)."""
    messages = run_day(day)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(6)))
    Reminder.objects.filter(created_at__gt=when).update(created_at=when, sent_at=when)
    return messages


def _one(messages, to=FP):
    [message] = [m for m in messages if m.to == [to]]
    return message


def test_greeting_button_plain_text_and_headers(demo):
    message = _one(run_day(dt.date(2023, 5, 1)))
    r02 = demo.recommendations[1]
    text, html = message.body, message.alternatives[0][0]
    assert text.startswith("Dear Aminata Traoré,\n")
    assert "<p>Dear Aminata Traoré,</p>" in html
    # Each row has a button to the update form itself; the anchor exists on the page.
    assert f'<a class="button" href="http://testserver/recommendations/{r02.pk}/#update"' in html
    assert f"  Record an update: http://testserver/recommendations/{r02.pk}/#update\n" in text
    # The plain text reads alone: no markup, the links written out, the reason and the choice.
    assert "<" not in text.replace("<https", "")
    assert f"Choose which reminders you get (renewal reminders always come; stale and overdue ones can be weekly or off):\n{PREFS}" in text
    # One-click unsubscribe (RFC 8058; tests/reminders/test_one_click_unsubscribe.py).
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/account/reminders/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'<a href="{PREFS}" style="color: #1d70b8;">Choose which reminders you get</a>' in html
    # CSS inlined for mail clients: no <style> block left, the rules in style attributes.
    assert "<style" not in html
    assert 'style="background: #0b0c0c;color: #ffffff;padding: 12px 16px;font-weight: bold;"' in html


def test_username_only_when_no_name(demo):
    demo.focalpoint.first_name = demo.focalpoint.last_name = ""
    demo.focalpoint.save()
    assert _one(run_day(dt.date(2023, 5, 1))).body.startswith("Dear focalpoint,\n")


def test_update_anchor_is_on_the_recommendation_page(demo, client):
    client.force_login(demo.focalpoint)
    page = client.get(f"/recommendations/{demo.recommendations[1].pk}/").content.decode()
    assert '<section aria-labelledby="record-heading" class="section panel" id="update">' in page


def test_digest_marks_what_is_new_since_the_previous_email(demo):
    first = _one(_on_the_day(dt.date(2023, 5, 1)))  # T-60: eleven, nothing marked (no earlier email)
    assert "NEW" not in first.body and "ALREADY" not in first.body
    # R02 gets an update (leaves the renewal list), then the overdue digest of 5 June lists
    # R02 again (past due, open): all eleven were in the T-60 email...
    record_status_update(
        recommendation=demo.recommendations[1], author=demo.focalpoint, status="in_progress",
        note="Working on it.", visibility="shared",
    )
    second = _one(_on_the_day(dt.date(2023, 5, 31)))  # T-30: ten, all already told on 1 May
    assert "NEW SINCE" not in second.body
    assert "ALREADY IN YOUR EMAIL OF 1 MAY 2023, STILL WAITING (10)" in second.body
    third = _one(_on_the_day(dt.date(2023, 6, 5)))  # overdue: eleven, R02 new since the T-30 email
    body = third.body
    assert "NEW SINCE YOUR EMAIL OF 31 MAY 2023 (1)\n\nMLI-2023-03-R02 — In progress — NEW\n" in body
    assert "ALREADY IN YOUR EMAIL OF 31 MAY 2023, STILL WAITING (10)" in body
    html = third.alternatives[0][0]
    assert re.search(r"<h2[^>]*>New since your email of 31 May 2023 \(1\)</h2>", html)
    assert html.count(">New</span>") == 1


def test_preferences_page_and_the_pass_honours_it(demo, client):
    client.force_login(demo.focalpoint)
    page = client.get("/account/reminders/").content.decode()
    assert "<h1>Choose which reminders you get</h1>" in page
    assert re.search(r'<input type="radio" name="stale" value="weekly"[^>]*id="id_stale_0"[^>]*checked>', page)
    response = client.post("/account/reminders/", {"stale": "weekly", "overdue": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice. nonsense is not one of the available choices." in response.content.decode()
    assert not ReminderPreference.objects.exists()
    response = client.post("/account/reminders/", {"stale": "weekly", "overdue": "off"})
    assert response.status_code == 302 and response["Location"] == "/account/reminders/"
    assert ReminderPreference.objects.get(user=demo.focalpoint).overdue == "off"
    # Overdue off: the 5 June digest goes to MINUSMA's focal point only; renewal digests still come.
    assert [m.to for m in run_day(dt.date(2023, 6, 5))] == [["mission@example.org"]]
    # 16 June: the T-14 digests, and (no pass ran since 5 June) the T-21 report of 9 June, late.
    assert {tuple(m.to) for m in run_day(dt.date(2023, 6, 16))} == {(FP,), ("mission@example.org",), ("expert@example.org",)}
    assert not Reminder.objects.filter(recipient=demo.focalpoint, kind="overdue").exists()


def test_preview_page_shows_every_email_and_writes_nothing(demo, client):
    client.force_login(demo.secretariat)
    html = client.get("/reminders/preview/?date=2023-06-05").content.decode()
    assert "Monday 5 June 2023: 2 emails would be sent" in html
    assert html.count('<iframe class="preview-frame"') == 2
    assert 'sandbox srcdoc="&lt;!DOCTYPE html&gt;' in html
    assert "Dear Aminata Traoré,\nThese 11 recommendations" not in html  # plain text keeps its blank line
    assert "Dear Aminata Traoré,\n\nThese 11 recommendations on Mali are past their due date" in html
    assert "copy: secretariat@example.org" in html
    assert Reminder.objects.count() == 0 and mail.outbox == []
    # The report day: the report email, and the report it would request (none is).
    html = client.get("/reminders/preview/?date=2023-06-09").content.decode()
    assert "would request the Council report of S/RES/2640 (2022)" in html
    assert "To expert@example.org: Mali: 21 days to the renewal" in html
    from recommendations.models import ProgressReport
    assert ProgressReport.objects.count() == 0
    # Bad input: one line, nothing else.
    response = client.get("/reminders/preview/?date=31/05/2023")
    assert response.status_code == 200
    assert "Enter a date as YYYY-MM-DD, for example 2023-05-31." in response.content.decode()


@pytest.mark.parametrize("username", ["focalpoint", "expert", "mission"])
def test_preview_is_for_the_secretariat_only(demo, client, username):
    client.force_login(getattr(demo, username))
    assert client.get("/reminders/preview/?date=2023-06-05").status_code == 403


def test_preview_queries_do_not_grow_with_recommendations(demo, client, django_assert_num_queries):
    from tests.reports.conftest import grow_mali

    client.force_login(demo.secretariat)
    url = "/reminders/preview/?date=2023-06-05"
    client.get(url)
    with django_assert_num_queries(PREVIEW_QUERIES):
        client.get(url)
    grow_mali(demo, 300)
    from recommendations.models import Recommendation

    Recommendation.objects.filter(situation=demo.mali).update(due_on=dt.date(2023, 5, 31))
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(url)
    counts = re.findall(r"These (\d+) recommendations on Mali are past their due date", response.content.decode())
    assert [int(n) for n in counts] == [299, 299]  # the HTML part (srcdoc), then the plain text


def test_preview_queries_are_the_same_for_one_and_ten_emails(demo, client, django_assert_num_queries):
    """The emails' reads are batched (reminders.emails.EmailReads): one query each for all the
    recipients, situations, mandates, previous emails and rows, however many emails there are."""
    from tests.factories import make_user

    ReminderPreference.objects.create(user=demo.mission, overdue="off")
    client.force_login(demo.secretariat)
    url = "/reminders/preview/?date=2023-06-05"
    client.get(url)
    with django_assert_num_queries(PREVIEW_QUERIES):
        html = client.get(url).content.decode()
    assert html.count('<iframe class="preview-frame"') == 1
    assert "To focalpoint@example.org: Mali:" in html
    for i in range(9):
        person = make_user(f"colleague{i}")
        person.email, person.first_name, person.last_name = f"colleague{i}@example.org", "Colleague", f"N{i}"
        person.save()
        person.groups.add(demo.un_women.group)
    with django_assert_num_queries(PREVIEW_QUERIES):
        html = client.get(url).content.decode()
    assert html.count('<iframe class="preview-frame"') == 10
    assert "Dear Colleague N8,\n\nThese 11 recommendations on Mali are past their due date" in html


def test_the_preview_reads_as_the_email_the_pass_then_sends(demo):
    """Batched reads, same email: what is new since the previous email included."""
    from recommendations.reminders.preview import preview_pass

    _on_the_day(dt.date(2023, 5, 1))
    record_status_update(
        recommendation=demo.recommendations[1], author=demo.focalpoint, status="in_progress",
        note="Working on it.", visibility="shared",
    )
    _on_the_day(dt.date(2023, 5, 31))
    previews = {e.to: e for e in preview_pass(today=dt.date(2023, 6, 5)).emails}
    sent = _on_the_day(dt.date(2023, 6, 5))
    assert sorted(previews) == sorted(m.to[0] for m in sent) == [FP, "mission@example.org"]
    for message in sent:
        preview = previews[message.to[0]]
        assert (preview.subject, preview.text, preview.html) == (message.subject, message.body, message.alternatives[0][0])
    assert "NEW SINCE YOUR EMAIL OF 31 MAY 2023 (1)\n\nMLI-2023-03-R02 — In progress — NEW\n" in previews[FP].text


@pytest.mark.parametrize("page_language", ["fr", "en-gb"])
def test_the_preview_shows_each_email_in_its_recipients_language_whatever_the_pages(demo, page_language):
    """A secretariat reading the preview in French (or the site's default) sees each email as
    it will be sent: in its recipient's language (English for the demo's people)."""
    from django.utils import translation

    from recommendations.reminders.preview import preview_pass

    _on_the_day(dt.date(2023, 5, 31))
    with translation.override(page_language):
        previews = {e.to: e for e in preview_pass(today=dt.date(2023, 6, 5)).emails}
    sent = _on_the_day(dt.date(2023, 6, 5))
    assert len(sent) == len(previews) > 0
    for message in sent:
        preview = previews[message.to[0]]
        assert (preview.subject, preview.text, preview.html) == (message.subject, message.body, message.alternatives[0][0])
        assert preview.html.startswith('<!DOCTYPE html><html lang="en">')


# Session and user, the dry pass (the last completed pass, its savepoint, decisions, already-sent check, rollback) and,
# for all the emails at once, their recipients, situations, mandates, previous emails and rows
# (reminders.emails.EmailReads): the same at one, two and ten emails, and at 12 or 300 recommendations.
# 19: -1 in issue 14 (the permissions read in one query, not two: recommendations/people/backends.py).
PREVIEW_QUERIES = 19
