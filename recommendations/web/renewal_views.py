"""Pages of the renewal: what changed in a mandate, the secretariat's review of the Council
uptake suggested for a renewal, the Council's calendar, and the import of a resolution's XML
through /import/. Each view authorises through access.py, then calls one selector or service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from recommendations import access
from recommendations.curation import calendar, renewal_selectors
from recommendations.curation.uptake import accept_all_suggestions, accept_uptake
from recommendations.importing.akn import ResolutionError
from recommendations.importing.resolution import import_resolution
from recommendations.models import Uptake
from recommendations.web import forms, renewal_forms


@require_GET
def mandate_changes(request, pk):
    """What changed at renewal: each paragraph of the previous resolution with its successor."""
    mandate = access.get_mandate_for_user(request.user, pk)
    form = renewal_forms.ChangesFilterForm(request.GET or None)
    page = renewal_selectors.changes_page(mandate=mandate, wps_only=form.wps_only())
    return render(request, "recommendations/mandate_changes.html", {"mandate": mandate, "page": page, "form": form})


@require_http_methods(["GET", "POST"])
def uptake_review(request, pk):
    """The secretariat's review of the Council uptake suggested for the proposals a renewal
    answers: accept or change one by one, or accept every undecided one at once. Nothing is
    recorded but what a person sends."""
    renewal = access.get_mandate_for_user(request.user, pk)
    access.require_secretariat(request.user)
    review = renewal_selectors.uptake_review(renewal=renewal)
    url = reverse("uptake_review", args=[renewal.pk])
    if request.method == "GET":
        return _render_review(request, review)

    if "accept_all" in request.POST:
        undecided = [row.suggestion for row in review.rows if not row.decided]
        changed = accept_all_suggestions(renewal=renewal, suggestions=undecided)
        messages.success(request, ngettext("Accepted %(count)d suggestion.", "Accepted %(count)d suggestions.", changed) % {"count": changed})
        return redirect(url)

    rows = {str(row.suggestion.recommendation.pk): row for row in review.rows}
    row = rows.get(request.POST.get("row", ""))
    if row is None:
        messages.error(request, _("That recommendation is not one of the proposals this resolution answers."))
        return _render_review(request, review, status=400)
    rec = row.suggestion.recommendation
    form = renewal_forms.UptakeDecisionForm(
        request.POST, prefix=f"r{rec.pk}", renewal=renewal, paragraphs=review.paragraphs
    )
    if not form.is_valid():
        return _render_review(request, review, failed=(rec.pk, form), status=400)
    accept_uptake(
        recommendation=rec, uptake=form.cleaned_data["uptake"], paragraph=form.cleaned_data["paragraph"], renewal=renewal
    )
    messages.success(request, gettext("%(reference)s: Council uptake set to %(uptake)s.") % {
        "reference": rec.reference, "uptake": Uptake(form.cleaned_data["uptake"]).label.lower()})
    return redirect(f"{url}#rec-{rec.pk}")


def _render_review(request, review, *, failed=None, status=200):
    for row in review.rows:
        s, rec = row.suggestion, row.suggestion.recommendation
        if failed and failed[0] == rec.pk:
            row.form = failed[1]
            continue
        if row.decided:
            initial = {"uptake": rec.uptake, "paragraph": rec.uptake_paragraph.label if rec.uptake_paragraph else ""}
        else:
            shown = s.paragraphs[0].label if s.paragraphs and s.uptake != Uptake.NOT_REFLECTED else ""
            initial = {"uptake": s.uptake, "paragraph": shown}
        row.form = renewal_forms.UptakeDecisionForm(
            prefix=f"r{rec.pk}", initial=initial, renewal=review.renewal, paragraphs=review.paragraphs
        )
    return render(request, "recommendations/uptake_review.html", {
        "review": review,
        "mandate": review.renewal,
        "failed_form": failed[1] if failed else None,
        "undecided": sum(1 for row in review.rows if not row.decided),
    }, status=status)


@require_GET
def council_calendar(request):
    """Every mandate expiry the UN's metadata holds, with the due date it gives."""
    return render(request, "recommendations/calendar.html", {
        "rows": calendar.calendar_rows(user=request.user),
        "due_days": settings.WPS_DUE_DAYS_BEFORE_RENEWAL,
    })


# --- /import/ with a resolution's XML ----------------------------------------------------------

_XML_STARTS = (b"<?xml", b"<akomantoso", b"<an:akomantoso")


def is_resolution_upload(request) -> bool:
    """A POST to /import/ that is a resolution: an .xml file or XML content, or the
    confirmation of a resolution's preview."""
    if request.POST.get("kind") == "resolution":
        return True
    upload = request.FILES.get("note")
    if upload is None:
        return False
    if upload.name.lower().endswith(".xml"):
        return True
    head = upload.read(64)
    upload.seek(0)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_XML_STARTS)


def import_resolution_upload(request):
    """/import/ for a resolution: preview what the import would do, then confirm. Nothing is
    saved before the confirmation, nor when the file has an error (one line says what)."""
    context: dict = {"upload_form": forms.ImportUploadForm()}
    if "token" in request.POST:
        form = forms.ImportConfirmForm(request.POST)
        if not form.is_valid():
            context["confirm_form"] = form
            return render(request, "recommendations/import_resolution.html", context, status=400)
        try:
            outcome = import_resolution(data=form.cleaned_data["token"])
        except ResolutionError as exc:
            context["resolution_error"] = str(exc)
            return render(request, "recommendations/import_resolution.html", context, status=400)
        if outcome.changed:
            messages.success(request, " ".join(line.strip() for line in outcome.lines))
        else:
            messages.info(request, gettext("%(symbol)s was already imported; nothing changed.") % {"symbol": outcome.symbol})
        return redirect("mandate_detail", outcome.mandate_id)

    form = forms.ImportUploadForm(request.POST, request.FILES)
    context["upload_form"] = form
    if not form.is_valid():
        return render(request, "recommendations/import_resolution.html", context, status=400)
    data = form.cleaned_data["note"]
    try:
        outcome = import_resolution(data=data, dry_run=True)
    except ResolutionError as exc:
        context["resolution_error"] = str(exc)
        return render(request, "recommendations/import_resolution.html", context, status=400)
    context["outcome"] = outcome
    context["confirm_form"] = forms.ImportConfirmForm(initial={"token": forms.sign_upload(data)})
    return render(request, "recommendations/import_resolution.html", context)
