"""Views: parse input with a form, authorise through access.py, call one service or
selector, render or redirect."""

from __future__ import annotations

import csv
import itertools
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Max
from django.http import HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recommendations import access
from recommendations.curation import selectors, services
from recommendations.dates import local_today
from recommendations.importing.decode import decode_note
from recommendations.importing.parsed import NoteError
from recommendations.importing.save import import_ieg_update
from recommendations.models import Addressee, Briefing, ReminderPass
from recommendations.templatetags.wps import long_date
from recommendations.web import forms, renewal_views
from recommendations.web.xlsx import xlsx_stream
from wpsfollowup.celery import app as celery_app


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers and the Celery broker accepts a connection; 503 and
    which one failed otherwise. Also says when the last reminder pass completed (ISO time,
    or null), without changing the status: a missed pass is caught up by the next one.
    Says nothing else about the deployment."""
    checks = {}
    last_pass = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
        last_pass = ReminderPass.objects.filter(completed_at__isnull=False).aggregate(at=Max("completed_at"))["at"]
    except Exception:
        checks["database"] = "unavailable"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        checks["broker"] = "ok"
    except Exception:
        checks["broker"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable", **checks,
            "last_reminder_pass": last_pass.isoformat() if last_pass else None,
        },
        status=200 if healthy else 503,
    )


# --- pages -----------------------------------------------------------------------------------


DASHBOARD_SITUATIONS = 20


@require_GET
def dashboard(request):
    """What needs attention now: each situation the user may see, and for a focal point their
    entities' recommendations that need an update this cycle."""
    entities = list(access.user_entities(request.user).order_by("name"))
    rows = selectors.dashboard_rows(user=request.user)
    # The rows' mandates where dashboard_rows read them all (a reader of some situations);
    # else needs_update_this_cycle reads them.
    every_mandate = all(row.mandate is not None or row.mandate_id is None for row in rows)
    needs_count, needs_update = selectors.needs_update_this_cycle(
        user=request.user, situation_ids=[row.situation.pk for row in rows],
        mandates={row.situation.pk: row.mandate for row in rows if row.mandate} if every_mandate else None,
    ) if entities else (0, [])
    # The situations' cards, renewals soonest first, DASHBOARD_SITUATIONS a page: the counts
    # above them cover them all (issue 14: 300 cards at 100,000 recommendations, 995 KB).
    page = Paginator(rows, DASHBOARD_SITUATIONS).get_page(request.GET.get("page"))
    selectors.fill_dashboard_cards(user=request.user, rows=rows, shown=page.object_list)
    reports = selectors.latest_reports(user=request.user, mandates=[r.mandate for r in page.object_list if r.mandate])
    for row in page.object_list:
        row.report = reports.get(row.mandate.pk) if row.mandate else None
    return render(request, "recommendations/dashboard.html", {
        "rows": rows,
        "page": page,
        "attention": selectors.attention_lists(user=request.user, rows=rows),
        "entities": entities,
        "needs_update": needs_update,
        "needs_count": needs_count,
        "stale_days": settings.WPS_STALE_AFTER_DAYS,
    })


LIST_PAGE_SIZE = 50
# A search's matches are counted up to this many (CappedPaginator).
SEARCH_COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``cap``. A full-text index finds a search's matches
    but cannot count them: an exact count reads every matching row (a common word matches
    most of the table). Beyond ``cap`` the list says "more than" and pages through the first
    ``cap``; the exports still hold every match."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # The queryset itself where the rows are read as a merge (selectors.MergedRows).
        recs = getattr(self.object_list, "queryset", self.object_list)
        return recs.order_by().values("pk")[: self.cap + 1].count()

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


@require_GET
def recommendation_list(request):
    """The recommendations the user may see, filtered, sorted, 50 a page; ``?format=csv``
    exports exactly the filtered list."""
    filterset = forms.RecommendationListFilter(request.GET or None, request=request)
    form = filterset.form
    filters = form.filters()
    recs = filterset.qs
    if request.GET.get("format") == "csv":
        return _csv_response(request, form, recs)
    rows = selectors.merged_rows(selectors.with_list_details(recs), parts=filterset.branches(), sort=filterset.sort_key)
    if filters.get("q"):
        paginator = CappedPaginator(rows, LIST_PAGE_SIZE, cap=SEARCH_COUNT_CAP)
    else:
        paginator = Paginator(rows, LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_row_details(list(page.object_list))
    return render(request, "recommendations/recommendation_list.html", {
        "form": form,
        "page": page,
        "filtered": bool(filters.keys() - {"sort"}),
        "export_query": _query_without(request, "page", "format"),
        "back": request.get_full_path(),
    }, status=400 if form.is_bound and form.errors else 200)


@require_GET
def recommendation_export(request):
    filterset = forms.RecommendationListFilter(request.GET or None, request=request)
    return _csv_response(request, filterset.form, filterset.qs)


@require_GET
def recommendation_export_xlsx(request):
    """The same rows and columns as the CSV (selectors.csv_rows), as an Excel workbook
    streamed as the rows are read (web/xlsx.py): the first byte leaves with the first rows,
    and the memory stays that of one chunk of rows, whatever their number."""
    filterset = forms.RecommendationListFilter(request.GET or None, request=request)
    form = filterset.form
    if form.is_bound and form.errors:
        return _csv_response(request, form, None)
    recs = filterset.qs
    rows = ([_csv_cell(cell) for cell in row] for row in selectors.csv_rows(user=request.user, recs=recs))
    response = StreamingHttpResponse(
        xlsx_stream(rows, sheet_name=gettext("Recommendations")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="recommendations-{local_today():%Y-%m-%d}.xlsx"'
    return response


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    # A spreadsheet runs a cell that begins with one of these as a formula.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_response(request, form, recs):
    if form.is_bound and form.errors:
        problems = "; ".join(f"{form.fields[name].label or name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return HttpResponse(
            gettext("Bad filter, nothing exported. %(problems)s") % {"problems": problems} + "\n",
            status=400, content_type="text/plain; charset=utf-8",
        )
    writer = csv.writer(_Echo())
    rows = selectors.csv_rows(user=request.user, recs=recs)
    # A byte-order mark first, so that Excel reads the file as UTF-8 (accents intact).
    lines = itertools.chain(["\ufeff"], (writer.writerow([_csv_cell(cell) for cell in row]) for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recommendations-{local_today():%Y-%m-%d}.csv"'
    return response


def _detail_context(request, rec, **forms_given) -> dict:
    detail = selectors.recommendation_detail(user=request.user, recommendation=rec)
    context = {"detail": detail, "rec": rec}
    if detail.can_update:
        context["update_form"] = forms_given.get("update_form") or forms.StatusUpdateForm(
            user=request.user, recommendation=rec, prefix="update"
        )
    if detail.can_curate:
        context["assign_form"] = forms_given.get("assign_form") or forms.AssignOwnerForm(prefix="assign")
        context["link_form"] = forms_given.get("link_form") or forms.LinkParagraphForm(recommendation=rec, prefix="link")
        context["due_form"] = forms_given.get("due_form") or forms.DueDateForm(
            prefix="due", initial={"due_on": rec.due_on}
        )
        context["uptake_form"] = forms_given.get("uptake_form") or forms.UptakeForm(
            recommendation=rec, prefix="uptake",
            initial={"uptake": rec.uptake, "paragraph": rec.uptake_paragraph_id},
        )
    context["error_forms"] = [f for f in forms_given.values() if f.errors]
    return context


def safe_back(request, value: str | None = None) -> str | None:
    """The ``back`` parameter when it is the list's own address (a local path to
    /recommendations/ with its query string), else None: never an open redirect."""
    value = value if value is not None else (request.GET.get("back") or request.POST.get("back"))
    list_path = reverse("recommendation_list")
    if not value or not value.startswith(list_path) or "\\" in value:
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None, require_https=False):
        return None
    return value


def _with_back(url: str, back: str | None) -> str:
    return f"{url}?{urlencode({'back': back})}" if back else url


@require_GET
def recommendation_detail(request, pk):
    """Where this recommendation stands; with ``back`` (the filtered list it was opened
    from), breadcrumbs back to that list and the previous and next recommendations in it."""
    rec = access.get_recommendation_for_user(request.user, pk)
    context = _detail_context(request, rec)
    back = safe_back(request)
    if back:
        form = forms.RecommendationFilterForm(QueryDict(urlsplit(back).query), user=request.user)
        prev_id, next_id, position, count = selectors.neighbours(user=request.user, filters=form.filters(), pk=rec.pk)
        context.update({
            "back": back, "position": position, "count": count,
            "prev_url": _with_back(reverse("recommendation_detail", args=[prev_id]), back) if prev_id else None,
            "next_url": _with_back(reverse("recommendation_detail", args=[next_id]), back) if next_id else None,
        })
    return render(request, "recommendations/recommendation_detail.html", context)


def _invalid(request, rec, **forms_given):
    context = _detail_context(request, rec, **forms_given)
    context["back"] = safe_back(request)
    return render(request, "recommendations/recommendation_detail.html", context, status=400)


@require_POST
def record_update(request, pk):
    rec = access.get_recommendation_for_user(request.user, pk)
    access.require_update_status(request.user, rec)
    form = forms.StatusUpdateForm(request.POST, user=request.user, recommendation=rec, prefix="update")
    if not form.is_valid():
        return _invalid(request, rec, update_form=form)
    data = form.cleaned_data
    try:
        services.record_status_update(
            recommendation=rec, author=request.user, status=data["status"], note=data["note"],
            evidence=data["evidence"], visibility=data["visibility"], on_behalf_of=data.get("on_behalf_of"),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _invalid(request, rec, update_form=form)
    messages.success(request, gettext("Update recorded: %(status)s.") % {"status": rec.get_status_display().lower()})
    return redirect(_with_back(rec.get_absolute_url(), safe_back(request)))


@require_http_methods(["GET", "POST"])
def correct_update(request, pk, update_pk):
    """Withdraw an update, or record a correction of it: a later update that names it.
    404 for what the user may not see, 403 for an update they may not correct."""
    rec = access.get_recommendation_for_user(request.user, pk)
    access.require_update_status(request.user, rec)
    update = access._get_or_404(
        access.Reader.of(request.user).history(rec.status_updates.all(), reads_internal=True)
        .select_related("author", "on_behalf_of"), update_pk,
    )
    if not access.may_correct(request.user, update, can_update=True):
        raise PermissionDenied("You may not correct this update.")
    withdraw_form = forms.WithdrawUpdateForm(prefix="withdraw")
    correct_form = forms.StatusUpdateForm(
        user=request.user, recommendation=rec, prefix="correct",
        initial={"status": update.status, "visibility": update.visibility, "evidence": "\n".join(update.evidence)},
    )
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                withdraw_form = forms.WithdrawUpdateForm(request.POST, prefix="withdraw")
                if withdraw_form.is_valid():
                    services.withdraw_status_update(
                        update=update, author=request.user, reason=withdraw_form.cleaned_data["reason"]
                    )
                    messages.success(request, gettext("The update of %(date)s is withdrawn.") % {"date": long_date(update.created_at)})
                    return redirect(rec)
            else:
                correct_form = forms.StatusUpdateForm(
                    request.POST, user=request.user, recommendation=rec, prefix="correct"
                )
                if correct_form.is_valid():
                    data = correct_form.cleaned_data
                    services.record_status_update(
                        recommendation=rec, author=request.user, status=data["status"], note=data["note"],
                        evidence=data["evidence"], visibility=data["visibility"],
                        on_behalf_of=data.get("on_behalf_of"), corrects=update,
                    )
                    messages.success(request, gettext("The update of %(date)s is corrected.") % {"date": long_date(update.created_at)})
                    return redirect(rec)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(rec)
        status = 400
    correct_form.fields["note"].help_text = "Required: what was wrong in the earlier update, and what is right."
    return render(request, "recommendations/update_correct.html", {
        "rec": rec, "update": update, "withdraw_form": withdraw_form, "correct_form": correct_form,
    }, status=status)


def _curate(request, pk, form_class, prefix, *, needs_rec=True):
    """The shared first steps of a secretariat control: 404 for what the user may not see,
    403 for what they may not do, then the form."""
    rec = access.get_recommendation_for_user(request.user, pk)
    access.require_secretariat(request.user)
    kwargs = {"recommendation": rec} if needs_rec else {}
    return rec, form_class(request.POST, prefix=prefix, **kwargs)


@require_POST
def assign_owner(request, pk):
    rec, form = _curate(request, pk, forms.AssignOwnerForm, "assign", needs_rec=False)
    if not form.is_valid():
        return _invalid(request, rec, assign_form=form)
    entity = form.cleaned_data["entity"]
    if services.assign_owner(recommendation=rec, entity=entity, assigned_by=request.user):
        messages.success(request, gettext("%(entity)s now owns %(reference)s.") % {"entity": entity, "reference": rec.reference})
    else:
        messages.info(request, gettext("%(entity)s already owned %(reference)s.") % {"entity": entity, "reference": rec.reference})
    return redirect(rec)


@require_POST
def remove_owner(request, pk):
    rec, form = _curate(request, pk, forms.RemoveOwnerForm, "remove")
    if not form.is_valid():
        return _invalid(request, rec, remove_form=form)
    entity = form.cleaned_data["entity"]
    if request.POST.get("confirmed") != "yes":
        return _confirm_removal(
            request, rec, action=reverse("remove_owner", args=[rec.pk]), field="remove-entity", value=entity.pk,
            question=f"Remove {entity} as an owner of {rec.reference}?",
            consequence=f"{entity}'s focal points will no longer record updates on it or read its internal updates. "
            "You can undo this from the recommendation's history.",
            button=f"Yes, remove {entity}",
        )
    services.remove_owner(recommendation=rec, entity=entity)
    messages.success(request, gettext("%(entity)s no longer owns %(reference)s. Undo it from the history below.") % {
        "entity": entity, "reference": rec.reference,
    })
    return redirect(rec)


def _confirm_removal(request, rec, *, action, field, value, question, consequence, button):
    """The second step of a removal: works without JavaScript, changes nothing."""
    return render(request, "recommendations/confirm_removal.html", {
        "rec": rec, "action": action, "field": field, "value": value, "question": question,
        "consequence": consequence, "button": button,
    })


@require_POST
def link_paragraph(request, pk):
    rec, form = _curate(request, pk, forms.LinkParagraphForm, "link")
    if not form.is_valid():
        return _invalid(request, rec, link_form=form)
    paragraph = form.cleaned_data["paragraph"]
    services.link_paragraph(recommendation=rec, paragraph=paragraph, user=request.user)
    messages.success(request, gettext("Linked to %(symbol)s %(label)s.") % {
        "symbol": paragraph.mandate.symbol, "label": paragraph.label,
    })
    return redirect(rec)


@require_POST
def unlink_paragraph(request, pk):
    rec, form = _curate(request, pk, forms.LinkedParagraphForm, "unlink")
    if not form.is_valid():
        return _invalid(request, rec, unlink_form=form)
    paragraph = form.cleaned_data["paragraph"]
    name = f"{paragraph.mandate.symbol} {paragraph.label}"
    if request.POST.get("confirmed") != "yes":
        return _confirm_removal(
            request, rec, action=reverse("unlink_paragraph", args=[rec.pk]), field="unlink-paragraph",
            value=paragraph.pk, question=f"Unlink {rec.reference} from {name}?",
            consequence="The mandate page will no longer list it under that paragraph. "
            "You can undo this from the recommendation's history.",
            button=f"Yes, unlink {paragraph.label}",
        )
    services.unlink_paragraph(recommendation=rec, paragraph=paragraph)
    messages.success(request, gettext("No longer linked to %(name)s. Undo it from the history below.") % {"name": name})
    return redirect(rec)


@require_POST
def confirm_link(request, pk):
    rec, form = _curate(request, pk, forms.LinkedParagraphForm, "confirm")
    if not form.is_valid():
        return _invalid(request, rec, confirm_form=form)
    paragraph = form.cleaned_data["paragraph"]
    services.link_paragraph(recommendation=rec, paragraph=paragraph, user=request.user)
    messages.success(request, gettext("Link to %(symbol)s %(label)s confirmed.") % {
        "symbol": paragraph.mandate.symbol, "label": paragraph.label,
    })
    return redirect(rec)


@require_POST
def set_due_date(request, pk):
    rec, form = _curate(request, pk, forms.DueDateForm, "due", needs_rec=False)
    if not form.is_valid():
        return _invalid(request, rec, due_form=form)
    services.set_due_date(recommendation=rec, due_on=form.cleaned_data["due_on"])
    due = form.cleaned_data["due_on"]
    messages.success(
        request, gettext("Due date set to %(day)s.") % {"day": long_date(due)} if due else gettext("Due date removed.")
    )
    return redirect(rec)


@require_POST
def set_uptake(request, pk):
    rec, form = _curate(request, pk, forms.UptakeForm, "uptake")
    if not form.is_valid():
        return _invalid(request, rec, uptake_form=form)
    try:
        services.set_uptake(
            recommendation=rec, uptake=form.cleaned_data["uptake"], paragraph=form.cleaned_data["paragraph"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _invalid(request, rec, uptake_form=form)
    messages.success(request, gettext("Council uptake set to %(uptake)s.") % {"uptake": rec.get_uptake_display().lower()})
    return redirect(rec)


@require_GET
def mandate_detail(request, pk):
    """The mandate's paragraphs and which recommendations cover them."""
    mandate = access.get_mandate_for_user(request.user, pk)
    return render(request, "recommendations/mandate_detail.html", {
        "page": selectors.mandate_page(user=request.user, mandate=mandate),
        "mandate": mandate,
    })


@require_http_methods(["GET", "POST"])
def import_note(request):
    """Upload a note, preview what the import would create, confirm. Nothing is saved
    before the confirmation, nor when the note has an error."""
    access.require_secretariat(request.user)
    if request.method == "POST" and renewal_views.is_resolution_upload(request):
        return renewal_views.import_resolution_upload(request)
    context: dict = {"upload_form": forms.ImportUploadForm()}
    if request.method == "GET":
        return render(request, "recommendations/import.html", context)

    if "token" in request.POST:
        form = forms.ImportConfirmForm(request.POST)
        if not form.is_valid():
            context["confirm_form"] = form
            return render(request, "recommendations/import.html", context, status=400)
        try:
            outcome = import_ieg_update(data=form.cleaned_data["token"], user=request.user)
        except NoteError as exc:
            context["note_error"] = _note_error(exc, form.cleaned_data["token"])
            return render(request, "recommendations/import.html", context, status=400)
        situation = Briefing.objects.filter(pk=outcome.briefing_id).values_list("situation_id", flat=True).first()
        if outcome.created:
            messages.success(request, ngettext(
                "Imported %(count)d recommendation on %(situation)s and the paragraphs of %(symbol)s.",
                "Imported %(count)d recommendations on %(situation)s and the paragraphs of %(symbol)s.",
                len(outcome.references),
            ) % {"count": len(outcome.references), "situation": outcome.situation, "symbol": outcome.mandate_symbol})
        else:
            messages.info(request, gettext("This note was already imported; nothing changed. %(details)s") % {
                "details": " ".join(outcome.lines),
            })
        return redirect(f"{reverse('recommendation_list')}?situation={situation}")

    form = forms.ImportUploadForm(request.POST, request.FILES)
    context["upload_form"] = form
    if not form.is_valid():
        return render(request, "recommendations/import.html", context, status=400)
    data = form.cleaned_data["note"]
    try:
        outcome = import_ieg_update(data=data, user=request.user, dry_run=True)
    except NoteError as exc:
        context["note_error"] = _note_error(exc, data)
        return render(request, "recommendations/import.html", context, status=400)
    context["outcome"] = outcome
    labels = dict(Addressee.choices)
    context["preview_rows"] = [
        {"row": row, "addressee": labels.get(row.addressee, row.addressee)} for row in outcome.rows
    ]
    context["confirm_form"] = forms.ImportConfirmForm(initial={"token": forms.sign_upload(data)})
    return render(request, "recommendations/import.html", context)


def _note_error(exc: NoteError, data: bytes) -> dict:
    """The importer's message, its line number, and that line's text when it can be read."""
    text = ""
    if exc.line:
        try:
            lines = decode_note(data).splitlines()
            text = lines[exc.line - 1] if 0 < exc.line <= len(lines) else ""
        except NoteError:
            text = ""
    return {"message": exc.message, "line": exc.line, "text": text}
