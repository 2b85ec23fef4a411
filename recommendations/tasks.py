"""Celery tasks. Thin: they take ids (or an ISO date), never objects, and call a service,
imported inside the task so that importing this module (services queue tasks from here)
imports no feature package."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings

from recommendations.dates import local_today


@shared_task
def run_daily_pass_task(today: str | None = None) -> None:
    """Celery beat's daily pass (CELERY_BEAT_SCHEDULE). ``today`` as YYYY-MM-DD replays a
    day; without it, today in settings.TIME_ZONE. Sends are queued one task per reminder."""
    from recommendations.reminders.services import run_daily_pass

    day = dt.date.fromisoformat(today) if today else local_today()
    run_daily_pass(today=day, queue=True)


@shared_task(bind=True, max_retries=None)
def send_reminder_task(self, reminder_id: int) -> bool:
    """Claim and send one reminder. SMTP errors are retried after 2, 4, 8, ... seconds, for at
    most WPS_REMINDER_MAX_TRIES tries; then the row stays failed, with the error, for the
    next daily pass. A redelivered or duplicate task finds the row claimed and does nothing."""
    from recommendations.reminders.services import ReminderSendError, send_reminder

    try:
        return send_reminder(reminder_id=reminder_id)
    except ReminderSendError as exc:
        tries = self.request.retries + 1
        if tries >= settings.WPS_REMINDER_MAX_TRIES:
            return False
        raise self.retry(exc=exc, countdown=2**tries) from exc


@shared_task
def recover_stuck_work_task() -> None:
    """Celery beat, every few minutes: resend reminders whose worker died mid-send (same
    Message-ID), and fail, then retry once, progress reports that stopped moving."""
    from recommendations.reminders.services import requeue_stuck_reminders
    from recommendations.reports.services import recover_stalled_reports

    requeue_stuck_reminders()
    recover_stalled_reports()


# Reports


@shared_task
def generate_report_task(report_id: int) -> None:
    """Render one queued progress report (reports.generate_progress_report). Errors are
    recorded on the report row, not raised: a failed render is not retried blindly."""
    from recommendations.reports import generate_progress_report

    generate_progress_report(report_id=report_id)
