"""Progress report pages: the report as HTML, asking for a PDF version, its progress and
its download. Each view authorises through access.py (404 for what the user may not see)
and the report rules of recommendations.reports, then calls one service or selector."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from recommendations import access, reports
from recommendations.models import Language, ProgressReport
from recommendations.web.ratelimit import over_limit


class _BadAudience(Exception):
    """An audience that is neither council nor secretariat (a 400, not a 404)."""


def _audience(request, source) -> str:
    """The audience asked for; 400 for an unknown one, 404 for one the user may not read
    (as if that report did not exist)."""
    audience = source.get("audience", ProgressReport.Audience.COUNCIL)
    if audience not in ProgressReport.Audience.values:
        raise _BadAudience(audience)
    if not access.may_read_audience(request.user, audience=audience):
        raise Http404("No such page.")
    return audience


def _bad_audience_response(value: str):
    return HttpResponseBadRequest(
        gettext("Unknown audience “%(value)s”: use council or secretariat.") % {"value": value[:40]},
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def mandate_report(request, pk):
    """The report as a web page, the same content as the PDF, with a print stylesheet, its
    recommendations PAGE_RECOMMENDATIONS a page (``?page=``; the PDF holds them all)."""
    mandate = access.get_mandate_for_user(request.user, pk)
    try:
        audience = _audience(request, request.GET)
    except _BadAudience as exc:
        return _bad_audience_response(str(exc))
    # The grouping is the reader's choice (an unknown value gets the default); the page, the
    # list's rule (the paginator's get_page: not a number, page 1; out of range, the last).
    context = reports.build_report_context(
        mandate=mandate, audience=audience, group=request.GET.get("group", ""), page=True,
        page_number=request.GET.get("page"),
    )
    context["other_audience"] = (
        ProgressReport.Audience.SECRETARIAT if audience == ProgressReport.Audience.COUNCIL
        else ProgressReport.Audience.COUNCIL
    )
    context["may_read_secretariat"] = access.may_read_audience(
        request.user, audience=ProgressReport.Audience.SECRETARIAT
    )
    return render(request, "reports/report_page.html", context)


@require_POST
def report_generate(request, pk):
    """Queue a new PDF version; back to the page it was asked from (or the report page)."""
    mandate = access.get_mandate_for_user(request.user, pk)
    audience = request.POST.get("audience", ProgressReport.Audience.COUNCIL)
    if audience not in ProgressReport.Audience.values:
        return _bad_audience_response(audience)
    if not access.may_generate_report(request.user, mandate=mandate, audience=audience):
        raise PermissionDenied("You may not generate this report.")
    if over_limit("report-generate", str(request.user.pk), limit=settings.WPS_REPORT_GENERATE_LIMIT, window=600):
        return HttpResponse(
            gettext("You have asked for more than %(limit)d reports in ten minutes: wait a few minutes, then ask again.")
            % {"limit": settings.WPS_REPORT_GENERATE_LIMIT},
            status=429, content_type="text/plain; charset=utf-8", headers={"Retry-After": "600"},
        )
    # The language picked on the form; without one (an older form), the page's language.
    language = request.POST.get("language") or (translation.get_language() or Language.ENGLISH).split("-")[0]
    if language not in Language.values:
        return HttpResponseBadRequest(
            gettext("Unknown language “%(value)s”: use en or fr.") % {"value": language[:40]},
            content_type="text/plain; charset=utf-8",
        )
    report = reports.request_progress_report(
        mandate=mandate, audience=audience, requested_by=request.user, language=language
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("mandate_report", args=[mandate.pk]) + f"?audience={audience}"
    return redirect(f"{target.split('#')[0]}#report-{report.pk}")


@never_cache
@require_GET
def report_status(request, pk):
    """State and progress of one version, for the progress poller."""
    report = access.get_report_for_user(request.user, pk)
    data = {
        "id": report.pk,
        "state": report.state,
        "state_label": report.get_state_display(),
        "progress": report.progress,
        "download_url": reverse("report_download", args=[report.pk]) if report.state == ProgressReport.State.DONE else None,
        "sha256": report.sha256 or None,
    }
    if reports.is_stalled(report):
        data["state_label"] = gettext("Stopped (it will be retried)")
    if report.state == ProgressReport.State.FAILED:
        # A render's error may name server paths: the secretariat sees it, others a plain
        # word; this app's own messages (not queued, stalled) are for everyone.
        shown = access.is_secretariat(request.user) or report.error.startswith(reports.OWN_ERRORS)
        data["error"] = report.error if shown else gettext("Generation failed.")
    return JsonResponse(data)


@require_GET
def report_download(request, pk):
    """The stored PDF of a finished version."""
    report = access.get_report_for_user(request.user, pk)
    if report.state != ProgressReport.State.DONE or not report.file:
        raise Http404("This version has no PDF (yet).")
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=reports.report_filename(report),
        content_type="application/pdf",
    )
