"""Small pieces of sentences shared by the pages, the emails and the services."""

from __future__ import annotations

from django.utils.translation import gettext


def and_list(items) -> str:
    """"UN Women, MINUSMA and OHCHR" in English, "UN Women, MINUSMA et HCDH" in French: names
    joined for a sentence in the active language."""
    names = [str(item) for item in items or ()]
    if len(names) < 2:
        return "".join(names)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(names[:-1]), "last": names[-1]}
