"""For HTML the product writes in Python where a template's loop was too slow (the list's
rows, the report's lines, the recommendation and mandate pages' rows, the filter selects'
options): escaping as ``{{ value }}`` escapes, and addresses as ``{% url %}`` writes them."""

from __future__ import annotations

import html

from django.urls import reverse


def escape(value) -> str:
    """Django's conditional_escape, the same text: a value that knows its HTML (``__html__``,
    e.g. a SafeString) as it is, anything else as its str() escaped. Without conditional_escape's
    check for lazy arguments on every call (keep_lazy): a list page escapes ~1,000 values, the
    report a thousand a page (issue 14). Returns a plain str: mark the whole once it is built."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class Urls:
    """reverse() once per URL name a page, each row's address then written from it: the same
    addresses as the {% url %} tag and get_absolute_url, without resolving the pattern per row
    (``Urls("recommendation_detail")(pk)``)."""

    _MARK = 987654321

    def __init__(self, name: str, *args):
        self.head, self.tail = reverse(name, args=[*args, self._MARK]).split(str(self._MARK))

    def __call__(self, pk) -> str:
        return f"{self.head}{int(pk)}{self.tail}"
