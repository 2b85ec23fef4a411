"""``send_reminders [--today YYYY-MM-DD] [--dry-run]``: the daily pass, run here and now."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import dateformat
from django.utils.translation import gettext as _

from recommendations.dates import local_today
from recommendations.reminders.services import (
    ReminderSendError,
    describe,
    run_daily_pass,
    send_reminder,
)


class Command(BaseCommand):
    help = (
        "Run the daily reminder pass synchronously: decide who gets which digest today, and "
        "send them from this process (not through the Celery broker). Safe to run any number "
        "of times: nothing is ever sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD",
            help="Run the pass as on this date (in TIME_ZONE). Default: today.",
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help="List who would get which digest; send nothing and write nothing.",
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        if today is None:
            day = local_today()
        else:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    _("--today must be a date written YYYY-MM-DD, such as 2023-05-01; got %(value)r.") % {"value": today}
                ) from None
        result = run_daily_pass(today=day, queue=False, dry_run=dry_run)
        when = dateformat.format(day, "l j F Y")
        if dry_run:
            self.stdout.write(_("Reminder pass for %(day)s (dry run):") % {"day": when})
        else:
            self.stdout.write(_("Reminder pass for %(day)s:") % {"day": when})
        if result.covered_from is not None and result.covered_from < day:
            start = dateformat.format(result.covered_from, "j F Y")
            self.stdout.write("  " + _("catching up: no pass completed since before %(day)s") % {"day": start})
        for item in result.missed:
            self.stdout.write("  " + _("too late to send, told to the secretariat: %(day)s %(what)s") % {
                "day": item.day.isoformat(), "what": item.what,
            })
        for symbol in result.report_plans:
            self.stdout.write("  " + _("would request the Council report of %(symbol)s") % {"symbol": symbol})
        for symbol in result.reports_requested:
            self.stdout.write("  " + _("Council report of %(symbol)s requested") % {"symbol": symbol})
        if dry_run:
            for digest in result.digests:
                done = digest.key in result.already_done
                line = _("already sent: %(kind)s to %(email)s [%(period)s] %(subject)s") if done else _(
                    "would send: %(kind)s to %(email)s [%(period)s] %(subject)s"
                )
                self.stdout.write("  " + line % {
                    "kind": digest.kind, "email": digest.email, "period": digest.period, "subject": digest.subject,
                })
            would = sum(1 for d in result.digests if d.key not in result.already_done)
            self.stdout.write(_("%(count)d email(s) would be sent; nothing was sent or recorded.") % {"count": would})
            return

        sent = failed = 0
        for pk in result.to_send:
            try:
                if send_reminder(reminder_id=pk):
                    sent += 1
                    self.stdout.write("  " + _("sent: %(email)s") % {"email": describe(pk)})
            except ReminderSendError as exc:
                failed += 1
                self.stderr.write("  " + _("failed: %(email)s: %(error)s") % {"email": describe(pk), "error": exc})
        for pk in result.stuck:
            self.stderr.write(
                "  " + _("resent with its first Message-ID (its worker died mid-send): %(email)s") % {"email": describe(pk)}
            )
        self.stdout.write(
            _("%(sent)d email(s) sent, %(failed)d failed (the next pass retries them).") % {"sent": sent, "failed": failed}
        )
