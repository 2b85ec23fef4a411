from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recommendations.models import Mandate, ProgressReport
from recommendations.reports import create_progress_report, generate_progress_report


class Command(BaseCommand):
    help = (
        "Generate a progress report PDF for one mandate and one audience, now (not in the "
        "background), and write it to a file. The version is also kept, with its SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mandate", required=True, help='The resolution symbol, e.g. "S/RES/2640 (2022)".')
        parser.add_argument(
            "--audience", required=True,
            help="council (only updates shared with Council experts) or secretariat (internal notes included).",
        )
        parser.add_argument(
            "--language", default="en", choices=["en", "fr"], help="The language of the report: en (default) or fr.",
        )
        parser.add_argument("--output", required=True, help="Where to write the PDF; its folder must exist.")
        parser.add_argument(
            "--archive", action="store_true",
            help="Write the archive version, PDF/A-3a (tagged, fonts embedded), instead of the standard PDF/UA-1.",
        )

    def handle(self, *args, mandate, audience, output, archive=False, language="en", **options):
        if audience not in ProgressReport.Audience.values:
            raise CommandError(_("Unknown audience %(value)r: use council or secretariat.") % {"value": audience})
        found = Mandate.objects.filter(symbol=mandate.strip()).first()
        if found is None:
            known = ", ".join(Mandate.objects.order_by("symbol").values_list("symbol", flat=True)[:20]) or _("none")
            raise CommandError(_("No mandate %(value)r. Known mandates: %(known)s.") % {"value": mandate, "known": known})
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(
                _("Cannot write %(output)s: the folder %(folder)s does not exist.") % {"output": output, "folder": target.parent}
            )
        report = create_progress_report(mandate=found, audience=audience, requested_by=None, language=language)
        report = generate_progress_report(report_id=report.pk, variant="archive" if archive else "standard")
        if report.state != ProgressReport.State.DONE:
            raise CommandError(_("The report failed: %(error)s") % {"error": report.error})
        with report.file.open("rb") as stored:
            target.write_bytes(stored.read())
        self.stdout.write(_("Wrote %(file)s (%(audience)s, %(symbol)s); version %(version)s, SHA-256 %(sha256)s; %(kind)s.") % {
            "file": target, "audience": report.get_audience_display(), "symbol": found.symbol, "version": report.pk,
            "sha256": report.sha256, "kind": "PDF/A-3a" if archive else "PDF/UA-1",
        })
