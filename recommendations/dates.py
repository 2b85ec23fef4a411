"""Dates in the one configured time zone (settings.TIME_ZONE). Renewal deadlines, due dates
and reminder days are calendar dates there, whatever zone the server runs in."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext, ngettext


def demo_as_of() -> dt.date | None:
    """The demo's day (settings.WPS_DEMO_AS_OF), or None outside a demo."""
    value = getattr(settings, "WPS_DEMO_AS_OF", None)
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def local_today() -> dt.date:
    """Today in the configured zone; in a demo run as of a day (WPS_DEMO_AS_OF), that day."""
    return demo_as_of() or timezone.localdate()


def start_of_day(day: dt.date) -> dt.datetime:
    """The aware datetime at which ``day`` begins in the configured zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def format_days_left(days: int, on: dt.date) -> str:
    """"34 days, 30 June 2023" — the way pages and emails show time to a deadline."""
    if days == 0:
        words = gettext("today")
    elif days < 0:
        words = ngettext("%(count)d day ago", "%(count)d days ago", -days) % {"count": -days}
    else:
        words = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    return f"{words}, {format_long_date(on)}"


def day_month_year(day: dt.date) -> str:
    """"09 June 2023", "09 juin 2023": the importers' report lines (zero-padded day, as they
    always were), the month in the active language."""
    return dateformat.format(day, "d F Y")


def format_long_date(value: dt.date | dt.datetime, *, language: str | None = None) -> str:
    """30 June 2023 (no leading zero); a datetime as its day in the configured zone.
    ``language``: the active one, where the caller has it already."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return _long_date(value, language or get_language())


@functools.lru_cache(maxsize=4096)
def _long_date(day: dt.date, language: str | None) -> str:
    # Django's format, not strftime: the month in the active language ("30 juin 2023"), the
    # one the cache is keyed on. Kept: dateformat parses its format and translates the month
    # on every call, a twentieth of the list page's rendering for 50 due dates (issue 14).
    return dateformat.format(day, "j F Y")
