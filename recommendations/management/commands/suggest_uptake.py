import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recommendations.curation.uptake import suggest_uptake
from recommendations.models import Mandate


class Command(BaseCommand):
    help = (
        "Suggest the Council uptake of the proposals a renewing resolution answered: reflected, "
        "partly reflected or not reflected, with its paragraphs and the words that match. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--renewal", required=True, help='The renewing resolution, such as "S/RES/2640 (2022)".')
        parser.add_argument("--json", action="store_true", help='Print a JSON list of {"reference", "uptake", "paragraphs", "matched"}.')

    def handle(self, *args, renewal, json=False, **options):
        mandate = Mandate.objects.filter(symbol=renewal).first()
        if mandate is None:
            raise CommandError(_("%(symbol)s: no such mandate is recorded (import its resolution first)") % {"symbol": renewal})
        suggestions = suggest_uptake(renewal=mandate)
        if json:
            self.stdout.write(_dumps([s.as_json() for s in suggestions]))
            return
        if not suggestions:
            self.stdout.write(_("No recommendation for the situation “%(situation)s” proposed language for %(symbol)s.") % {
                "situation": mandate.situation, "symbol": mandate.symbol,
            })
        for s in suggestions:
            labels = ", ".join(p.label for p in s.paragraphs) or "—"
            self.stdout.write(f"{s.recommendation.reference}: {s.uptake} ({labels}) {' '.join(s.matched[:12])}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
