"""One-click unsubscribe (RFC 8058): every reminder email names a signed link in
List-Unsubscribe, with List-Unsubscribe-Post; a POST to it turns that kind of reminder off for
that person without signing in (renewal ones cannot be: their link turns off the weekly ones),
a GET only shows the button, a bad token changes nothing, and the next pass honours it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from recommendations.models import Recommendation, Reminder, ReminderPreference
from recommendations.reminders.preferences import read_unsubscribe_token, unsubscribe_token
from recommendations.reminders.services import plan_digests
from tests.reminders.conftest import run_day

pytestmark = pytest.mark.django_db

FP = "focalpoint@example.org"
LINK = re.compile(r"^<http://testserver(/account/reminders/unsubscribe/([^/>]+)/)>$")
NINETY_DAYS = "have had no update for 90 days"


def _make_two_stale(demo) -> None:
    """R01 and R02 last updated a year before the renewal: the Monday pass of 1 May 2023 sends
    the focal point a stale digest beside the renewal one."""
    tz = timezone.get_current_timezone()
    Recommendation.objects.filter(pk__in=[demo.recommendations[0].pk, demo.recommendations[1].pk]).update(
        last_update_at=dt.datetime(2022, 6, 29, tzinfo=tz)
    )


def _link(message) -> str:
    """The path of the email's one-click link, checked against its headers."""
    headers = message.extra_headers if hasattr(message, "extra_headers") else message
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    match = LINK.match(str(headers["List-Unsubscribe"]))
    assert match, headers["List-Unsubscribe"]
    return match.group(1)


def _one(messages, subject_part: str, to=FP):
    [message] = [m for m in messages if m.to == [to] and subject_part in m.subject]
    return message


def _pass(day: dt.date) -> None:
    call_command("send_reminders", today=day.isoformat(), stdout=io.StringIO(), stderr=io.StringIO())


def test_every_kind_of_email_carries_its_own_link_over_smtp(demo, smtp_server):
    """Through a real SMTP server: renewal, stale, overdue, report and missed emails each have
    List-Unsubscribe (one HTTPS-or-SITE_URL link, signed for that person and that kind) and
    List-Unsubscribe-Post."""
    _make_two_stale(demo)
    _pass(dt.date(2023, 5, 1))  # T-60 renewal digests and the Monday stale digest
    _pass(dt.date(2023, 5, 20))
    _pass(dt.date(2023, 6, 10))  # nothing ran since 20 May: missed, the late report, late weekly digests
    rows = {row.message_id: row for row in Reminder.objects.select_related("recipient")}
    assert sorted({row.kind for row in rows.values()}) == ["missed", "overdue", "renewal", "report", "stale"]
    delivered = smtp_server.handler.messages
    assert len(delivered) == len(rows) == 9
    for _rcpts, message in delivered:
        row = rows[message["Message-ID"]]
        if message["Cc"]:
            continue
        # .strip(): the parser keeps the folding space of a long header.
        token = LINK.match(str(message["List-Unsubscribe"]).strip()).group(2)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert read_unsubscribe_token(token) == (row.recipient, row.kind)
    # The overdue digest is copied to the secretariat in the same message: no one-click there
    # (the secretariat's mail client would turn off the focal point's digest); its header names
    # the page where each reader, signed in, chooses for themselves, and its footer keeps the
    # focal point's own link (a page that names whose reminders and asks first).
    [overdue] = [m for rcpts, m in delivered if FP in rcpts and "past due" in str(m["Subject"])]
    assert overdue["Cc"] == "secretariat@example.org"
    assert str(overdue["List-Unsubscribe"]).strip() == "<http://testserver/account/reminders/>"
    assert overdue["List-Unsubscribe-Post"] is None
    [footer_token] = re.findall(r"/account/reminders/unsubscribe/([^/\s]+)/", overdue.get_body(("plain",)).get_content())
    assert read_unsubscribe_token(footer_token) == (demo.focalpoint, "overdue")


def test_get_changes_nothing_post_turns_off_and_the_pass_honours_it(demo):
    _make_two_stale(demo)
    stale = _one(run_day(dt.date(2023, 5, 1)), NINETY_DAYS)
    path = _link(stale)
    # The footer says where, in both parts.
    assert f"Turn off this weekly email (no sign-in needed):\nhttp://testserver{path}\n" in stale.body
    assert f'<a href="http://testserver{path}" style="color: #1d70b8;">Turn off this weekly email (no sign-in needed)</a>' in (
        stale.alternatives[0][0]
    )
    next_monday = dt.date(2023, 5, 8)
    assert [d.kind for d in plan_digests(today=next_monday) if d.email == FP] == ["stale"]

    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(path)  # what a mail scanner does
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Turn off the weekly email about recommendations with no update for a long time?</h1>" in html
    assert "These are the reminders of Aminata Traoré." in html
    assert '<form method="post">' in html and '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in html
    assert not ReminderPreference.objects.exists()

    # The mail client's POST (RFC 8058), with no cookie and no CSRF token.
    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "<h1>This weekly email is off</h1>" in done.content.decode()
    preference = ReminderPreference.objects.get(user=demo.focalpoint)
    assert (preference.stale, preference.overdue) == ("off", "weekly")
    # Again: the same, no error.
    assert anonymous.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ReminderPreference.objects.get(user=demo.focalpoint).stale == "off"
    assert "<h1>This weekly email is off</h1>" in anonymous.get(path).content.decode()

    assert plan_digests(today=next_monday) == []
    assert run_day(next_monday) == []
    # Only that view is CSRF-exempt: the preferences form still asks for a token.
    anonymous.force_login(demo.focalpoint)
    assert anonymous.post("/account/reminders/", {"stale": "weekly", "overdue": "weekly"}).status_code == 403


def test_overdue_link_turns_off_overdue_only(demo):
    overdue = _one(run_day(dt.date(2023, 6, 5)), "past due")
    # Copied to the secretariat: the focal point's link is the footer's, not a one-click header.
    [path] = re.findall(r"http://testserver(/account/reminders/unsubscribe/[^/\s]+/)", overdue.body)
    client = Client()
    html = client.get(path).content.decode()
    assert "<h1>Turn off the weekly email about recommendations past their due date?</h1>" in html
    assert "The secretariat is copied on it: with it off, they are not either." in html
    html = client.post(path).content.decode()
    assert "Aminata Traoré no longer gets the weekly email about recommendations past their due date." in html
    preference = ReminderPreference.objects.get(user=demo.focalpoint)
    assert (preference.stale, preference.overdue) == ("weekly", "off")
    # The next Monday: the overdue digest to MINUSMA's focal point only (and, late, the T-21 report).
    assert sorted(m.to[0] for m in run_day(dt.date(2023, 6, 12))) == ["expert@example.org", "mission@example.org"]


def test_renewal_link_turns_off_the_weekly_emails_and_says_renewal_ones_still_come(demo):
    renewal = _one(run_day(dt.date(2023, 5, 1)), "need your update")
    assert "Turn off this weekly email" not in renewal.body  # a renewal digest is not weekly
    client = Client()
    html = client.get(_link(renewal)).content.decode()
    assert "<h1>Emails ahead of a renewal cannot be turned off</h1>" in html
    assert '<button type="submit" class="button">Turn off the weekly emails</button>' in html
    html = client.post(_link(renewal), {"List-Unsubscribe": "One-Click"}).content.decode()
    assert "<h1>The weekly emails are off</h1>" in html
    assert "Reminders ahead of a renewal, at 60, 30, 14 and 7 days, still come." in html
    preference = ReminderPreference.objects.get(user=demo.focalpoint)
    assert (preference.stale, preference.overdue) == ("off", "off")
    # T-30 still comes to the focal point; the overdue digest of 5 June does not.
    assert [m.to for m in run_day(dt.date(2023, 5, 31))] == [[FP], ["mission@example.org"]]
    assert [m.to for m in run_day(dt.date(2023, 6, 5))] == [["mission@example.org"]]


def test_the_page_is_in_the_persons_language(demo):
    from recommendations.people.language import set_user_language

    set_user_language(user=demo.focalpoint, language="fr")
    path = f"/account/reminders/unsubscribe/{unsubscribe_token(user_id=demo.focalpoint.pk, kind='stale')}/"
    html = Client().get(path).content.decode()
    assert '<html lang="fr">' in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_refused_and_changes_nothing(demo, method):
    good = unsubscribe_token(user_id=demo.focalpoint.pk, kind="stale")
    payload, signature = good.rsplit(":", 1)
    other = unsubscribe_token(user_id=demo.mission.pk, kind="stale")
    from django.core import signing

    forged = [
        f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",  # signature altered
        f"{other.rsplit(':', 1)[0]}:{signature}",  # another person's payload, this signature
        signing.dumps([demo.focalpoint.pk, "stale"], salt="another.salt"),  # signed for something else
        signing.dumps([demo.focalpoint.pk, "everything"], salt="recommendations.reminders.unsubscribe"),
        signing.Signer(salt="recommendations.reminders.unsubscribe").sign_object([demo.focalpoint.pk, "everything"]),
        signing.Signer(salt="another.salt").sign_object([demo.focalpoint.pk, "stale"]),
        good[: len(good) // 2],  # cut in two by a mail program
        "nonsense",
    ]
    client = Client()
    for token in forged:
        response = getattr(client, method)(f"/account/reminders/unsubscribe/{token}/")
        assert response.status_code == 400, token
        html = response.content.decode()
        assert "<h1>This link does not work</h1>" in html and "Nothing was changed." in html
    assert not ReminderPreference.objects.exists()
    # A person who no longer exists: the same.
    gone = unsubscribe_token(user_id=demo.outsider.pk, kind="stale")
    demo.outsider.delete()
    assert getattr(client, method)(f"/account/reminders/unsubscribe/{gone}/").status_code == 400
    assert mail.outbox == []


def test_the_link_is_the_same_whenever_the_email_is_built_and_old_links_still_work(demo):
    """No timestamp in the token: a preview built a second before the pass shows the very link
    the email carries. Links in emails sent before (timestamped tokens) still turn it off."""
    from unittest import mock

    from django.core import signing

    first = unsubscribe_token(user_id=demo.focalpoint.pk, kind="stale")
    with mock.patch("time.time", return_value=4_000_000_000):
        assert unsubscribe_token(user_id=demo.focalpoint.pk, kind="stale") == first
    assert first != unsubscribe_token(user_id=demo.focalpoint.pk, kind="overdue")
    old = signing.dumps([demo.focalpoint.pk, "stale"], salt="recommendations.reminders.unsubscribe")
    assert old != first and read_unsubscribe_token(old) == (demo.focalpoint, "stale")
    response = Client().post(f"/account/reminders/unsubscribe/{old}/")
    assert response.status_code == 200
    preference = ReminderPreference.objects.get(user=demo.focalpoint)
    assert (preference.stale, preference.overdue) == ("off", "weekly")
