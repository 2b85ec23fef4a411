from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recommendations.importing.akn import MAX_RESOLUTION_BYTES, ResolutionError
from recommendations.importing.resolution import import_resolution


class Command(BaseCommand):
    help = (
        "Import a Security Council resolution from the UN's Akoma Ntoso XML (.en.xml or .fr.xml): "
        "its mandate, official paragraphs, renewal or termination. One transaction; the same file "
        "twice changes nothing; the other language's file adds its texts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The resolution's AKN XML file (at most 5 MB).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be done and write nothing.")

    def handle(self, *args, path: Path, dry_run=False, **options):
        try:
            size = path.stat().st_size
            if size > MAX_RESOLUTION_BYTES:
                raise CommandError(_("%(path)s: the file is %(size).1f MB; a resolution must be at most 5 MB") % {
                    "path": path, "size": size / 1024 / 1024,
                })
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("%(path)s: cannot read the file (%(error)s)") % {"path": path, "error": exc.strerror}) from None
        try:
            outcome = import_resolution(data=data, dry_run=dry_run)
        except ResolutionError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line in outcome.lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
