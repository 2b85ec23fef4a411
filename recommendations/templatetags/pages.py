"""The repeated parts of the recommendation page (its timeline of status updates) and of the
mandate page (a paragraph's summary, the recommendations linked to none), written in Python.
The HTML is the templates' own, byte for byte (their spaces and line breaks included), with
the same msgids, each value escaped as the template escaped it; the templates keep the page's
structure and call these once per row. Through the template engine each row was dozens of
nodes (tags, blocktranslates, filters): about a third of each page's Python time at 100,000
recommendations (issue 14)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext

from recommendations import access
from recommendations.html_writer import Urls as _Urls
from recommendations.html_writer import escape as _e
from recommendations.templatetags.wps import (
    evidence_href,
    excerpt,
    long_date,
    paragraph_text,
    status_tag,
    visibility_tag,
)
from recommendations.words import colon

register = template.Library()

# _e(value) writes ``{{ value }}`` (recommendations/html_writer.py). Not for ``{% translate "..." %}``:
# a template's literal is safe, and so is its translation; blocktranslate escapes its values only.


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
        not_covered = gettext("Not covered")
        parts.append(f' <strong class="tag tag--amber">{not_covered}</strong>')
    parts.append(f'</h3>\n    <p class="measure">{_e(paragraph_text(p))}</p>\n    {_quotations(row.quotations, p)}\n    ')
    if row.count:
        linked = ngettext("%(n)s recommendation linked:", "%(n)s recommendations linked:", row.count) % {"n": row.count}
        statuses = ", ".join(f"{_e(n)} {_e(str(label).lower())}" for _value, label, n in row.by_status)
        confirmed, suggested = gettext("Confirmed link"), gettext("Suggested link")
        confirmed = f'<span class="tag tag--green">{confirmed}</span>'
        suggested = f'<span class="tag tag--grey">{suggested}</span>'
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
def folded_items(paragraphs):
    """The mandate page's folded paragraphs (neither linked nor quoted): each <li>. An
    imported resolution folds a hundred of them."""
    said = _e(colon())
    return mark_safe("".join(
        f'<li id="p-{_e(p.pk)}"><strong>{_e(p.label)}</strong>{said} {_e(paragraph_text(p))}</li>' for p in paragraphs
    ))


@register.simple_tag
def uncovered_items(paragraphs):
    """The mandate page's paragraphs no recommendation covers: each <li>, linked to its row."""
    said = _e(colon())
    return mark_safe("".join(
        f'<li><a href="#p-{_e(p.pk)}">{_e(p.label)}</a>{said} {_e(excerpt(p.text, 120))}</li>' for p in paragraphs
    ))


@register.simple_tag
def unlinked_items(recs):
    """The mandate page's recommendations linked to no paragraph: each <li>."""
    urls = _Urls("recommendation_detail")
    return mark_safe("".join(
        f'<li><a href="{urls(rec.pk)}">{_e(rec.reference)}</a> {status_tag(rec.shown_status)}'
        f'<br><span class="hint-inline">{_e(excerpt(rec.text, 140))}</span></li>'
        for rec in recs
    ))


# --- the recommendation page -----------------------------------------------------------------


@register.simple_tag(takes_context=True)
def linked_paragraph(context, link, rec, can_curate):
    """One paragraph the recommendation is linked to (selectors.recommendation_detail sets
    ``quotations``): folded, with its text, the notes' quotations of it, a link to it on its
    mandate's page, and the secretariat's Confirm and Unlink buttons."""
    p = link.paragraph
    symbol, label = _e(p.mandate.symbol), _e(p.label)
    if link.confirmed:
        word = gettext("Confirmed")
        tag = f'<strong class="tag tag--green">{word}</strong>'
    else:
        word = gettext("Suggested")
        tag = f'<strong class="tag tag--grey">{word}</strong>'
    on_page = gettext("%(label)s on the page of %(symbol)s") % {"label": label, "symbol": symbol}
    parts = [
        f'\n  <details class="paragraph paragraph--folded">\n    <summary><span class="paragraph__label">{symbol} {label}</span>'
        f'\n      {tag}\n      <span class="paragraph__excerpt">{_e(excerpt(p.text, 90))}</span></summary>'
        f'\n    <p class="measure">{_e(paragraph_text(p))}</p>\n    {_quotations(link.quotations, p)}'
        f'\n    <p><a href="{_e(p.mandate.get_absolute_url())}#p-{_e(p.pk)}">{on_page}</a></p>\n    '
    ]
    if can_curate:
        csrf = _csrf_input(context)
        confirm = ""
        if not link.confirmed:
            word, hidden = gettext("Confirm"), gettext("link to %(label)s") % {"label": label}
            confirm = (
                f'<form method="post" action="{_e(reverse("confirm_link", args=[rec.pk]))}" class="inline-form">{csrf}'
                f'<input type="hidden" name="confirm-paragraph" value="{_e(p.pk)}">'
                f'<button type="submit" class="button button--secondary button--small">{word}'
                f'<span class="visually-hidden"> {hidden}</span></button></form>'
            )
        word = gettext("Unlink")
        parts.append(
            f'\n    <div class="button-group">\n      {confirm}\n      '
            f'<form method="post" action="{_e(reverse("unlink_paragraph", args=[rec.pk]))}" class="inline-form">{csrf}'
            f'<input type="hidden" name="unlink-paragraph" value="{_e(p.pk)}">'
            f'<button type="submit" class="button button--warning button--small">{word}'
            f'<span class="visually-hidden"> {label}</span></button></form>\n    </div>\n    '
        )
    parts.append("\n  </details>\n  ")
    return mark_safe("".join(parts))


def _author(user) -> str:
    """``user.get_full_name|default:user.username``."""
    return user.get_full_name() or user.username


@register.simple_tag(takes_context=True)
def timeline_item(context, u, rec):
    """One status update of the recommendation page's timeline (selectors.recommendation_detail
    sets ``corrected``, ``corrected_by`` and, for those who record updates, ``may_correct``):
    a withdrawal, or an update with what withdrew or corrected it."""
    if u.kind == "withdrawal":
        values = {
            "author": _e(_author(u.author)),
            "date": _e(long_date(u.corrected.created_at if u.corrected else "")),
            "status": _e(u.get_status_display().lower()),
            "pk": _e(u.corrects_id),
        }
        if u.on_behalf_of:
            values["entity"] = _e(u.on_behalf_of.name)
            said = gettext(
                'By %(author)s for %(entity)s: withdraws <a href="#update-%(pk)s">the update of %(date)s</a>; the '
                "status goes back to %(status)s."
            ) % values
        else:
            said = gettext(
                'By %(author)s: withdraws <a href="#update-%(pk)s">the update of %(date)s</a>; the status goes back '
                "to %(status)s."
            ) % values
        withdrawal = gettext("Withdrawal")
        return mark_safe(
            f'\n    \n    <li class="timeline__item timeline__item--withdrawal" id="update-{_e(u.pk)}">\n'
            f'      <h3 class="heading-s"><strong class="tag tag--grey">{withdrawal}</strong> '
            f'<span class="timeline__date">{_e(long_date(u.created_at))}</span></h3>\n'
            f'      <p class="hint-inline">{said}</p>\n    </li>\n    \n    '
        )
    by = u.corrected_by
    tag = status_tag(u.status)
    parts = [
        f'\n    \n    <li class="timeline__item{" timeline__item--retracted" if by else ""}" id="update-{_e(u.pk)}">\n'
        f'      <h3 class="heading-s">{f"<del>{tag}</del>" if by else tag} '
        f'<span class="timeline__date">{_e(long_date(u.created_at))}</span>'
    ]
    if u.kind == "correction":
        correction = gettext("Correction")
        parts.append(f' <strong class="tag tag--grey">{correction}</strong>')
    parts.append("</h3>\n      ")
    if by:
        values = {"date": _e(long_date(by.created_at)), "author": _e(_author(by.author))}
        if by.kind == "withdrawal":
            values["note"] = _e(by.note)
            said = gettext(
                "<strong>Withdrawn %(date)s</strong> by %(author)s: %(note)s. Not counted anywhere else."
            ) % values
        else:
            values["pk"] = _e(by.pk)
            said = gettext(
                '<strong>Corrected %(date)s</strong> by %(author)s (<a href="#update-%(pk)s">the correction</a>). '
                "Not counted anywhere else."
            ) % values
        parts.append(f'<p class="retracted">{said}</p>')
    parts.append("\n      ")
    if u.corrected:
        said = gettext('Corrects <a href="#update-%(pk)s">the update of %(date)s</a>.') % {
            "pk": _e(u.corrected.pk), "date": _e(long_date(u.corrected.created_at)),
        }
        parts.append(f'<p class="hint-inline">{said}</p>')
    if u.on_behalf_of:
        said = gettext("By %(author)s for %(entity)s") % {"author": _e(_author(u.author)), "entity": _e(u.on_behalf_of.name)}
    else:
        said = gettext("By %(author)s") % {"author": _e(_author(u.author))}
    parts.append(f'\n      <p class="hint-inline">{said} · {visibility_tag(u.visibility)}</p>\n      ')
    if u.note:
        note = f"<del>{linebreaksbr(u.note, autoescape=True)}</del>" if by else linebreaks_filter(u.note, autoescape=True)
        parts.append(f'<div class="measure note">{note}</div>')
    parts.append("\n      ")
    if u.evidence:
        items = ", ".join(
            f'<a href="{_e(evidence_href(item))}" rel="noopener noreferrer">{_e(item)}</a>' for item in u.evidence
        )
        evidence = gettext("Evidence:")
        parts.append(f'<p class="evidence">{evidence} {items}</p>')
    parts.append("\n      ")
    if getattr(u, "may_correct", False):
        urls = context.render_context.get(("pages_correct_urls", rec.pk))
        if urls is None:
            urls = context.render_context[("pages_correct_urls", rec.pk)] = _Urls("correct_update", rec.pk)
        when = gettext("the update of %(date)s") % {"date": _e(long_date(u.created_at))}
        correct = gettext("Correct or withdraw")
        parts.append(
            f'<p><a href="{urls(u.pk)}">{correct}<span class="visually-hidden"> {when}</span></a></p>'
        )
    parts.append("\n    </li>\n    \n    ")
    return mark_safe("".join(parts))


def _csrf_input(context) -> str:
    """``{% csrf_token %}``."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(token)}">'


@register.simple_tag(takes_context=True)
def history_item(context, h, rec, can_curate):
    """One change of the recommendation page's history (curation.history.HistoryEntry), with
    its "Undo" button for the secretariat."""
    undo = ""
    if h.undo and can_curate:
        owner = h.undo[0] == "owner"
        action = reverse("assign_owner" if owner else "link_paragraph", args=[rec.pk])
        button = gettext("Undo")
        undo = (
            f'<form method="post" class="inline-form" action="{_e(action)}">{_csrf_input(context)}'
            f'<input type="hidden" name="{"assign-entity" if owner else "link-paragraph"}" value="{_e(h.undo[1])}">'
            f'<button type="submit" class="button button--secondary button--small">{button}'
            f'<span class="visually-hidden">: {_e(h.what)}</span></button></form>'
        )
    return mark_safe(
        f'\n    <li><span class="timeline__date">{_e(long_date(h.at))}</span> · {_e(h.who)}{colon()} {_e(h.what)}\n'
        f"      {undo}\n    </li>\n    "
    )


@register.simple_tag(takes_context=True)
def form_field(context, field):
    """recommendations/_field.html, included with ``field`` (a bound field): its label, hint,
    errors and widget."""
    widget_type = field.widget_type
    errors = field.errors
    error_class = " form-group--error" if errors else ""
    help_text = field.help_text
    hint = f'<p class="hint" id="{_e(field.auto_id)}_helptext">{_e(help_text)}</p>' if help_text else ""
    error_word = gettext("Error:")
    if widget_type == "checkbox":
        messages = "".join(
            f'<p class="error-message" id="{_e(field.auto_id)}_error"><span class="visually-hidden">{error_word}</span> '
            f"{_e(error)}</p>"
            for error in errors
        )
        return mark_safe(
            f'\n<div class="form-group form-group--checkbox{error_class}">\n  {messages}\n'
            f'  <div class="checkbox">{_e(field)} <label for="{_e(field.id_for_label)}">{_e(field.label)}</label></div>\n'
            f"  {hint}\n</div>\n\n"
        )
    if widget_type == "radioselect":
        described = f'aria-describedby="{_e(field.auto_id)}_helptext"' if help_text else ""
        messages = "".join(
            f'<p class="error-message"><span class="visually-hidden">{error_word}</span> {_e(error)}</p>' for error in errors
        )
        radios = "".join(
            f'<div class="radio">{_e(radio.tag())} <label for="{_e(radio.id_for_label)}">{_e(radio.choice_label)}</label></div>'
            for radio in field
        )
        return mark_safe(
            f'\n<div class="form-group{error_class}">\n  <fieldset class="fieldset" {described}>\n'
            f'    <legend class="label">{_e(field.label)}</legend>\n    {hint}\n    {messages}\n'
            f'    <div class="radios">\n      {radios}\n    </div>\n  </fieldset>\n</div>\n\n'
        )
    messages = "".join(
        f'<p class="error-message"><span class="visually-hidden">{error_word}</span> {_e(error)}</p>' for error in errors
    )
    return mark_safe(
        f'\n<div class="form-group{error_class}">\n  <label class="label" for="{_e(field.id_for_label)}">{_e(field.label)}</label>\n'
        f"  {hint}\n  {messages}\n  {_e(field)}\n</div>\n\n"
    )


# The header's links: (URL name, msgid), and the secretariat's own.
_NAV = (
    ("dashboard", gettext_noop("Dashboard")),
    ("recommendation_list", gettext_noop("Recommendations")),
    ("council_calendar", gettext_noop("Council calendar")),
)
_SECRETARIAT_NAV = (("import_note", gettext_noop("Import a note")), ("people", gettext_noop("People")))
_ACCOUNT = (
    ("api_tokens", gettext_noop("API and calendar")),
    ("reminder_preferences", gettext_noop("Reminders")),
    ("account_language", gettext_noop("Language")),
)


@register.simple_tag(takes_context=True)
def page_header(context):
    """base.html's ``<header>``: the brand, the signed-in person's links (the page they are on
    marked), the sign-out and language forms. Written in Python: through the template its
    ten addresses, tests and translations took base.html's render from 0.76 to 1.10 ms on
    every page (issue 14).
    tests/web/test_page_rendering.py checks it against the template it replaced."""
    request, user = context.get("request"), context.get("user")
    here = getattr(getattr(request, "resolver_match", None), "url_name", None)
    csrf = _csrf_input(context)

    def link(name: str, msgid: str) -> str:
        current = ' aria-current="page"' if here == name else ""
        return f'<a href="{_e(reverse(name))}"{current}>{gettext(msgid)}</a>'

    nav = ""
    if user is not None and user.is_authenticated:
        secretariat = access.is_secretariat(user)
        items = "".join(f"          <li>{link(name, msgid)}</li>\n" for name, msgid in _NAV) + "".join(
            f"          <li>{link(name, msgid)}</li>\n" if secretariat else "          \n" for name, msgid in _SECRETARIAT_NAV
        )
        account = "\n          ".join(link(name, msgid) for name, msgid in _ACCOUNT)
        main, sign_out = gettext("Main"), gettext("Sign out")
        nav = (
            f'\n      <nav class="header__nav" aria-label="{main}">\n        <ul>\n{items}'
            f'        </ul>\n        <form class="header__signout" method="post" action="{_e(reverse("logout"))}">\n'
            f"          {csrf}\n"
            f'          <span class="header__user">{_e(user.get_full_name() or user.username)}</span>\n'
            f"          {account}\n"
            f'          <button type="submit" class="button button--link">{sign_out}</button>\n'
            "        </form>\n      </nav>\n      "
        )
    if translation.get_language() == "fr":
        switch = '<button type="submit" name="language" value="en" class="button button--link" lang="en">English</button>'
    else:
        switch = '<button type="submit" name="language" value="fr" class="button button--link" lang="fr">Français</button>'
    brand = gettext("WPS follow-up")
    return mark_safe(
        '<header class="header">\n    <div class="header__inner">\n'
        f'      <a class="header__brand" href="{_e(reverse("dashboard"))}">{brand}</a>\n'
        f"      {nav}\n      \n"
        f'      <form class="header__language" method="post" action="{_e(reverse("set_language"))}">{csrf}{switch}</form>\n'
        "    </div>\n  </header>"
    )
