from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recommendations.importing.decode import MAX_NOTE_BYTES
from recommendations.importing.parsed import NoteError
from recommendations.importing.save import import_ieg_update


class Command(BaseCommand):
    help = (
        "Import an IEG update note (its PDF, or its text): its briefing, recommendations "
        "and the mandate its annex quotes. One transaction; the same note twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The note as a PDF or a UTF-8 text file (at most 5 MB).")
        parser.add_argument("--situation", help="The situation's name, when it is not the one the title names.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be created and write nothing.")

    def handle(self, *args, path: Path, situation=None, dry_run=False, **options):
        try:
            size = path.stat().st_size
            if size > MAX_NOTE_BYTES:
                raise CommandError(_("%(path)s: the file is %(size)s bytes; notes are at most %(limit)s bytes") % {
                    "path": path, "size": f"{size:,}", "limit": f"{MAX_NOTE_BYTES:,}",
                })
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("%(path)s: cannot read the file (%(error)s)") % {"path": path, "error": exc.strerror}) from None
        try:
            outcome = import_ieg_update(data=data, situation_name=situation, dry_run=dry_run)
        except NoteError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line in outcome.lines:
            self.stdout.write(line)
        if dry_run and outcome.created:
            self.stdout.write(_("Dry run: nothing was written."))
