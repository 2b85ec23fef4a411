"""What a progress report says: one mandate, one audience. The HTML page and the PDF render
the same context through the same template, so they cannot disagree.

Reads here are permission-free (the caller has decided the user may see the mandate and the
audience) but audience-filtered: a Council report never holds a secretariat-internal note.

The report is written for a Council expert three weeks before a renewal: a first page that
works alone (the renewal, a few key figures, what to ask for in the renewal), the progress of
the cycle as two charts, the recommendations grouped (by theme or by mandate paragraph), and
the paragraphs' texts once, in an annex, cited from each recommendation by label.

It covers the cycle (rules.in_cycle_q: the open recommendations and those updated since the
cycle began) and prints at most WPS_REPORT_MAX_RECOMMENDATIONS of them, the newest notes'
first; what it leaves out is counted by status and linked to the list (``left_out``), so its
length, and the PDF worker's memory, do not grow with the situation's past.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncWeek
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

from recommendations import access
from recommendations.curation import renewal_selectors
from recommendations.curation.changes import is_wps
from recommendations.dates import format_days_left, format_long_date, local_today, start_of_day
from recommendations.excerpts import excerpt
from recommendations.html_writer import escape as _escape
from recommendations.models import (
    Addressee,
    ImplementationStatus,
    Mandate,
    MandateParagraph,
    Ownership,
    ParagraphLink,
    ProgressReport,
    Recommendation,
    StatusUpdate,
    Theme,
    Uptake,
)
from recommendations.rules import cycle_start, in_cycle_q, is_open
from recommendations.templatetags.wps import written_in_english
from recommendations.words import colon

# One colour per status, the same as the tags on screen; each bar of a chart sits beside the
# word and the number, so nothing depends on colour alone.
STATUS_COLOURS = {
    ImplementationStatus.NOT_STARTED: "#505a5f",
    ImplementationStatus.IN_PROGRESS: "#1d70b8",
    ImplementationStatus.PARTIAL: "#b58840",
    ImplementationStatus.IMPLEMENTED: "#00703c",
    ImplementationStatus.NOT_IMPLEMENTED: "#d4351c",
    ImplementationStatus.SUPERSEDED: "#6f72af",
}
UPTAKE_COLOURS = {
    Uptake.PENDING: "#505a5f",
    Uptake.REFLECTED: "#00703c",
    Uptake.PARTLY_REFLECTED: "#b58840",
    Uptake.NOT_REFLECTED: "#d4351c",
}

# The ways the recommendations can be grouped; the PDF uses the first.
GROUPINGS = {"theme": gettext_lazy("By theme"), "paragraph": gettext_lazy("By mandate paragraph")}
DEFAULT_GROUPING = "theme"
# "For the renewal" lines the first page holds; the rest are counted and marked below.
FIRST_PAGE_LINES = 10
# One line of the first page: the reference, this much of the text, the paragraphs.
FIRST_PAGE_EXCERPT = 110
# The web page folds each recommendation's updates and holds only its latest few (the PDF
# prints them all; the recommendation's own page lists its whole history): the page's
# rendering time then follows the number of recommendations, capped, not of updates.
PAGE_UPDATES = 3
# The web page prints the report's recommendations this many a page (``?page=``; page 1 after
# the first-page summary, the charts and the contents); the PDF prints them all. Measured at
# 100,000 recommendations (issue 14): the page's time follows the recommendations it renders.
PAGE_RECOMMENDATIONS = 25
# The weekly chart covers at most this many weeks (the last ones of the cycle).
MAX_WEEKS = 53
CHART_BAR_WIDTH = 230
WEEK_CHART_WIDTH = 460
WEEK_CHART_HEIGHT = 90


class _AmongIds(Lookup):
    """``field IN (ids)`` for the report's few hundred recommendations, as a filter expression
    (``queryset.filter(_AmongIds(F("recommendation_id"), ids))``). On PostgreSQL the ids go as
    one array parameter (``= ANY(%s)``): Django's ``__in`` prepared each id and psycopg parsed a
    placeholder for each, five queries of 300 a page: measured at 100,000, a seventh of the
    context's CPU time (cProfile). The array goes as its text ('{1,2,3}', cast): a list
    parameter had psycopg's client-side cursor check each element with a regular expression
    (1,500 searches a page at 100,000, issue 14). Elsewhere, the plain IN. No ids: no query,
    as ``__in``."""

    lookup_name = "among_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(pk) for pk in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*params, "{" + ",".join(map(str, self.rhs)) + "}")


@dataclass
class CountRow:
    value: str
    label: str
    count: int
    colour: str
    # The row's bar in a chart, in px: the largest count gets CHART_BAR_WIDTH.
    bar_width: int = 0


def _count_rows(choices: list[tuple[str, str]], counts: dict[str, int], colours: dict[str, str]) -> list[CountRow]:
    """One row per choice, in the choices' order, with its bar scaled to the largest count."""
    top = max(counts.values(), default=0) or 1
    rows = []
    for value, label in choices:
        count = counts.get(value, 0)
        rows.append(CountRow(value, label, count, colours[value], round(CHART_BAR_WIDTH * count / top)))
    return rows


@dataclass
class LinkedParagraph:
    """A paragraph as a recommendation cites it: by label, its text being in the annex."""

    label: str
    text: str
    suggested: bool
    # Set when the paragraph belongs to another mandate of the situation (an older one).
    mandate_symbol: str = ""
    # The text is the resolution's own, imported from the UN's XML (credit the UN).
    official: bool = False
    anchor: str = ""


@dataclass
class ReportItem:
    recommendation: PrintedRecommendation
    # The status this audience may know (see build_report_context).
    status: str
    status_label: str
    owners: list[str]
    paragraphs: list[LinkedParagraph]
    # The updates printed, oldest first: every readable update of the cycle in the PDF, the
    # latest PAGE_UPDATES on the web page (build_report_context's ``page``).
    updates: list[PrintedUpdate]
    # This cycle's updates this audience reads (all of them, not only those printed): the
    # figures, the same in the PDF and on the page.
    update_count: int = 0
    # The addressee and the uptake in the reader's language (get_FOO_display translates every
    # choice on each call: a tenth of the page's time).
    addressee_label: str = ""
    uptake_label: str = ""
    uptake_paragraph_label: str = ""
    flagged: bool = field(default=False)
    # Updated this cycle, but by updates this audience does not read ("details not shared").
    updated_unshared: bool = False
    themes: list[str] = field(default_factory=list)
    # An open proposal of language for the coming renewal (see _for_renewal).
    for_renewal: bool = False
    # The group (theme or paragraph) under which it is printed in full.
    home: str = ""
    # The web page: the page that prints it, and a link to it from any page ("#rec-1", or
    # "?audience=council&page=2#rec-1" from another page).
    page_number: int = 1
    href: str = ""
    # The head of its facts line (owners, addressee, due date, last update, uptake), as HTML,
    # set for the printed ones only (see _FactsLine).
    facts: str = ""

    @property
    def latest_update(self) -> PrintedUpdate | None:
        return self.updates[-1] if self.updates else None

    @property
    def page_updates(self) -> list[PrintedUpdate]:
        """The latest PAGE_UPDATES updates, oldest first: what the web page holds."""
        return self.updates[-PAGE_UPDATES:]

    @property
    def earlier_update_count(self) -> int:
        """This cycle's updates the web page leaves to the recommendation's own page."""
        return max(self.update_count - PAGE_UPDATES, 0)

    # The web page's words on its folded updates (ItemWriter.updates), built here
    # rather than by two blocktranslates a recommendation (issue 14: a page's rendering at
    # 100,000 follows the number of translated blocks).
    @property
    def updates_summary(self) -> SafeString:
        """"3 updates this cycle (latest 2 May 2025: in progress)"."""
        latest = self.latest_update
        return mark_safe(ngettext(
            "%(n)s update this cycle (latest %(latest)s: %(status)s)",
            "%(n)s updates this cycle (latest %(latest)s: %(status)s)",
            self.update_count,
        ) % {
            "n": _escape(_number(self.update_count)),
            "latest": _date_text(latest.created_at),
            "status": _escape(latest.status_label.lower()),
        })

    @property
    def earlier_updates_link(self) -> SafeString:
        """"<a href=...>2 earlier updates this cycle</a> on the recommendation’s page."."""
        return mark_safe(ngettext(
            '<a href="%(url)s">%(counter)s earlier update this cycle</a> on the recommendation’s page.',
            '<a href="%(url)s">%(counter)s earlier updates this cycle</a> on the recommendation’s page.',
            self.earlier_update_count,
        ) % {
            "url": _escape(self.recommendation.get_absolute_url()),
            "counter": _escape(_number(self.earlier_update_count)),
        })


@dataclass
class ReportGroup:
    key: str
    title: str
    anchor: str
    # Printed here in full.
    items: list[ReportItem] = field(default_factory=list)
    # Printed under another group, and cited here by reference.
    also: list[ReportItem] = field(default_factory=list)
    # Grouped by paragraph: where the annex prints the paragraph's text.
    annex_anchor: str = ""
    # The web page: the pages that print its recommendations (the first one holds its heading
    # and the link to it, ``href``), and whether this part follows one on an earlier page.
    first_page: int = 1
    last_page: int = 1
    href: str = ""
    continued: bool = False
    # Its recommendations in the whole report (``items`` holds a page's share on the web page).
    count: int = 0

    # The references to ``also`` (reports/_report_body.html), "R-1 (under Justice), ...", as
    # the PDF prints them and as the page links them: built here with the format translated
    # once, not a blocktranslate each (a hundred on page 1 at 100,000: issue 14).
    @property
    def pages_note(self) -> SafeString:
        """The contents' "(12 recommendations, pages 2 to 3)" (one page: "page 2")."""
        values = {
            "n": _number(self.count), "page": _number(self.first_page),
            "first": _number(self.first_page), "last": _number(self.last_page),
        }
        if self.first_page == self.last_page:
            form = ngettext("(%(n)s recommendation, page %(page)s)", "(%(n)s recommendations, page %(page)s)", self.count)
        else:
            form = ngettext(
                "(%(n)s recommendation, pages %(first)s to %(last)s)",
                "(%(n)s recommendations, pages %(first)s to %(last)s)", self.count,
            )
        return mark_safe(form % values)

    @property
    def also_text(self) -> SafeString:
        return self._also(gettext("%(reference)s (under %(home)s)"))

    @property
    def also_links(self) -> SafeString:
        return self._also(gettext('<a href="%(href)s">%(reference)s</a> (under %(home)s)'))

    def _also(self, form: str) -> SafeString:
        return mark_safe(", ".join(
            form % {
                "href": _escape(item.href), "reference": _escape(item.recommendation.reference),
                "home": _escape(item.home),
            }
            for item in self.also
        ))


class _Contents:
    """The contents' list of the groups (reports/_report_body.html, the web page): each
    group's link and its "(12 recommendations, pages 2 to 3)", built here (a dozen groups of
    five variables each on every page)."""

    def __init__(self, groups: list[ReportGroup]):
        self.groups = groups

    @property
    def groups_html(self) -> SafeString:
        return mark_safe("".join(
            f'<li><a href="{_escape(g.href)}">{_escape(g.title)}</a> <span class="report-muted">{g.pages_note}</span></li>'
            for g in self.groups
        ))


class _References:
    """Recommendations cited by reference in one line, as the PDF prints them ("R-1, R-2") and
    as the page links them: built here, not by a template loop over a hundred or more (the
    first page's "No update this cycle" list at 100,000: issue 14)."""

    def __init__(self, items: list[ReportItem]):
        self.items = items

    @property
    def text(self) -> SafeString:
        return mark_safe(", ".join(_escape(item.recommendation.reference) for item in self.items))

    @property
    def links(self) -> SafeString:
        return mark_safe(", ".join(
            f'<a href="{_escape(item.href)}">{_escape(item.recommendation.reference)}</a>'
            for item in self.items
        ))


@dataclass
class AnnexParagraph:
    paragraph: MandateParagraph
    label: str
    anchor: str
    mandate_symbol: str = ""
    cited_by: list[str] = field(default_factory=list)
    wps: bool = False


@dataclass
class RenewalLine:
    item: ReportItem
    text: str

    @property
    def paragraphs_text(self) -> SafeString:
        """The paragraphs it would change ("OP 3, OP 2 of 2640 (suggested)"), or that it
        proposes new language (reports/_report_body.html, "For the renewal")."""
        if not self.item.paragraphs:
            return mark_safe(_escape(gettext("no paragraph linked: new language")))
        return mark_safe(", ".join(_CitedParagraphs().labels(self.item.paragraphs)))


class _CitedParagraphs:
    """The paragraphs a recommendation cites, each by its label ("OP 3", "OP 2 of 2640" for
    another mandate's), a suggested link marked "(suggested)", escaped: the words translated
    once for all the report's recommendations (ItemWriter) or lines (RenewalLine)."""

    def __init__(self):
        self._of = gettext("%(label)s of %(symbol)s")
        self._suggested = " " + _escape(gettext("(suggested)"))

    def label(self, p: LinkedParagraph) -> str:
        if p.mandate_symbol:
            return self._of % {"label": _escape(p.label), "symbol": _escape(p.mandate_symbol)}
        return _escape(p.label)

    def labels(self, paragraphs: list[LinkedParagraph]) -> list[str]:
        return [self.label(p) + self._suggested if p.suggested else self.label(p) for p in paragraphs]

    def marked(self, p: LinkedParagraph, label: str) -> str:
        """``label`` (the paragraph's, perhaps linked) and its mark if suggested."""
        return label + self._suggested if p.suggested else label


@dataclass
class OwnerRow:
    name: str
    total: int
    # (x, width, colour, status label, count) of each segment of its stacked bar.
    segments: list[tuple[int, int, str, str, int]]
    breakdown: str

    @property
    def rects(self) -> SafeString:
        """Its stacked bar's SVG rectangles (reports/_charts.html): numbers and colours only."""
        return mark_safe("".join(
            f'<rect x="{x}" width="{width}" height="12" fill="{colour}"/>' for x, width, colour, _label, _n in self.segments
        ))


@dataclass
class WeekColumn:
    monday: dt.date
    total: int
    # (y, height, colour) of each stacked segment, bottom up.
    segments: list[tuple[int, int, str]]
    breakdown: str
    x: int = 0


# The statuses' values in their order, read once (the enum's ``values`` and ``choices`` build
# a new list on every read: a chart's rows and weeks read them a hundred times a report).
_STATUSES = tuple(ImplementationStatus.values)


def _breakdown(counts: Counter) -> str:
    """"10 not started, 1 in progress": the statuses in their order, the zeros left out."""
    language = get_language()
    return ", ".join(
        _translated_status_count(value, counts[value], language) for value in _STATUSES if counts.get(value)
    )


# "3 not started"; in French the status agrees in number ("3 non commencées"). Only the one
# asked for is translated (a chart's breakdowns ask for hundreds).
_STATUS_COUNT_FORMS = {
    ImplementationStatus.NOT_STARTED: lambda n: ngettext("%(n)d not started", "%(n)d not started", n),
    ImplementationStatus.IN_PROGRESS: lambda n: ngettext("%(n)d in progress", "%(n)d in progress", n),
    ImplementationStatus.PARTIAL: lambda n: ngettext("%(n)d partially implemented", "%(n)d partially implemented", n),
    ImplementationStatus.IMPLEMENTED: lambda n: ngettext("%(n)d implemented", "%(n)d implemented", n),
    ImplementationStatus.NOT_IMPLEMENTED: lambda n: ngettext("%(n)d not implemented", "%(n)d not implemented", n),
    ImplementationStatus.SUPERSEDED: lambda n: ngettext("%(n)d superseded", "%(n)d superseded", n),
}


def _number(n: int) -> str:
    """A whole number as formats.localize writes it in the active language, kept per
    language: the web page writes a few hundred, and Django asked for the active language
    about three times for each (~1.5 µs a time through asgiref's Local; issue 14)."""
    return _localized_number(n, get_language())


@functools.lru_cache(maxsize=4096)
def _localized_number(n: int, language: str | None) -> str:
    return formats.localize(n)


@functools.lru_cache(maxsize=1024)
def _translated_status_count(value: str, n: int, language: str | None) -> str:
    """"3 not started" in ``language``, the active one; in French the status agrees in number
    ("3 non commencées"). Cached by language (as dates.format_long_date): the weekly chart's
    breakdowns ask for a hundred or more on every report."""
    return _STATUS_COUNT_FORMS[value](n) % {"n": n}


def _owner_rows(items: list[ReportItem]) -> list[OwnerRow]:
    """Status by owner: one stacked bar per owning entity (most recommendations first), the
    bars on one scale so owners compare by length as well as by colour."""
    by_owner: dict[str, Counter] = defaultdict(Counter)
    for item in items:
        for name in item.owners or [gettext("No owner assigned")]:
            by_owner[name][item.status] += 1
    top = max((sum(c.values()) for c in by_owner.values()), default=0) or 1
    choices = ImplementationStatus.choices
    rows = []
    for name, counts in sorted(by_owner.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        x, segments = 0, []
        for value, label in choices:
            if counts.get(value):
                width = round(CHART_BAR_WIDTH * counts[value] / top)
                segments.append((x, width, STATUS_COLOURS[value], label, counts[value]))
                x += width
        rows.append(OwnerRow(name=name, total=sum(counts.values()), segments=segments, breakdown=_breakdown(counts)))
    return rows


def _week_columns(per_day: Counter, *, since: dt.date | None, today: dt.date) -> list[WeekColumn]:
    """Updates per week of the cycle, each week's bar stacked by the status the updates set
    (``per_day``: the number of updates by (local day, status); the day may be its week's
    Monday, as the web page counts them, by week). Weeks run Monday to Sunday,
    from the cycle's first week (or the first update's) to today's; at most MAX_WEEKS, the
    last ones."""
    first = since or (min(day for day, _ in per_day) if per_day else None)
    if first is None or first > today:
        return []
    start = first - dt.timedelta(days=first.weekday())
    end = today - dt.timedelta(days=today.weekday())
    weeks = (end - start).days // 7 + 1
    if weeks > MAX_WEEKS:
        start += dt.timedelta(weeks=weeks - MAX_WEEKS)
        weeks = MAX_WEEKS
    counts = [Counter() for _ in range(weeks)]
    for (day, status), n in per_day.items():
        index = (day - start).days // 7
        if 0 <= index < weeks:
            counts[index][status] += n
    top = max((sum(c.values()) for c in counts), default=0) or 1
    step = WEEK_CHART_WIDTH // weeks
    columns = []
    for index, week in enumerate(counts):
        y, segments = WEEK_CHART_HEIGHT, []
        for value in _STATUSES:
            if week.get(value):
                height = max(round(WEEK_CHART_HEIGHT * week[value] / top), 1)
                y -= height
                segments.append((y, height, STATUS_COLOURS[value]))
        columns.append(WeekColumn(
            monday=start + dt.timedelta(weeks=index), total=sum(week.values()), segments=segments,
            breakdown=_breakdown(week), x=index * step,
        ))
    return columns


def _busy_weeks_text(weeks: list[WeekColumn]) -> SafeString:
    """The weekly chart's numbers (reports/_charts.html), "week of 6 May: 3 (2 not started,
    1 in progress); week of ...", the weeks with an update only, as the template's
    blocktranslate a week wrote them (a date filter and a translated block each: fifty on
    page 1 at 100,000, issue 14), every value escaped."""
    form = gettext("week of %(monday)s: %(total)s (%(breakdown)s)")
    language = get_language()
    return mark_safe("; ".join(
        form % {
            "monday": _escape(_day_month(w.monday, language)), "total": _escape(_number(w.total)),
            "breakdown": _escape(w.breakdown),
        }
        for w in weeks if w.total
    ))


@functools.lru_cache(maxsize=1024)
def _day_month(day: dt.date, language: str | None) -> str:
    """The ``date:"j F"`` filter's text ("6 May", "6 mai"), cached by day and language."""
    return dateformat.format(day, "j F")


def _week_rects(weeks: list[WeekColumn], *, bar_width: int) -> str:
    """The weekly chart's bars as SVG rectangles (reports/_charts.html): built here, numbers
    and colours only, as the template's two nested loops wrote them (a hundred rectangles or
    more, five variables each: several milliseconds of page 1's rendering at 100,000)."""
    return mark_safe("".join(
        f'<rect x="{w.x}" y="{y}" width="{bar_width}" height="{height}" fill="{colour}"/>'
        for w in weeks for y, height, colour in w.segments
    ))


def _main_key(keys: list[str], sizes: Counter) -> str:
    """Of a recommendation's groups, the one it is printed under: the largest group (so the
    report has few, full groups), ties broken by the given order."""
    return min(keys, key=lambda k: (-sizes[k], keys.index(k)))


def _group_by_theme(items: list[ReportItem], themes: dict[int, Theme]) -> list[ReportGroup]:
    sizes = Counter(t.slug for item in items for t in item.recommendation.report_themes)
    groups = {t.slug: ReportGroup(key=t.slug, title=str(t), anchor=f"theme-{t.slug}") for t in themes.values()}
    none = ReportGroup(key="", title=gettext("No theme recorded"), anchor="theme-none")
    for item in items:
        slugs = [t.slug for t in item.recommendation.report_themes]
        if not slugs:
            none.items.append(item)
            item.home = none.title
            continue
        main = _main_key(slugs, sizes)
        groups[main].items.append(item)
        item.home = groups[main].title
        for slug in slugs:
            if slug != main:
                groups[slug].also.append(item)
    ordered = [g for g in sorted(groups.values(), key=lambda g: g.title) if g.items or g.also]
    return ordered + ([none] if none.items else [])


def _group_by_paragraph(items: list[ReportItem], *, mandate: Mandate, paragraphs: list[MandateParagraph]) -> list[ReportGroup]:
    """In the resolution's order: under each paragraph of this mandate, the recommendations
    citing it; each printed once, under the first paragraph it cites (in that order)."""
    groups = {
        p.label: ReportGroup(key=p.label, title=p.label, anchor=f"group-para-{p.pk}", annex_anchor=f"para-{p.pk}")
        for p in paragraphs
    }
    none = ReportGroup(
        key="", title=gettext("Not linked to a paragraph of %(symbol)s") % {"symbol": mandate.symbol}, anchor="group-para-none"
    )
    for item in items:
        labels = [p.label for p in item.paragraphs if not p.mandate_symbol and p.label in groups]
        if not labels:
            none.items.append(item)
            item.home = none.title
            continue
        groups[labels[0]].items.append(item)
        item.home = labels[0]
        for label in labels[1:]:
            groups[label].also.append(item)
    return [g for g in groups.values() if g.items or g.also] + ([none] if none.items else [])


class _Row(NamedTuple):
    """One recommendation of the situation as the report's scope and cap read it (a light
    row, not a model instance: a situation may hold thousands)."""

    pk: int
    status: str
    uptake: str
    addressee: str
    situation_id: int
    briefing_id: int
    issued_on: dt.date
    position: int
    in_cycle: bool

    @property
    def briefing(self):
        # renewal_selectors.cycle_rates reads rec.briefing.issued_on.
        return self


class PrintedRecommendation:
    """A printed recommendation as the report reads it: the columns it prints and decides by
    (``shown_status``, the status this audience may know; ``updated_this_cycle``; its note's
    date, ``issued_on``; its uptake paragraph's label), not a model instance (three hundred a
    report: a model instance each was a tenth of the context's time at 100,000, issue 14)."""

    __slots__ = (
        "addressee",
        "briefing_id",
        "due_on",
        "issued_on",
        "pk",
        "position",
        "reference",
        "report_themes",
        "shown_status",
        "situation_id",
        "text",
        "updated_this_cycle",
        "uptake",
        "uptake_paragraph_label",
    )
    # What build_report_context reads (values_list), in __init__'s order.
    COLUMNS = (
        "pk", "briefing_id", "situation_id", "reference", "position", "text", "addressee", "due_on", "uptake",
        "shown_status", "updated_this_cycle", "issued_on", "uptake_paragraph_label",
    )

    def __init__(
        self, pk, briefing_id, situation_id, reference, position, text, addressee, due_on, uptake, shown_status,
        updated_this_cycle, issued_on, uptake_paragraph_label,
    ):
        self.pk, self.briefing_id, self.situation_id, self.reference = pk, briefing_id, situation_id, reference
        self.position, self.text, self.addressee, self.due_on, self.uptake = position, text, addressee, due_on, uptake
        self.shown_status, self.updated_this_cycle, self.issued_on = shown_status, updated_this_cycle, issued_on
        self.uptake_paragraph_label = uptake_paragraph_label
        self.report_themes: list[Theme] = []

    def __str__(self) -> str:
        return self.reference

    @property
    def id(self) -> int:
        return self.pk

    def get_absolute_url(self) -> str:
        return Recommendation.get_absolute_url(self)


class PrintedUpdate:
    """A printed update as its line reads it (_UpdateLine): its columns, its author's name and
    its entity's, not three model instances (the update, its author, its entity); the PDF
    prints thousands. ``status_label`` and ``line`` are set for the printed ones."""

    __slots__ = (
        "author_name",
        "created_at",
        "entity_name",
        "evidence",
        "line",
        "note",
        "on_behalf_of_id",
        "pk",
        "recommendation_id",
        "status",
        "status_label",
        "visibility",
    )
    # What _read_updates and _read_page_updates read (values_list), in __init__'s order.
    COLUMNS = (
        "pk", "recommendation_id", "status", "note", "evidence", "visibility", "created_at", "on_behalf_of_id",
        "on_behalf_of__name", "author__username", "author__first_name", "author__last_name",
    )

    def __init__(
        self, pk, recommendation_id, status, note, evidence, visibility, created_at, on_behalf_of_id, entity_name,
        username, first_name, last_name,
    ):
        self.pk, self.recommendation_id, self.status, self.note = pk, recommendation_id, status, note
        self.evidence, self.visibility, self.created_at = evidence, visibility, created_at
        self.on_behalf_of_id, self.entity_name = on_behalf_of_id, entity_name
        # User.get_full_name, or the username without one.
        self.author_name = f"{first_name} {last_name}".strip() or username
        self.status_label = ""
        self.line = ""


@dataclass
class StatusLink:
    """A status of the recommendations left out, their number, and the list filtered to it."""

    label: str
    count: int
    path: str


@dataclass
class LeftOut:
    """What the report does not print, and where to find it (the list; ``path``s are the
    site's, the PDF prefixes SITE_URL). ``closed_*``: closed before the cycle began and not
    updated since; ``capped_*``: of the cycle, beyond the cap (the oldest notes')."""

    list_path: str
    cycle_count: int = 0
    printed_count: int = 0
    cap: int = 0
    closed_count: int = 0
    closed_breakdown: str = ""
    closed_links: list[StatusLink] = field(default_factory=list)
    capped_count: int = 0
    capped_breakdown: str = ""
    # The newest issue date of the notes whose recommendations were cut.
    capped_through: dt.date | None = None

    @property
    def anything(self) -> bool:
        return bool(self.closed_count or self.capped_count)


def _list_path(**filters) -> str:
    return reverse("recommendation_list") + "?" + urlencode(filters)


def _scope(rows: list[_Row], *, situation_id: int, cap: int) -> tuple[list[int], LeftOut]:
    """The ids the report prints and what it leaves out: of the cycle's recommendations the
    newest notes' first (a note's in its order), at most ``cap``."""
    in_cycle = [r for r in rows if r.in_cycle]
    closed = Counter(r.status for r in rows if not r.in_cycle)
    ranked = sorted(in_cycle, key=lambda r: (-r.issued_on.toordinal(), -r.briefing_id, r.position))
    printed, capped = ranked[:cap], ranked[cap:]
    left = LeftOut(
        list_path=_list_path(situation=situation_id), cycle_count=len(in_cycle), printed_count=len(printed), cap=cap,
        closed_count=sum(closed.values()), closed_breakdown=_breakdown(closed),
        closed_links=[
            StatusLink(label=label, count=closed[value], path=_list_path(situation=situation_id, status=value))
            for value, label in ImplementationStatus.choices if closed.get(value)
        ],
        capped_count=len(capped), capped_breakdown=_breakdown(Counter(r.status for r in capped)),
        capped_through=max((r.issued_on for r in capped), default=None),
    )
    return [r.pk for r in printed], left


def _read_updates(
    updates: QuerySet[StatusUpdate], *, printed_ids: list[int], page: bool
) -> tuple[dict[int, list[PrintedUpdate]], dict[int, int], Counter]:
    """The printed recommendations' updates (``updates``: those of the cycle this audience
    reads, oldest first): the ones printed by recommendation, their number by recommendation,
    and their number by (local day, status) for the weekly chart. For the PDF, all of them as
    PrintedUpdate rows, counted here (one query). For the web page (``page``), only the counts,
    by the database: by recommendation, and by (local week's Monday, status) for the chart
    (one query, the two counts' rows one after the other: at 100,000 recommendations the
    secretariat's page read 6,000 updates to count them; a count per recommendation as a
    subquery of the recommendations' query cost 26 ms of its 38, PostgreSQL merging each
    one's updates with every correction; and counted by recommendation, day and status in
    one grouping, 3,000 rows came back for 300 recommendations and 160 weeks: issue 14); the
    few it prints are read by _read_page_updates for the page's own recommendations."""
    updates = updates.filter(_AmongIds(F("recommendation_id"), printed_ids))
    printed: dict[int, list[PrintedUpdate]] = defaultdict(list)
    per_recommendation: dict[int, int] = defaultdict(int)
    per_day: Counter = Counter()
    if not page:
        # timezone.localdate's day, the zone looked up once (it is per update: thousands).
        zone = timezone.get_current_timezone()
        for values in updates.values_list(*PrintedUpdate.COLUMNS):
            update = PrintedUpdate(*values)
            printed[update.recommendation_id].append(update)
            per_recommendation[update.recommendation_id] += 1
            per_day[(update.created_at.astimezone(zone).date(), update.status)] += 1
        return printed, per_recommendation, per_day
    for recommendation_id, week, status, n in _count_updates(updates.order_by()):
        if week is None:
            per_recommendation[recommendation_id] = n
        else:
            per_day[(week, status)] += n
    return printed, per_recommendation, per_day


def _count_updates(updates: QuerySet[StatusUpdate]) -> Iterable[tuple[int, dt.date | None, str, int]]:
    """The number of ``updates`` by recommendation, as (recommendation id, None, "", n), and
    by week and status, as (0, the week's Monday, status, n), in one query. TruncWeek: the
    Monday of the update's week in the current time zone, as timezone.localdate's day.

    On PostgreSQL, both from one reading of the updates (GROUPING SETS; measured at 100,000,
    issue 14: the UNION below read and sorted the cycle's 6,000 updates twice, 11 ms against
    6); elsewhere, the two counts' rows one after the other (UNION ALL)."""
    weekly = updates.annotate(week=TruncWeek("created_at", output_field=DateField()))
    connection = connections[updates.db]
    if connection.vendor == "postgresql":
        try:
            sql, params = weekly.values_list("recommendation_id", "week", "status").query.sql_with_params()
        except EmptyResultSet:
            # No recommendation printed (_AmongIds of none): no query, as the ORM's.
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT u.recommendation_id, u.week, u.status, COUNT(*) FROM ({sql}) u"
                " GROUP BY GROUPING SETS ((u.recommendation_id), (u.week, u.status))",
                params,
            )
            # DATE_TRUNC gives the Monday's midnight (TruncWeek's converter is not run here).
            return [
                (0, week.date(), status, n) if week is not None else (recommendation_id, None, "", n)
                for recommendation_id, week, status, n in cursor.fetchall()
            ]
    # The week's counts first: a UNION's rows are read with its first query's converters.
    by_week = weekly.annotate(
        no_recommendation=Value(0, output_field=IntegerField()),
    ).values("no_recommendation", "week", "status").annotate(n=Count("id")).values_list(
        "no_recommendation", "week", "status", "n"
    )
    by_recommendation = updates.values("recommendation_id").annotate(
        no_week=Value(None, output_field=DateField()), no_status=Value("", output_field=CharField()), n=Count("id"),
    ).values_list("recommendation_id", "no_week", "no_status", "n")
    return by_week.union(by_recommendation, all=True)


class _Labels:
    """The choices' labels in the reader's language, each translated once for the report
    (a model's get_FOO_display translates all of its field's choices on every call)."""

    def __init__(self):
        self._status = {value: str(label) for value, label in ImplementationStatus.choices}
        self._addressee = {value: str(label) for value, label in Addressee.choices}
        self._uptake = {value: str(label) for value, label in Uptake.choices}

    def status(self, value: str) -> str:
        return self._status.get(value, value)

    def addressee(self, value: str) -> str:
        return self._addressee.get(value, value)

    def uptake(self, value: str) -> str:
        return self._uptake.get(value, value)


class _UpdateLine:
    """One printed update (ItemWriter.updates), as the template _update.html wrote
    it, with its line's end (the include's file ended with one): its day, status,
    entity (or the secretariat), for the secretariat its author and visibility, its note and
    its evidence (a short source kept on one line), every value escaped. Built here, the words
    translated once for the report: the template's dozen variables an update were a tenth of
    a report page's rendering at 100,000, and the PDF prints thousands; the include an update,
    a tenth more (issue 14)."""

    def __init__(self, *, is_council: bool):
        self._is_council = is_council
        self._secretariat = _escape(gettext("Secretariat"))
        self._internal = _escape(gettext("internal note"))
        self._shared = _escape(gettext("shared"))
        self._evidence = _escape(gettext("Evidence:"))
        # wps's {% colon %}: a no-break space before it in French.
        self._colon = colon()

    def __call__(self, u: PrintedUpdate) -> SafeString:
        entity = _escape(u.entity_name) if u.on_behalf_of_id is not None else self._secretariat
        parts = [f'<p class="report-item">{_date_text(u.created_at)} — {_escape(u.status_label)} — {entity}']
        if not self._is_council:
            visibility = self._internal if u.visibility == "internal" else self._shared
            parts.append(f" ({_escape(u.author_name)}; {visibility})")
        if u.note:
            parts.append(f"{self._colon} {_escape(u.note)}")
        if u.evidence:
            sources = "; ".join(
                f'<span class="report-nobreak">{_escape(source)}</span>' if len(source) <= 40 else _escape(source)
                for source in u.evidence
            )
            parts.append(f" {self._evidence} {sources}")
        parts.append("</p>\n")
        return mark_safe("".join(parts))


def _date_text(value) -> str:
    """The ``date:"j F Y"`` filter's text, escaped: dates.format_long_date (a time as its day
    in the current time zone, the month in the reader's language, each day formatted once)."""
    return _escape(format_long_date(value))


class _FactsLine:
    """The head of a printed recommendation's facts line (reports/_report_body.html), as the
    template wrote it: the owners, "to the <addressee>", "due <date>", "last update <date>",
    "uptake <uptake>" (its paragraph), each a " · " apart, every value escaped. Built here, the
    four formats translated and each date formatted once for the report: the template's four
    blocktranslates and two date filters a recommendation were a fifth of a report page's
    rendering at 100,000 (issue 14). The paragraphs cited follow in the template (links on the
    page, labels in the PDF)."""

    def __init__(self):
        self._no_owner = _escape(gettext("No owner assigned"))
        self._addressee = gettext("to the %(addressee)s")
        self._due = gettext("due %(due)s")
        self._last = gettext("last update %(last)s")
        self._uptake = gettext("uptake %(uptake)s")

    def __call__(self, item: ReportItem) -> SafeString:
        rec = item.recommendation
        parts = [
            _escape(", ".join(item.owners)) or self._no_owner,
            self._addressee % {"addressee": _escape(item.addressee_label)},
            self._due % {"due": _date_text(rec.due_on) if rec.due_on else "—"},
        ]
        latest = item.latest_update
        if latest:
            parts.append(self._last % {"last": _date_text(latest.created_at)})
        uptake = self._uptake % {"uptake": _escape(item.uptake_label.lower())}
        if item.uptake_paragraph_label:
            uptake += f" ({_escape(item.uptake_paragraph_label)})"
        parts.append(uptake)
        return mark_safe(" · ".join(parts) + " · ")


class ItemWriter:
    """One printed recommendation of reports/_report_body.html as HTML (the {% report_item %}
    tag), as the template wrote it: its title line (reference, status, "For the renewal", the
    flag), its text, its facts line (item.facts, then the paragraphs it cites: links on the
    page, labels in the PDF; its themes when grouped by paragraph), then its updates this cycle
    (``updates``), every value escaped. Built here, the words said for every recommendation
    translated once for the report: the template's forty nodes a recommendation and an include
    each were a third of a report page's rendering at 100,000 (issue 14). ``is_pdf``,
    ``last_href`` and ``group`` are the template's variables of the same names."""

    def __init__(self, *, is_pdf: bool, last_href: str, group: str):
        self._is_pdf = is_pdf
        self._last_href = _escape(last_href)
        self._by_paragraph = group == "paragraph"
        # (gettext outside the f-strings: makemessages does not read inside them.)
        for_renewal, flagged = _escape(gettext("For the renewal")), _escape(gettext("No update this cycle"))
        unshared = _escape(gettext("Updated this cycle, details not shared"))
        no_update_text = _escape(gettext("No update this cycle."))
        unshared_text = _escape(gettext("Updated this cycle, details not shared."))
        self._for_renewal = f' <span class="report-renewal">{for_renewal}</span>'
        self._flagged = f' <span class="report-flag">{flagged}</span>'
        self._unshared = f' <span class="report-muted">{unshared}</span>'
        self._cited = _CitedParagraphs()
        self._no_paragraph = _escape(gettext("no linked paragraph"))
        self._in_english = written_in_english()
        self._no_update_text = f'<p class="report-flag-text">{no_update_text}</p>'
        self._unshared_text = f'<p class="report-muted">{unshared_text}</p>'

    def __call__(self, item: ReportItem) -> SafeString:
        rec = item.recommendation
        status, status_label = _escape(item.status), _escape(item.status_label)
        if self._is_pdf:
            title = (
                f'<h4 class="report-rec-title report-rec-status report-rec-status--{status}">'
                f"{_escape(rec.reference)} {status_label}"
            )
        else:
            title = (
                f'<h4 class="report-rec-title" id="rec-{rec.pk}">{_escape(rec.reference)} '
                f'<span class="report-tag report-tag--{status}">{status_label}</span>'
            )
        if item.for_renewal:
            title += self._for_renewal
        if item.flagged:
            title += self._flagged
        elif item.updated_unshared:
            title += self._unshared
        parts = [
            "\n    ", title, "</h4>\n    ",
            f'<p class="report-rec-text">{_escape(rec.text)}{self._in_english}</p>\n    ',
            f'<p class="report-rec-facts">{item.facts}', self._paragraphs(item),
        ]
        if self._by_paragraph and item.themes:
            parts.append(" · " + ", ".join(_escape(theme) for theme in item.themes))
        parts += ["</p>\n    \n", self.updates(item), "\n\n  "]
        return mark_safe("".join(parts))

    def _paragraphs(self, item: ReportItem) -> str:
        if not item.paragraphs:
            return self._no_paragraph
        if self._is_pdf:
            return ", ".join(self._cited.labels(item.paragraphs))
        return ", ".join(
            self._cited.marked(
                p, f'<a class="report-cite" href="{self._last_href}#{_escape(p.anchor)}">{self._cited.label(p)}</a>'
            )
            for p in item.paragraphs
        )

    def updates(self, item: ReportItem) -> str:
        """The recommendation's updates this cycle: printed whole in the PDF; folded on the
        page (the latest few, PAGE_UPDATES, and a link to the rest); without one, whether
        an owner updated it this cycle in words this audience may not read, or not at all.
        The one place that says how a report shows this cycle's activity."""
        if item.updates:
            if self._is_pdf:
                return "".join(u.line for u in item.updates)
            earlier = f'<p class="report-muted">{item.earlier_updates_link}</p>' if item.earlier_update_count else ""
            lines = "".join(u.line for u in item.page_updates)
            return f'<details class="report-updates"><summary>{item.updates_summary}</summary>{earlier}{lines}</details>'
        return self._unshared_text if item.updated_unshared else self._no_update_text


def _read_page_updates(updates: QuerySet[StatusUpdate], *, ids: list[int]) -> dict[int, list[PrintedUpdate]]:
    """The latest PAGE_UPDATES updates of each of the web page's recommendations (``ids``:
    those of the current page only), oldest first, as PrintedUpdate rows (one query)."""
    latest = updates.filter(_AmongIds(F("recommendation_id"), ids)).alias(
        newness=Window(RowNumber(), partition_by=F("recommendation_id"), order_by=(F("created_at").desc(), F("id").desc()))
    ).filter(newness__lte=PAGE_UPDATES).values_list(*PrintedUpdate.COLUMNS)
    printed: dict[int, list[PrintedUpdate]] = defaultdict(list)
    for values in latest:
        update = PrintedUpdate(*values)
        printed[update.recommendation_id].append(update)
    return printed


def page_href(*, audience: str, group: str, number: int) -> str:
    """The query string of the report page's page ``number`` (the grouping only when not the
    default, as the grouping form sends it)."""
    query = {"audience": audience}
    if group != DEFAULT_GROUPING:
        query["group"] = group
    query["page"] = number
    return "?" + urlencode(query)


def _paginate(
    groups: list[ReportGroup], *, page_number, audience: str, group: str
) -> tuple[Page, list[ReportGroup]]:
    """The web page's pages: the recommendations in the report's order (group by group),
    PAGE_RECOMMENDATIONS a page, the page asked for chosen by the paginator's one rule (as on
    the list: a number that is not one gives the first page, one out of range the last). Sets
    each item's and each group's page and link; returns the page and the groups it shows, a
    group split across pages once on each (``continued`` after its first). A group whose
    recommendations are all printed under others (only ``also``) sits where the next
    recommendation is, or on the last page."""
    ordered = [item for g in groups for item in g.items]
    paginator = Paginator(ordered, PAGE_RECOMMENDATIONS)
    current = paginator.get_page(page_number)
    per_page, last = PAGE_RECOMMENDATIONS, paginator.num_pages

    # Each page's query string built once, not once per recommendation (300 urlencode calls:
    # a twentieth of the context's time under cProfile).
    queries: dict[int, str] = {current.number: ""}

    def href(number: int, anchor: str) -> str:
        query = queries.get(number)
        if query is None:
            query = queries[number] = page_href(audience=audience, group=group, number=number)
        return f"{query}#{anchor}"

    for index, item in enumerate(ordered):
        item.page_number = index // per_page + 1
        item.href = href(item.page_number, f"rec-{item.recommendation.pk}")
    shown, start = [], 0
    for g in groups:
        g.count = len(g.items)
        if g.items:
            g.first_page, g.last_page = g.items[0].page_number, g.items[-1].page_number
        else:
            g.first_page = g.last_page = min(start // per_page + 1, last)
        g.href = href(g.first_page, g.anchor)
        start += g.count
        if g.first_page <= current.number <= g.last_page:
            if g.first_page == g.last_page:
                shown.append(g)
            else:
                items = [item for item in g.items if item.page_number == current.number]
                continued = current.number > g.first_page
                shown.append(replace(g, items=items, also=[] if continued else g.also, continued=continued))
    return current, shown


def _is_proposal_for_next_renewal(rec: PrintedRecommendation, mandate: Mandate) -> bool:
    """The Python twin of uptake.proposals_q for the renewal still to come: language proposed
    to the Council (any addressee but Council members asked individually) in a note issued
    since this mandate was adopted, on the same situation. ``rec`` carries its note's date as
    ``issued_on`` (build_report_context's annotation)."""
    if rec.situation_id != mandate.situation_id or rec.addressee == Addressee.COUNCIL_MEMBERS:
        return False
    return not (mandate.adopted_on and rec.issued_on < mandate.adopted_on)


def build_report_context(
    *, mandate: Mandate, audience: str, today: dt.date | None = None, group: str = DEFAULT_GROUPING,
    page: bool = False, page_number: str | int | None = None,
) -> dict:
    """Everything the report template needs, in a fixed number of queries (ten; eleven with
    ``page``) whatever the number of recommendations, paragraphs and updates.

    ``page``: for the web page, which prints PAGE_RECOMMENDATIONS recommendations a page
    (``page_number``, as the request gave it: see _paginate), folds each one's updates and
    holds its latest PAGE_UPDATES: the cycle's updates are read as light rows (time and status,
    for the counts and the chart of the whole report) and only the latest few of the page's
    own recommendations as model instances. The figures, the charts, the first page's lines
    and the contents cover the whole report on every page. The PDF (``page`` false) prints
    everything on one "page".

    It prints the recommendations of the mandate's cycle (rules.in_cycle_q, by the status and
    update this audience is shown), at most WPS_REPORT_MAX_RECOMMENDATIONS, the newest notes'
    first; ``left_out`` (a LeftOut) counts the rest. The uptake at each renewal counts all the
    situation's recommendations; every other figure, the printed ones.

    ``audience`` is a ProgressReport.Audience value; for the Council only updates shared with
    Council experts are read, and a recommendation's status is that of its latest shared
    update ("not started" without one), so an internal update's status does not show either
    (access.Reader, as on the pages); only confirmed paragraph links are the Council's, the
    secretariat also sees suggested ones, marked. ``group``: a key of GROUPINGS (another value
    falls back to the default). Raises ValueError for an unknown audience."""
    reader = access.Reader.for_audience(audience)
    today = today or local_today()
    group = group if group in GROUPINGS else DEFAULT_GROUPING
    mandate = Mandate.objects.select_related("situation", "terminated_by").get(pk=mandate.pk)
    since = cycle_start(mandate)

    updates = reader.updates().select_related("author", "on_behalf_of").order_by("created_at", "id")
    # An owning entity's update standing this cycle (recorded by its focal point, or for it),
    # read by this audience or not: activity the Council report counts without showing it.
    # (The entity tested as COALESCE(on_behalf_of_id, 0) <> 0, not IS NOT NULL: measured at
    # 100,000, PostgreSQL answered IS NOT NULL from its small index on on_behalf_of_id, ANDed
    # with each recommendation's updates, 5,000 index entries read per recommendation: 25 ms
    # of the recommendations' query; the expression leaves it the recommendation's own
    # updates, about twenty each: 1 ms.)
    activity = StatusUpdate.objects.alias(entity=Coalesce("on_behalf_of_id", 0)).filter(
        access.standing_q(), ~Q(entity=0), recommendation=OuterRef("pk")
    )
    if since is not None:
        updates = updates.filter(created_at__gte=start_of_day(since))
        activity = activity.filter(created_at__gte=start_of_day(since))
    # Only links a person confirmed are the Council's; the secretariat also sees the
    # suggested ones, marked as such.
    links = ParagraphLink.objects.all()
    if audience == ProgressReport.Audience.COUNCIL:
        links = links.filter(confirmed=True)
    # The scope and the cap, from one light read of the situation's recommendations.
    situation_recs = reader.with_shown_status(Recommendation.objects.filter(situation_id=mandate.situation_id))
    scope = in_cycle_q(since=since, status="shown_status", updated="shown_update_at")
    rows = [
        _Row(*values) for values in situation_recs.annotate(
            in_cycle=ExpressionWrapper(scope, output_field=BooleanField()) if since is not None else Value(True)
        ).values_list(
            "pk", "shown_status", "uptake", "addressee", "situation_id", "briefing_id", "briefing__issued_on",
            "position", "in_cycle",
        # In no order (_scope sorts what it keeps): the model's default ordering joined the
        # situations to sort thousands of rows by name.
        ).order_by()
    ]
    printed_ids, left_out = _scope(
        rows, situation_id=mandate.situation_id, cap=settings.WPS_REPORT_MAX_RECOMMENDATIONS
    )
    recommendations = situation_recs.filter(_AmongIds(F("pk"), printed_ids))
    if page:
        # The web page counts each one's updates in the database (see _read_updates); the
        # owning entities' activity matters only to one with none this audience reads (the
        # flag, or "details not shared"), and is looked for only then.
        readable = updates.filter(recommendation_id=OuterRef("pk")).order_by()
        recommendations = recommendations.annotate(
            updated_this_cycle=Case(When(Exists(readable), then=Value(True)), default=Exists(activity)),
        )
    else:
        recommendations = recommendations.annotate(updated_this_cycle=Exists(activity))
    recommendations = [
        PrintedRecommendation(*values) for values in recommendations
        # Only what the report uses: not the note's whole text (11 KB a recommendation at
        # 100,000), nor the uptake paragraph's, nor the dates it does not print. The note's
        # date and the uptake paragraph's label as columns, not as related instances.
        .annotate(issued_on=F("briefing__issued_on"), uptake_paragraph_label=F("uptake_paragraph__label"))
        .order_by("briefing__issued_on", "briefing_id", "position")
        .values_list(*PrintedRecommendation.COLUMNS)
    ]
    # Each one's paragraph links (the newest mandate's first, in the resolution's order), as
    # light rows; one paragraph instance for each paragraph cited, however often.
    link_rows = links.filter(_AmongIds(F("recommendation_id"), printed_ids)).order_by(
        "-paragraph__mandate__expires_on", "paragraph__position"
    ).values_list(
        "recommendation_id", "confirmed", "paragraph_id", "paragraph__label", "paragraph__text",
        "paragraph__text_fr", "paragraph__official", "paragraph__position", "paragraph__mandate_id",
        "paragraph__mandate__symbol",
    )
    one_paragraph: dict[int, tuple[MandateParagraph, str]] = {}
    rec_links: dict[int, list[tuple[MandateParagraph, str, bool]]] = defaultdict(list)
    for recommendation_id, confirmed, paragraph_id, label, text, text_fr, official, position, mandate_id, symbol in link_rows:
        if paragraph_id not in one_paragraph:
            one_paragraph[paragraph_id] = (MandateParagraph(
                pk=paragraph_id, label=label, text=text, text_fr=text_fr, official=official, position=position,
                mandate_id=mandate_id,
            ), symbol)
        paragraph, symbol = one_paragraph[paragraph_id]
        rec_links[recommendation_id].append((paragraph, symbol, confirmed))
    # The owners' names, and the themes (the ninth query), to group by them: light rows, a
    # few hundred each, one query each as the prefetches they replace (a model instance per
    # row cost more than the report uses).
    owners: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, name in Ownership.objects.filter(_AmongIds(F("recommendation_id"), printed_ids)).order_by(
        "entity__name"
    ).values_list("recommendation_id", "entity__name"):
        owners[recommendation_id].append(name)
    theme_rows = Recommendation.themes.through.objects.filter(
        _AmongIds(F("recommendation_id"), printed_ids)
    ).order_by(
        "theme__name"
    ).values_list("recommendation_id", "theme_id", "theme__slug", "theme__name")
    one_theme: dict[int, Theme] = {}
    rec_themes: dict[int, list[Theme]] = defaultdict(list)
    for recommendation_id, theme_id, slug, name in theme_rows:
        theme = one_theme.get(theme_id) or one_theme.setdefault(theme_id, Theme(pk=theme_id, slug=slug, name=name))
        rec_themes[recommendation_id].append(theme)
    for rec in recommendations:
        rec.report_themes = rec_themes.get(rec.pk, [])
    printed_updates, update_counts, per_day = _read_updates(updates, printed_ids=printed_ids, page=page)

    paragraphs = list(
        MandateParagraph.objects.filter(mandate=mandate)
        .annotate(covered=Exists(links.filter(paragraph=OuterRef("pk"))))
        .order_by("position")
    )

    labels = _Labels()
    items = []
    cited: dict[int, AnnexParagraph] = {}
    themes: dict[int, Theme] = {}
    # A theme's name in the reader's language, translated once (Theme.__str__).
    theme_names: dict[int, str] = {}
    mandate_pk = mandate.pk
    # A paragraph as cited, suggested or confirmed: one LinkedParagraph for all that cite it
    # alike (the same paragraphs are cited hundreds of times a report).
    linked_of: dict[tuple[int, bool], LinkedParagraph] = {}
    for rec in recommendations:
        linked = []
        for p, symbol, confirmed in rec_links.get(rec.pk, ()):
            entry = cited.get(p.id)
            if entry is None:
                entry = cited[p.id] = AnnexParagraph(
                    paragraph=p, label=p.label, anchor=f"para-{p.id}",
                    mandate_symbol="" if p.mandate_id == mandate_pk else symbol, wps=is_wps(p.text),
                )
            entry.cited_by.append(rec.reference)
            link = linked_of.get((p.id, confirmed))
            if link is None:
                link = linked_of[(p.id, confirmed)] = LinkedParagraph(
                    label=p.label, text=p.text, suggested=not confirmed, mandate_symbol=entry.mandate_symbol,
                    official=p.official, anchor=entry.anchor,
                )
            linked.append(link)
        for theme in rec.report_themes:
            themes[theme.id] = theme
        items.append(ReportItem(
            recommendation=rec,
            status=rec.shown_status,
            status_label=labels.status(rec.shown_status),
            addressee_label=labels.addressee(rec.addressee),
            uptake_label=labels.uptake(rec.uptake),
            owners=owners.get(rec.pk, []),
            paragraphs=linked,
            updates=printed_updates.get(rec.pk, []),
            update_count=update_counts.get(rec.pk, 0),
            uptake_paragraph_label=rec.uptake_paragraph_label or "",
            flagged=not update_counts.get(rec.pk) and not rec.updated_this_cycle,
            updated_unshared=not update_counts.get(rec.pk) and rec.updated_this_cycle,
            themes=[theme_names.get(t.id) or theme_names.setdefault(t.id, str(t)) for t in rec.report_themes],
            for_renewal=(
                is_open(rec.shown_status) and rec.uptake == Uptake.PENDING
                and _is_proposal_for_next_renewal(rec, mandate)
            ),
        ))

    if group == "paragraph":
        groups = _group_by_paragraph(items, mandate=mandate, paragraphs=paragraphs)
    else:
        groups = _group_by_theme(items, themes)
    if page:
        report_page, shown_groups = _paginate(groups, page_number=page_number, audience=audience, group=group)
        latest = _read_page_updates(updates, ids=[item.recommendation.pk for item in report_page.object_list])
        for item in report_page.object_list:
            item.updates = latest.get(item.recommendation.pk, [])
        first_page, last_page = report_page.number == 1, not report_page.has_next()

        def page_link(number: int) -> str:
            return "" if number == report_page.number else page_href(audience=audience, group=group, number=number)

        first_href, last_href = page_link(1), page_link(report_page.paginator.num_pages)
    else:
        report_page, shown_groups, first_page, last_page, first_href, last_href = None, groups, True, True, "", ""
    # Each printed update's status in the reader's language and its line (_UpdateLine), and each
    # printed recommendation's facts line.
    facts_line = _FactsLine()
    update_line = _UpdateLine(is_council=audience == ProgressReport.Audience.COUNCIL)
    for item in report_page.object_list if page else items:
        for update in item.updates:
            update.status_label = labels.status(update.status)
            update.line = update_line(update)
        item.facts = facts_line(item)

    # The annex: every paragraph of this mandate that a recommendation cites or that speaks of
    # WPS (an uncovered one is a question for the renewal), then the older mandates' cited ones.
    annex = []
    for p in paragraphs:
        entry = cited.get(p.pk)
        if entry is None and is_wps(p.text):
            entry = AnnexParagraph(paragraph=p, label=p.label, anchor=f"para-{p.pk}", wps=True)
        if entry is not None:
            annex.append(entry)
    annex += sorted(
        (e for e in cited.values() if e.mandate_symbol), key=lambda e: (e.mandate_symbol, e.paragraph.position)
    )
    uncovered = [p for p in paragraphs if not p.covered]
    wps_paragraphs = [p for p in paragraphs if is_wps(p.text)]
    uncovered_wps = [p for p in uncovered if is_wps(p.text)]

    status_counts = Counter(r.shown_status for r in recommendations)
    status_rows = _count_rows(ImplementationStatus.choices, status_counts, STATUS_COLOURS)
    uptake_rows = _count_rows(Uptake.choices, Counter(r.uptake for r in recommendations), UPTAKE_COLOURS)
    # Uptake per renewal cycle of the situation: one query for the renewals, counted here.
    # (over all the situation's recommendations: the past renewals' proposals are mostly closed)
    cycle_rates = renewal_selectors.cycle_rates(
        renewals=renewal_selectors.renewals(situation_ids=[mandate.situation_id]), recommendations=rows
    )
    last_rate = next(
        (r for r in reversed(cycle_rates)
         if r.renewal.pk == mandate.pk or (r.renewal.adopted_on and mandate.adopted_on
                                           and r.renewal.adopted_on <= mandate.adopted_on)),
        None,
    )

    renewal_items = [item for item in items if item.for_renewal]
    asks = [
        item for item in items
        if item.recommendation.addressee == Addressee.COUNCIL_MEMBERS and is_open(item.status)
    ]

    def line(item: ReportItem) -> RenewalLine:
        return RenewalLine(item=item, text=excerpt(item.recommendation.text, FIRST_PAGE_EXCERPT))

    renewal_lines = [line(i) for i in renewal_items[:FIRST_PAGE_LINES]]
    ask_lines = [line(i) for i in asks[: max(FIRST_PAGE_LINES - len(renewal_lines), 2)]]

    # The UN's terms: credit it for every resolution whose official text the report prints.
    official_symbols = [e.mandate_symbol or mandate.symbol for e in annex if e.paragraph.official]
    days_left = mandate.days_to_renewal(today)
    open_count = sum(1 for r in recommendations if is_open(r.shown_status))
    updated = [item for item in items if not item.flagged]
    flagged = [item for item in items if item.flagged]
    weeks = _week_columns(per_day, since=since, today=today)
    bar_width = (WEEK_CHART_WIDTH // len(weeks) - 2) if weeks else 0
    return {
        "mandate": mandate,
        "situation": mandate.situation,
        "audience": audience,
        "audience_label": ProgressReport.Audience(audience).label,
        "is_council": audience == ProgressReport.Audience.COUNCIL,
        "today": today,
        "days_left": days_left,
        "days_left_text": format_days_left(days_left, mandate.expires_on) if days_left is not None else "",
        "cycle_start": since,
        "items": items,
        "recommendation_count": len(items),
        "left_out": left_out,
        "site_url": settings.SITE_URL,
        "open_count": open_count,
        "open_breakdown": _breakdown(Counter(r.shown_status for r in recommendations if is_open(r.shown_status))),
        "closed_breakdown": _breakdown(Counter(r.shown_status for r in recommendations if not is_open(r.shown_status))),
        "briefing_count": len({r.briefing_id for r in recommendations}),
        "status_rows": status_rows,
        "status_breakdown": _breakdown(status_counts),
        "uptake_rows": uptake_rows,
        "chart_bar_width": CHART_BAR_WIDTH,
        "paragraph_count": len(paragraphs),
        "uncovered_paragraphs": uncovered,
        "wps_paragraph_count": len(wps_paragraphs),
        "uncovered_wps_paragraphs": uncovered_wps,
        "flagged_items": flagged,
        "flagged_references": _References(flagged),
        "updated_count": len(updated),
        "update_count": sum(item.update_count for item in items),
        "cycle_rates": cycle_rates,
        "last_rate": last_rate,
        "renewal_lines": renewal_lines,
        "renewal_count": len(renewal_items),
        "renewal_more": len(renewal_items) - len(renewal_lines),
        "ask_lines": ask_lines,
        "ask_more": len(asks) - len(ask_lines),
        "group": group,
        "group_label": GROUPINGS[group],
        "groupings": GROUPINGS,
        "groups": groups,
        "contents": _Contents(groups),
        # The web page's page (a Django Page of ReportItems; None in the PDF), the groups it
        # prints (all of them in the PDF), whether it holds the first-page summary and the
        # last page's sections (not in this report, the annex, the sources; both in the PDF),
        # and the links to those two pages ("" on the page itself).
        "report_page": report_page,
        "shown_groups": shown_groups,
        "is_first_page": first_page,
        "is_last_page": last_page,
        "first_href": first_href,
        "last_href": last_href,
        "annex": annex,
        "owner_rows": _owner_rows(items),
        "week_columns": weeks,
        "week_rects": _week_rects(weeks, bar_width=bar_width),
        "week_chart_width": WEEK_CHART_WIDTH,
        "week_chart_height": WEEK_CHART_HEIGHT,
        "busy_weeks": [w for w in weeks if w.total],
        "busy_weeks_text": _busy_weeks_text(weeks),
        "quiet_week_count": sum(1 for w in weeks if not w.total),
        "status_legend": [(label, STATUS_COLOURS[value]) for value, label in ImplementationStatus.choices],
        "sources": [renewal_selectors.un_source(symbol) for symbol in sorted(set(official_symbols))],
    }
