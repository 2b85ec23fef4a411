import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import dateformat
from django.utils.translation import gettext as _

from recommendations.demo import load_demo


class Command(BaseCommand):
    help = "Import the sample note and create the demo entities and one user per role. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo user (set again on each run). Without it, new users get a random one.",
        )

        parser.add_argument(
            "--as-of", dest="as_of",
            help="YYYY-MM-DD: the day the demo shows (run the app with WPS_DEMO_AS_OF set to it): updates, "
            "a withdrawal and a Council report are spread over the cycle before it.",
        )

    def handle(self, *args, password=None, as_of=None, **options):
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("--as-of must be a date, YYYY-MM-DD; got %(value)r") % {"value": as_of}) from None
        with override_settings(WPS_DEMO_AS_OF=day.isoformat() if day else settings.WPS_DEMO_AS_OF):
            logins = load_demo(password=password, as_of=day)
        self.stdout.write(_("Demo data ready. Logins (email <username>@example.org):"))
        for login in logins:
            state = _("created") if login.created else _("already there")
            self.stdout.write(f"  {login.username:<12} {login.role} ({state})")
        if day:
            self.stdout.write(_("The demo shows %(day)s: run the app with WPS_DEMO_AS_OF=%(iso)s.") % {
                "day": dateformat.format(day, "j F Y"), "iso": day.isoformat(),
            })
        if password:
            self.stdout.write(_("Password for all of them: %(password)s") % {"password": password})
        elif any(login.created for login in logins):
            self.stdout.write(_("New users got random passwords: run again with --password PW to set one."))
