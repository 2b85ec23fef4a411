"""``send_reminders [--today YYYY-MM-DD] [--dry-run]``: the daily pass, run here and now."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

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
                raise CommandError(f"--today must be a date written YYYY-MM-DD, such as 2023-05-01; got {today!r}.") from None
        result = run_daily_pass(today=day, queue=False, dry_run=dry_run)
        self.stdout.write(f"Reminder pass for {day:%A} {day.day} {day:%B %Y}{' (dry run)' if dry_run else ''}:")
        if result.covered_from is not None and result.covered_from < day:
            start = result.covered_from
            self.stdout.write(f"  catching up: no pass completed since before {start.day} {start:%B %Y}")
        for item in result.missed:
            self.stdout.write(f"  too late to send, told to the secretariat: {item.day.isoformat()} {item.what}")
        for line in result.report_plans:
            self.stdout.write(f"  {line}")
        for symbol in result.reports_requested:
            self.stdout.write(f"  Council report of {symbol} requested")
        if dry_run:
            for digest in result.digests:
                done = digest.key in result.already_done
                verb = "already sent" if done else "would send"
                self.stdout.write(f"  {verb}: {digest.kind} to {digest.email} [{digest.period}] {digest.subject}")
            would = sum(1 for d in result.digests if d.key not in result.already_done)
            self.stdout.write(f"{would} email(s) would be sent; nothing was sent or recorded.")
            return

        sent = failed = 0
        for pk in result.to_send:
            try:
                if send_reminder(reminder_id=pk):
                    sent += 1
                    self.stdout.write(f"  sent: {describe(pk)}")
            except ReminderSendError as exc:
                failed += 1
                self.stderr.write(f"  failed: {describe(pk)}: {exc}")
        for pk in result.stuck:
            self.stderr.write(f"  resent with its first Message-ID (its worker died mid-send): {describe(pk)}")
        self.stdout.write(f"{sent} email(s) sent, {failed} failed (the next pass retries them).")
