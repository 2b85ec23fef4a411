"""HTML escaping for text the product writes in Python (the list's rows, the report's lines,
the filter selects' options), where Django's templates would write ``{{ value }}``."""

from __future__ import annotations

import html


def escape(value) -> str:
    """Django's conditional_escape, the same text: a value that knows its HTML (``__html__``,
    e.g. a SafeString) as it is, anything else as its str() escaped. Without conditional_escape's
    check for lazy arguments on every call (keep_lazy): a list page escapes ~1,000 values, the
    report a thousand a page (issue 14). Returns a plain str: mark the whole once it is built."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
