from django.core.management.base import BaseCommand

from recommendations.demo import load_demo


class Command(BaseCommand):
    help = "Import the sample note and create the demo entities and one user per role. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo user (set again on each run). Without it, new users get a random one.",
        )

    def handle(self, *args, password=None, **options):
        logins = load_demo(password=password)
        self.stdout.write("Demo data ready. Logins (email <username>@example.org):")
        for login in logins:
            state = "created" if login.created else "already there"
            self.stdout.write(f"  {login.username:<12} {login.role} ({state})")
        if password:
            self.stdout.write(f"Password for all of them: {password}")
        elif any(login.created for login in logins):
            self.stdout.write("New users got random passwords: run again with --password PW to set one.")
