"""The repeated parts of the recommendation page (its timeline of status updates) and of the
mandate page (a paragraph's summary, the recommendations linked to none), written in Python.
The HTML is the templates' own, byte for byte (their spaces and line breaks included), with
the same msgids, each value escaped as the template escaped it; the templates keep the page's
structure and call these once per row. Through the template engine each row was dozens of
nodes (tags, blocktranslates, filters): about a third of each page's Python time at 100,000
recommendations (issue 14)."""

from __future__ import annotations

import html

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from recommendations.templatetags.wps import evidence_href, excerpt, long_date, paragraph_text, status_tag, visibility_tag

register = template.Library()


def _e(value) -> str:
    """``{{ value }}`` in an autoescaping template: Django's conditional_escape, the same text.
    (Not for ``{% translate "..." %}``: a template's literal is safe, and so is its
    translation; blocktranslate escapes its values only.)"""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class _Urls:
    """reverse() once per URL name a page, each row's address then written from it: the same
    addresses as the {% url %} tag and get_absolute_url, without resolving the pattern per row."""

    _MARK = 987654321

    def __init__(self, name: str, *args):
        self.head, self.tail = reverse(name, args=[*args, self._MARK]).split(str(self._MARK))

    def __call__(self, pk) -> str:
        return f"{self.head}{int(pk)}{self.tail}"


def _quotations(quotations, paragraph) -> str:
    """recommendations/_quotations.html, included with ``quotations`` and ``paragraph``."""
    parts = []
    for q in quotations:
        date = _e(long_date(q.briefing.issued_on))
        if q.label != paragraph.label:
            said = gettext("As quoted in the note (%(date)s), as %(label)s:") % {"date": date, "label": _e(q.label)}
        else:
            said = gettext("As quoted in the note (%(date)s):") % {"date": date}
        differs = ""
        if q.differs:
            words = gettext("The note's text differs from the resolution beyond its cuts")
            differs = f'<p><strong class="tag tag--amber tag--wrap">{words}</strong></p>'
        parts.append(
            f'\n<div class="quotation">\n  <p class="hint">{said}</p>\n  <p class="measure">{_e(q.text)}</p>\n'
            f"  {differs}\n</div>\n"
        )
    return "".join(parts) + "\n"


# --- the mandate page ------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def paragraph_row(context, row, mandate):
    """One paragraph of the mandate page (curation.selectors.ParagraphRow): its label and
    text, the notes' quotations of it, how many recommendations are linked by status, the
    first few, and a link to all of them."""
    urls = context.render_context.get("pages_rec_urls")
    if urls is None:
        urls = context.render_context["pages_rec_urls"] = _Urls("recommendation_detail")
    p = row.paragraph
    parts = [f'\n  <div class="paragraph" id="p-{_e(p.pk)}">\n    <h3 class="heading-s">{_e(p.label)}']
    if not row.count:
        parts.append(f' <strong class="tag tag--amber">{gettext("Not covered")}</strong>')
    parts.append(f'</h3>\n    <p class="measure">{_e(paragraph_text(p))}</p>\n    {_quotations(row.quotations, p)}\n    ')
    if row.count:
        linked = ngettext("%(n)s recommendation linked:", "%(n)s recommendations linked:", row.count) % {"n": row.count}
        statuses = ", ".join(f"{_e(n)} {_e(str(label).lower())}" for _value, label, n in row.by_status)
        confirmed = f'<span class="tag tag--green">{gettext("Confirmed link")}</span>'
        suggested = f'<span class="tag tag--grey">{gettext("Suggested link")}</span>'
        items = "".join(
            f'<li><a href="{urls(link.recommendation.pk)}">{_e(link.recommendation.reference)}</a> '
            f"{status_tag(link.recommendation.shown_status)} {confirmed if link.confirmed else suggested}"
            f'<br><span class="hint-inline">{_e(excerpt(link.recommendation.text, 140))}</span></li>'
            for link in row.links
        )
        parts.append(
            f'\n    <p class="hint">{linked} {statuses}.</p>\n    <ul class="list-plain links">\n      {items}\n    </ul>\n    '
        )
        if row.count > len(row.links):
            all_linked = gettext("All %(n)s recommendations linked to %(label)s") % {"n": row.count, "label": _e(p.label)}
            parts.append(
                f'<p><a href="{_e(reverse("recommendation_list"))}?situation={_e(mandate.situation_id)}'
                f'&amp;paragraph={_e(p.pk)}">{all_linked}</a></p>'
            )
        parts.append("\n    ")
    parts.append("\n  </div>\n  ")
    return mark_safe("".join(parts))


@register.simple_tag
def unlinked_items(recs):
    """The mandate page's recommendations linked to no paragraph: each <li>."""
    urls = _Urls("recommendation_detail")
    return mark_safe("".join(
        f'<li><a href="{urls(rec.pk)}">{_e(rec.reference)}</a> {status_tag(rec.shown_status)}'
        f'<br><span class="hint-inline">{_e(excerpt(rec.text, 140))}</span></li>'
        for rec in recs
    ))
