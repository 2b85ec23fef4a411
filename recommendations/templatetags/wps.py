"""Template helpers for the pages: status and uptake tags, days to renewal, the error
summary. Output is built with format_html, so every value is escaped."""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import quote

from django import template
from django.template.defaultfilters import stringfilter
from django.utils import dateformat, formats, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import gettext, pgettext

from recommendations import access
from recommendations.dates import format_days_left, format_long_date, local_today
from recommendations.html_writer import Urls
from recommendations.html_writer import escape as _escape
from recommendations.models import Addressee, ImplementationStatus, StatusUpdate, Uptake
from recommendations.words import and_list, colon

register = template.Library()

# Under these many days the renewal is near (amber) or imminent (red); UI.md.
AMBER_UNDER = 30
RED_UNDER = 14


_TAGS: dict[tuple, str] = {}


def _tag(choices, value: str, css_prefix: str = "", *, language: str | None = None):
    """A choice as a coloured tag that also says its word (never colour alone); an unknown
    value shows as itself. Built once per choice and language (a dashboard shows 200 of them:
    issue 14); ``language``: the active one, where the caller has it already."""
    key = (choices, value, css_prefix, language or translation.get_language())
    found = _TAGS.get(key)
    if found is None:
        label = choices(value).label if value in choices.values else value
        found = format_html('<strong class="tag tag--{}{}">{}</strong>', css_prefix, value, label)
        if value in choices.values:  # unknown values are not kept: they could be anything
            _TAGS[key] = found
    return found


@register.simple_tag
def status_tag(value: str):
    return _tag(ImplementationStatus, value)


@register.simple_tag
def uptake_tag(value: str):
    return _tag(Uptake, value, "uptake-")


@register.simple_tag
def count_rows(counts, *, situation_id: int, list_url: str, key: str):
    """The rows of a dashboard card's count table: each status (``key`` "status") or uptake
    ("uptake") of ``counts`` ((value, label, n) from curation.selectors.fill_dashboard_cards)
    as its tag, and its number linked to the list of those (0 unlinked). One tag a table, not
    a template loop: the loops of 20 cards were a third of the dashboard's rendering at
    100,000 recommendations (issue 14)."""
    tag = status_tag if key == "status" else uptake_tag
    return format_html_join(
        "\n", '<tr><th scope="row">{}</th><td class="num">{}</td></tr>',
        (
            (tag(value), format_html(
                '<a href="{}?situation={}&amp;{}={}" aria-label="{} {}">{}</a>', list_url, situation_id, key, value,
                formats.localize(n), str(label).lower(), formats.localize(n),
            ) if n else "0")
            for value, label, n in counts
        ),
    )


@register.simple_tag
def visibility_tag(value: str):
    return _tag(StatusUpdate.Visibility, value)


@register.simple_tag
def days_left(expires_on: dt.date | None, days: int | None = None):
    """"34 days, 30 June 2023", amber under 30 days and red under 14 (or past)."""
    if expires_on is None:
        return ""
    if days is None:
        days = (expires_on - local_today()).days
    level = "red" if days < RED_UNDER else "amber" if days < AMBER_UNDER else "ok"
    return format_html('<span class="days days--{}">{}</span>', level, format_days_left(days, expires_on))


@functools.lru_cache(maxsize=16)
def _labels(choices, language: str | None) -> dict[str, str]:
    """The label of each value of ``choices`` (a TextChoices), translated once a process into
    ``language``, the active one (a list page's rows asked the catalogue for each of their
    labels, ~4 µs a time: issue 14)."""
    return {member.value: str(member.label) for member in choices}


@register.filter
def addressee_label(value: str) -> str:
    """An addressee in words: what Recommendation.get_addressee_display gives (an unknown
    value as itself), without the dict of every choice, each label translated to hash it,
    that Django builds on each call (50 a list page: issue 14)."""
    return _labels(Addressee, translation.get_language()).get(value, value)


# Django's own message (django.utils.text.add_truncation_text), in Django's catalogue: given
# through a name, so that makemessages does not copy it into ours.
_DJANGOS_ELLIPSIS = ("String to return when truncating text", "%(truncated_text)s…")


@functools.lru_cache(maxsize=16)
def _ellipsis(language: str | None) -> str:
    """What truncatechars adds, in ``language`` (the active one)."""
    return pgettext(*_DJANGOS_ELLIPSIS)


@register.filter(is_safe=True)
@stringfilter
def excerpt(value: str, length: int) -> str:
    """Django's ``truncatechars``, the same text, without its walk over every character
    where no character can combine (ASCII), and with the ellipsis translated once a language
    (twice an excerpt otherwise; 50 excerpts a list page: issue 14)."""
    return _excerpt(value, int(length), _ellipsis(translation.get_language()))


def _excerpt(value: str, length: int, ellipsis: str) -> str:
    """:func:`excerpt` with the language's ellipsis given."""
    if not value.isascii() or length <= 0:
        return Truncator(value).chars(length, truncate=ellipsis)
    if len(value) <= length:
        return value
    # ASCII: every character counts, so truncatechars keeps the first (length - the ellipsis's
    # length) and adds the language's ellipsis, as here.
    return add_truncation_text(value[: calculate_truncate_chars_length(length, ellipsis)], ellipsis)


@register.simple_tag
def list_rows(recs, back: str):
    """The list page's table rows, one ``<tr>`` per recommendation of ``recs`` (with
    ``theme_names``, ``owner_names`` and ``shown_status``: selectors.with_row_details), each
    value escaped; ``back`` is where the detail page's "back" link returns. Written in Python,
    the HTML the row's template loop wrote (its labels translated once a page): the loop's
    nodes, filters and lookups were a third of the page's rendering at 100,000 recommendations
    (issue 14). tests/web/test_list_rendering.py checks the rows against the template's."""
    # What each row writes in the active language, looked up once: asking for the language
    # itself took ~1.5 µs, four times a row (issue 14).
    language = translation.get_language()
    ellipsis, addressees = _ellipsis(language), _labels(Addressee, language)
    # The labels as the template's {% translate %} wrote them: our own catalogue's text, not escaped.
    reference, text, addressee, owners, due, status = (
        gettext(label) for label in ("Reference", "Recommendation", "Addressee", "Owners", "Due", "Status")
    )
    none_yet = f'<span class="hint-inline">{gettext("None yet")}</span>'
    url = Urls("recommendation_detail")
    back_query = _escape(quote(back, safe=""))
    rows = []
    for rec in recs:
        themes = rec.theme_names
        rows.append(
            "\n        <tr>\n"
            f'          <th scope="row" data-label="{reference}" class="nowrap">'
            f'<a href="{_escape(url(rec.pk))}?back={back_query}">{_escape(rec.reference)}</a>'
            f'<br><span class="hint-inline">{_escape(rec.situation.name)}</span></th>\n'
            f'          <td data-label="{text}" class="excerpt">{_escape(_excerpt(rec.text, 120, ellipsis))}'
            + (f'<br><span class="hint-inline">{"; ".join(_escape(name) for name in themes)}</span>' if themes else "")
            + "</td>\n"
            f'          <td data-label="{addressee}">{_escape(addressees.get(rec.addressee, rec.addressee))}</td>\n'
            f'          <td data-label="{owners}">{", ".join(_escape(name) for name in rec.owner_names) or none_yet}</td>\n'
            f'          <td data-label="{due}" class="nowrap">{_escape(long_date(rec.due_on, language=language) or "–")}</td>\n'
            f'          <td data-label="{status}">{_tag(ImplementationStatus, rec.shown_status, language=language)}</td>\n'
            "        </tr>\n      "
        )
    return mark_safe("".join(rows))


@register.filter
def number(value: int) -> str:
    """A whole number with the language's digit grouping: 10,000; 10 000 in French."""
    return formats.number_format(value, force_grouping=True)


@register.filter
def long_date(value, *, language: str | None = None) -> str:
    """30 June 2023 (no leading zero), for dates and datetimes; ``language``: the active one,
    where the caller has it already."""
    if not value:
        return ""
    return format_long_date(value, language=language)


@register.filter
def months(values) -> str:
    """["2016-02", "2016-09"] -> "February 2016, September 2016"; anything else as given."""
    words = []
    for value in values or ():
        try:
            words.append(dateformat.format(dt.date.fromisoformat(value + "-01"), "F Y"))
        except (TypeError, ValueError):
            words.append(str(value))
    return ", ".join(words)


register.filter("and_list", and_list)


register.simple_tag(colon, name="colon")


@register.filter
def join_labels(paragraphs) -> str:
    """"OP 3, OP 26 (a)": the official labels of some paragraphs, for a translated sentence
    that names them as one value."""
    return ", ".join(p.label for p in paragraphs or ())


@register.filter
def is_secretariat(user) -> bool:
    return access.is_secretariat(user)


@register.filter
def evidence_href(item: str) -> str:
    """A link for a piece of evidence: itself when it is a web link, the UN's document
    resolver for a symbol."""
    if item.startswith(("https://", "http://")):
        return item
    return "https://undocs.org/en/" + item


@register.simple_tag
def error_items(*forms):
    """(href, message) for every error of the given forms, for the summary at the top of
    the page; each links to its field."""
    items = []
    seen = set()
    for form in forms:
        # The same form may be passed twice (as itself and as the first form with errors).
        if not form or not getattr(form, "errors", None) or id(form) in seen:
            continue
        seen.add(id(form))
        for message in form.non_field_errors():
            items.append(("#main", message))
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            field = form[name] if name in form.fields else None
            href = f"#{field.auto_id}" if field is not None and field.auto_id else "#main"
            if field is not None and field.widget_type == "radioselect":
                href += "_0"
            for message in errors:
                label = field.label if field is not None else name
                items.append((href, f"{label}: {message}" if field is not None and field.is_hidden is False else message))
    return items


@register.simple_tag
def demo_banner():
    """On every page of a demo run as of a day: "Demo: the app shows 10 May 2023"."""
    from recommendations.dates import demo_as_of

    day = demo_as_of()
    if day is None:
        return ""
    return format_html(
        '<div class="demo-banner" role="note"><div class="width-container">'
        "<strong>{}</strong> {}</div></div>", gettext("Demo:"), gettext("the app shows %(day)s") % {"day": format_long_date(day)}
    )


@register.filter
def paragraph_text(paragraph) -> str:
    """A mandate paragraph's text in the reader's language: the resolution's French text for a
    French reader where the UN publishes one; otherwise the English text, marked as English
    when the reader reads French."""
    if translation.get_language() == "fr":
        if getattr(paragraph, "text_fr", ""):
            return format_html('<span lang="fr">{}</span>', paragraph.text_fr)
        return format_html('<span lang="en">{}</span> <span class="hint-inline">{}</span>', paragraph.text, gettext("(in English)"))
    return paragraph.text


@register.simple_tag
def written_in_english():
    """After a text that stays in the language it was written in (recommendations, notes):
    "(in English)" for a reader who reads another language; nothing for an English reader."""
    if translation.get_language() in (None, "en") or translation.get_language().startswith("en"):
        return ""
    return format_html(' <span class="hint-inline">{}</span>', gettext("(in English)"))
