"""The renewal cycle of the demo, day by day, through `send_reminders`; and the rules of who
gets what (DESIGN.md, "Reminders")."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from recommendations.curation.services import record_status_update
from recommendations.models import ImplementationStatus, Recommendation, Reminder
from recommendations.people.services import add_focal_point, create_entity
from tests import factories
from tests.reminders.conftest import days, run_day, sent_summary

FP, MISSION, EXPERT = "focalpoint@example.org", "mission@example.org", "expert@example.org"


def renewal(days_left: int, count: int) -> str:
    needs = "recommendation needs" if count == 1 else "recommendations need"
    return f"Mali: {days_left} days to the renewal of MINUSMA's mandate — {count} {needs} your update"


def overdue(days_left: int, count: int) -> str:
    what = "recommendation is" if count == 1 else "recommendations are"
    return f"Mali: {days_left} days to the renewal of MINUSMA's mandate — {count} {what} past due"


def expected_cycle() -> dict[dt.date, list[tuple[str, str]]]:
    """The demo: MINUSMA's mandate expires on 30 June 2023; UN Women (focalpoint) owns 11
    open recommendations, MINUSMA (mission) 1; all are due on 31 May 2023 (30 days before)
    and none has an update. Weekly digests go out on Mondays. The expert follows Mali; the
    outsider follows nothing and gets nothing."""
    expected = {
        dt.date(2023, 5, 1): [(FP, renewal(60, 11)), (MISSION, renewal(60, 1))],  # T-60, a Monday
        dt.date(2023, 5, 31): [(FP, renewal(30, 11)), (MISSION, renewal(30, 1))],
        dt.date(2023, 6, 5): [(FP, overdue(25, 11)), (MISSION, overdue(25, 1))],
        # T-21: the Council report, to the Council expert who follows Mali.
        dt.date(2023, 6, 9): [(EXPERT, "Mali: 21 days to the renewal of MINUSMA's mandate — the progress report for Council experts")],
        dt.date(2023, 6, 12): [(FP, overdue(18, 11)), (MISSION, overdue(18, 1))],
        dt.date(2023, 6, 16): [(FP, renewal(14, 11)), (MISSION, renewal(14, 1))],
        dt.date(2023, 6, 19): [(FP, overdue(11, 11)), (MISSION, overdue(11, 1))],
        dt.date(2023, 6, 23): [(FP, renewal(7, 11)), (MISSION, renewal(7, 1))],
        dt.date(2023, 6, 26): [(FP, overdue(4, 11)), (MISSION, overdue(4, 1))],
    }
    return {day: sorted(pairs) for day, pairs in expected.items()}


def test_whole_renewal_cycle_day_by_day_each_day_twice(demo):
    expected = expected_cycle()
    got = {}
    for day in days(dt.date(2023, 4, 21), dt.date(2023, 7, 1)):
        first = run_day(day)
        again = run_day(day)
        assert again == [], f"second pass of {day} sent {sent_summary(again)}"
        if first:
            got[day] = sent_summary(first)
    assert got == expected
    # Overdue digests are copied to the secretariat; the others are not.
    for message in mail.outbox:
        assert message.cc == (["secretariat@example.org"] if "past due" in message.subject else [])
    assert Reminder.objects.count() == sum(len(v) for v in expected.values())
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.SENT}


def test_renewal_digest_content(demo):
    [fp_mail, mission_mail] = sorted(run_day(dt.date(2023, 5, 31)), key=lambda m: m.to[0])
    assert fp_mail.to == [FP]
    assert fp_mail.subject == renewal(30, 11)
    text = fp_mail.body
    fp_recs = [r for r in demo.recommendations if r.reference != "MLI-2023-03-R03"]
    assert len(fp_recs) == 11
    for rec in fp_recs:
        assert f"{rec.reference} — Not started" in text
        assert f"http://testserver/recommendations/{rec.pk}/" in text
    assert "MLI-2023-03-R03" not in text
    assert "comes up for renewal in 30 days, 30 June 2023" in text
    assert "The report for Council experts will be printed on 9 June 2023" in text
    assert "Last update: never" in text
    assert "You get this email because you are a focal point of UN Women" in text
    assert "write to the secretariat: secretariat@example.org" in text
    [(html, mimetype)] = fp_mail.alternatives
    assert mimetype == "text/html"
    r02 = fp_recs[1]
    assert f'<a class="ref" href="http://testserver/recommendations/{r02.pk}/" style="color: #1d70b8;font-weight: bold;">MLI-2023-03-R02</a>' in html
    assert "mailto:secretariat@example.org" in html
    # Whole texts up to 240 characters, longer ones cut at a word with "...".
    line = next(li for li in text.splitlines() if li.startswith("  Urge Malian transitional authorities"))
    assert line.endswith(" regretting that women are still significantly...")
    assert len(line.strip()) <= 240
    assert "  Urge the transitional authorities to redouble efforts to achieve the effective implementation of the " \
        "National Action Plan on Women, Peace and Security.\n" in text

    assert mission_mail.to == [MISSION]
    assert "MLI-2023-03-R03 — Not started" in mission_mail.body
    assert "This open recommendation of yours has had no status update" in mission_mail.body
    assert "focal point of MINUSMA, which owns these" in mission_mail.body


def test_text_is_escaped_in_html_and_plain_in_text(demo):
    rec = demo.recommendations[2]  # R03, MINUSMA's
    Recommendation.objects.filter(pk=rec.pk).update(text='Ask <script>alert("x")</script> & report')
    [message] = [m for m in run_day(dt.date(2023, 5, 1)) if m.to == [MISSION]]
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert 'Ask &lt;script&gt;alert("x")&lt;/script&gt; &amp; report' in html
    assert 'Ask <script>alert("x")</script> & report' in message.body


def test_dry_run_lists_and_sends_nothing(demo):
    out = io.StringIO()
    call_command("send_reminders", today="2023-05-31", dry_run=True, stdout=out)
    assert mail.outbox == []
    assert Reminder.objects.count() == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "Reminder pass for Wednesday 31 May 2023 (dry run):"
    mandate = demo.mandate.pk
    assert f"  would send: renewal to {FP} [mandate-{mandate}:T-30] {renewal(30, 11)}" in lines
    assert f"  would send: renewal to {MISSION} [mandate-{mandate}:T-30] {renewal(30, 1)}" in lines
    assert lines[-1] == "2 email(s) would be sent; nothing was sent or recorded."

    run_day(dt.date(2023, 5, 31))
    out = io.StringIO()
    call_command("send_reminders", today="2023-05-31", dry_run=True, stdout=out)
    assert f"  already sent: renewal to {FP} [mandate-{mandate}:T-30] {renewal(30, 11)}" in out.getvalue()
    assert out.getvalue().splitlines()[-1] == "0 email(s) would be sent; nothing was sent or recorded."


def test_command_output(demo):
    out = io.StringIO()
    call_command("send_reminders", today="2023-05-31", stdout=out)
    text = out.getvalue()
    assert f"  sent: renewal to {FP} [mandate-{demo.mandate.pk}:T-30] {renewal(30, 11)}" in text
    assert text.splitlines()[-1] == "2 email(s) sent, 0 failed (the next pass retries them)."


@pytest.mark.parametrize("bad", ["2023-02-30", "yesterday", "31/05/2023", ""])
def test_bad_today_is_a_clear_error(demo, bad):
    with pytest.raises(CommandError) as error:
        call_command("send_reminders", today=bad, stdout=io.StringIO())
    assert str(error.value) == f"--today must be a date written YYYY-MM-DD, such as 2023-05-01; got {bad!r}."
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def test_inactive_situation_sends_nothing(demo):
    demo.mali.is_active = False
    demo.mali.save()
    for day in (dt.date(2023, 5, 1), dt.date(2023, 6, 5), dt.date(2023, 6, 9), dt.date(2023, 6, 23)):
        assert run_day(day) == []
    assert Reminder.objects.count() == 0


def test_focal_point_of_two_entities_gets_one_digest_with_each_recommendation_once(demo):
    add_focal_point(entity=demo.minusma, user=demo.focalpoint)
    sent = run_day(dt.date(2023, 5, 1))
    assert sent_summary(sent) == sorted([(FP, renewal(60, 12)), (MISSION, renewal(60, 1))])
    [fp_mail] = [m for m in sent if m.to == [FP]]
    for rec in demo.recommendations:
        assert fp_mail.body.count(f"{rec.reference} — ") == 1
    assert "focal point of MINUSMA and UN Women, which own these recommendations on Mali" in fp_mail.body
    # The weekly digests too: one per situation and reason. No pass ran on 31 May: its
    # renewal digests go out now, five days late.
    sent = run_day(dt.date(2023, 6, 5))
    assert sent_summary(sent) == sorted([
        (FP, overdue(25, 12)), (MISSION, overdue(25, 1)), (FP, renewal(25, 12)), (MISSION, renewal(25, 1)),
    ])


def test_recommendation_updated_in_the_cycle_drops_out_of_the_next_digest(demo):
    run_day(dt.date(2023, 5, 1))
    r02, r05 = demo.recommendations[1], demo.recommendations[4]
    record_status_update(
        recommendation=r02, author=demo.focalpoint, status=ImplementationStatus.IN_PROGRESS, note="Law drafted."
    )
    record_status_update(
        recommendation=r05, author=demo.focalpoint, status=ImplementationStatus.IMPLEMENTED, note="Done."
    )
    [fp_mail] = [m for m in run_day(dt.date(2023, 5, 31)) if m.to == [FP]]
    assert fp_mail.subject == renewal(30, 9)
    assert "MLI-2023-03-R02" not in fp_mail.body and "MLI-2023-03-R05" not in fp_mail.body
    # Overdue lists what is still open, updated or not: R02 is in progress, R05 is closed.
    [fp_mail] = [m for m in run_day(dt.date(2023, 6, 5)) if m.to == [FP]]
    assert fp_mail.subject == overdue(25, 10)
    assert "MLI-2023-03-R02 — In progress" in fp_mail.body
    assert "MLI-2023-03-R05" not in fp_mail.body


def test_cycle_starts_when_the_renewed_mandate_expired(demo):
    """With an earlier mandate, an update made before it expired does not count for this
    cycle; one made after does."""
    older = factories.make_mandate(demo.mali, expires_on=dt.date(2022, 6, 30), mission="MINUSMA")
    demo.mandate.renews = older
    demo.mandate.save()
    r01, r02 = demo.recommendations[0], demo.recommendations[1]
    for rec in (r01, r02):
        record_status_update(recommendation=rec, author=demo.focalpoint, status=ImplementationStatus.IN_PROGRESS)
    # The dates of the updates, set directly: the service stamps the real clock.
    tz = timezone.get_current_timezone()
    Recommendation.objects.filter(pk=r01.pk).update(last_update_at=dt.datetime(2022, 6, 29, 23, 0, tzinfo=tz))
    Recommendation.objects.filter(pk=r02.pk).update(last_update_at=dt.datetime(2022, 6, 30, 0, 0, tzinfo=tz))
    sent = run_day(dt.date(2023, 5, 1))  # a Monday: the weekly digests go out too
    assert sent_summary(sent) == sorted([
        (FP, renewal(60, 10)),
        (FP, "Mali: 60 days to the renewal of MINUSMA's mandate — 2 recommendations have had no update for 90 days"),
        (MISSION, renewal(60, 1)),
    ])
    [fp_mail] = [m for m in sent if m.subject == renewal(60, 10)]
    assert "MLI-2023-03-R01 — In progress" in fp_mail.body
    assert "MLI-2023-03-R02" not in fp_mail.body
    [stale] = [m for m in sent if "90 days" in m.subject]
    assert "Last update: 29 June 2022" in stale.body and "Last update: 30 June 2022" in stale.body


def test_stale_digest_weekly_after_90_days_without_update(personas):
    ssd = personas.south_sudan
    entity = create_entity(name="UNMISS")
    fp = factories.make_user("ssd_fp")
    add_focal_point(entity=entity, user=fp)
    briefing = factories.make_briefing(ssd, personas.ssd_mandate)
    old, fresh, updated = factories.make_recommendations(briefing, 3, owners=[entity])
    tz = timezone.get_current_timezone()
    monday = dt.date(2024, 1, 8)
    Recommendation.objects.filter(pk__in=[old.pk, updated.pk]).update(
        created_at=dt.datetime(2023, 10, 9, 23, 59, tzinfo=tz)  # 91 days before
    )
    Recommendation.objects.filter(pk=fresh.pk).update(created_at=dt.datetime(2023, 10, 10, 0, 0, tzinfo=tz))  # 90
    Recommendation.objects.filter(pk=updated.pk).update(last_update_at=dt.datetime(2023, 12, 1, tzinfo=tz))
    assert run_day(monday - dt.timedelta(days=1)) == []  # not the digest weekday
    sent = [m for m in run_day(monday) if m.to != [FP] and m.to != [MISSION]]  # not Mali's overdue
    assert sent_summary(sent) == [
        ("ssd_fp@example.org",
         "South Sudan: 113 days to the renewal of UNMISS's mandate — 1 recommendation has had no update for 90 days")
    ]
    assert old.reference in sent[0].body and fresh.reference not in sent[0].body
    assert sent[0].cc == []
    assert Reminder.objects.get(recipient=fp).period == f"situation-{ssd.pk}:2024-W02"
    assert run_day(monday) == []


def test_users_without_email_or_inactive_get_nothing(demo):
    demo.focalpoint.email = ""
    demo.focalpoint.save()
    demo.mission.is_active = False
    demo.mission.save()
    assert run_day(dt.date(2023, 5, 1)) == []
    # Another focal point of UN Women, with an address, still gets UN Women's digest.
    add_focal_point(entity=demo.un_women, user=factories.make_user("deputy"))
    assert sent_summary(run_day(dt.date(2023, 5, 31))) == [("deputy@example.org", renewal(30, 11))]
