import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recommendations.curation.changes import compare_mandates
from recommendations.models import Mandate


class Command(BaseCommand):
    help = "What changed from one resolution to the next: each old paragraph paired with its successor."

    def add_arguments(self, parser):
        parser.add_argument("old_symbol", help='The earlier resolution, such as "S/RES/2584 (2021)".')
        parser.add_argument("new_symbol", help='The later resolution, such as "S/RES/2640 (2022)".')
        parser.add_argument("--wps", action="store_true", help="Only pairs with women, peace and security language.")
        parser.add_argument("--json", action="store_true", help='Print a JSON list of {"old", "new", "kind"}.')

    def handle(self, *args, old_symbol, new_symbol, wps=False, json=False, **options):
        mandates = {m.symbol: m for m in Mandate.objects.filter(symbol__in=[old_symbol, new_symbol])}
        for symbol in (old_symbol, new_symbol):
            if symbol not in mandates:
                raise CommandError(_("%(symbol)s: no such mandate is recorded (import its resolution first)") % {"symbol": symbol})
        changes = compare_mandates(old=mandates[old_symbol], new=mandates[new_symbol], wps_only=wps)
        if json:
            self.stdout.write(_json_dumps([c.as_json() for c in changes]))
            return
        for c in changes:
            self.stdout.write(f"{c.kind:<10} {c.old.label if c.old else '—':<24} {c.new.label if c.new else '—'}")


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
