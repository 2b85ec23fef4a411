"""Small pieces of sentences shared by the pages, the emails and the services."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, gettext_noop


def colon() -> str:
    """The colon between a phrase and what it introduces, as the active language writes it:
    ":" in English, a no-break space then ":" in French ("depuis le 28 mars 2023 : MLI-...")."""
    return "\u00a0:" if (translation.get_language() or "").startswith("fr") else ":"


def and_list(items) -> str:
    """"UN Women, MINUSMA and OHCHR" in English, "UN Women, MINUSMA et HCDH" in French: names
    joined for a sentence in the active language."""
    names = [str(item) for item in items or ()]
    if len(names) < 2:
        return "".join(names)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(names[:-1]), "last": names[-1]}


# The names of importing.suggest.THEMES, listed here so that makemessages finds them: a
# theme's name is data (Theme.name, kept in English in exports and the API) and the pages
# show it in the reader's language through Theme.__str__. tests/i18n checks the two lists agree.
THEME_NAMES = (
    gettext_noop("Participation and leadership"),
    gettext_noop("Elections and political transition"),
    gettext_noop("Protection and human rights defenders"),
    gettext_noop("Sexual and gender-based violence"),
    gettext_noop("Justice and accountability"),
    gettext_noop("Displacement and humanitarian needs"),
    gettext_noop("Civil society and women's organizations"),
    gettext_noop("National action plan"),
    gettext_noop("Security sector and counterterrorism"),
    gettext_noop("Climate and natural resources"),
    gettext_noop("Harmful practices"),
    gettext_noop("Monitoring and reporting"),
)
