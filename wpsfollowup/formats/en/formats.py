"""English as the pages always showed it (LANGUAGE_CODE was en-gb): "30 June 2023", 24-hour
times, Monday first. LANGUAGES says "en", whose Django formats are American."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
