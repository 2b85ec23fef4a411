"""Writes for progress reports: ask for one (queued for a worker), and generate it."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from recommendations.models import Language, Mandate, ProgressReport
from recommendations.reports.content import build_report_context
from recommendations.reports.pdf import render_report_pdf

logger = logging.getLogger(__name__)

# Errors written by this module, in words meant for whoever asked (shown to everyone); any
# other error (a render's exception) may name server paths and is shown to the secretariat only.
NOT_QUEUED = "It could not be queued: the task queue is unavailable. Try again in a few minutes."
STALLED_RETRYING = "It stopped progressing at {progress}% (its worker died?); it is being generated again."
STALLED_FAILED = "It stopped progressing at {progress}% twice; ask for a new version."
OWN_ERRORS = ("It could not be queued", "It stopped progressing")


def create_progress_report(*, mandate: Mandate, audience: str, requested_by=None, language: str = "en") -> ProgressReport:
    """A new queued version row, in ``language`` ("en" or "fr"); nothing is rendered. Raises
    ValidationError for an unknown audience or language."""
    if audience not in ProgressReport.Audience.values:
        raise ValidationError(gettext("Unknown audience %(value)r: use council or secretariat.") % {"value": audience})
    if language not in Language.values:
        raise ValidationError(gettext("Unknown language %(value)r: use en or fr.") % {"value": language})
    return ProgressReport.objects.create(
        mandate=mandate, audience=audience, language=language,
        requested_by=requested_by if requested_by is not None and requested_by.is_authenticated else None,
    )


def request_progress_report(*, mandate: Mandate, audience: str, requested_by=None, language: str = "en") -> ProgressReport:
    """Create a version (state queued) and queue its rendering.

    Side effects: ``generate_report_task`` is queued once the transaction commits (so a worker
    never looks for a row it cannot see yet). Every call makes a new version; none is replaced.
    A broker that refuses the task leaves the version failed with ``NOT_QUEUED``, never
    "queued" for ever; asking again makes a new version."""
    with transaction.atomic():
        report = create_progress_report(mandate=mandate, audience=audience, requested_by=requested_by, language=language)
        transaction.on_commit(lambda: _queue(report.pk))
    report.refresh_from_db()
    return report


def _queue(report_id: int) -> bool:
    """Queue the rendering of a version; on a broker error, record the version as failed."""
    from recommendations.tasks import generate_report_task

    try:
        generate_report_task.delay(report_id)
    except Exception:  # kombu's OperationalError, a refused or reset connection, a timeout
        logger.exception("Progress report %s could not be queued", report_id)
        ProgressReport.objects.filter(
            pk=report_id, state__in=(ProgressReport.State.QUEUED, ProgressReport.State.RUNNING)
        ).update(state=ProgressReport.State.FAILED, error=NOT_QUEUED, finished_at=timezone.now())
        return False
    return True


def _set_progress(report_id: int, percent: int) -> None:
    # Autocommitted on its own (outside any transaction of ours) so a poller sees it now.
    ProgressReport.objects.filter(pk=report_id, state=ProgressReport.State.RUNNING).update(
        progress=percent, progressed_at=timezone.now()
    )


def stalled_q(*, now=None) -> Q:
    """Versions queued or generating that have not moved for WPS_REPORT_STALLED_AFTER."""
    before = (now or timezone.now()) - dt.timedelta(seconds=settings.WPS_REPORT_STALLED_AFTER)
    return Q(state__in=(ProgressReport.State.QUEUED, ProgressReport.State.RUNNING)) & (
        Q(progressed_at__lt=before) | Q(progressed_at__isnull=True, created_at__lt=before)
    )


def is_stalled(report: ProgressReport) -> bool:
    """The plain-function twin of ``stalled_q`` for one version already read."""
    if report.state not in (ProgressReport.State.QUEUED, ProgressReport.State.RUNNING):
        return False
    moved = report.progressed_at or report.created_at
    return moved < timezone.now() - dt.timedelta(seconds=settings.WPS_REPORT_STALLED_AFTER)


def recover_stalled_reports() -> tuple[list[int], list[int]]:
    """Versions that stopped moving (``stalled_q``: the worker died, or the task was lost):
    one rendered once so far is queued again; one already retried is failed for good.
    Returns (retried ids, failed ids).

    Side effects: the rows' state and error; ``generate_report_task`` queued for each
    retried version (failed with ``NOT_QUEUED`` if the broker refuses)."""
    retried, failed = [], []
    for report in ProgressReport.objects.filter(stalled_q()).only("pk", "progress", "attempts", "state"):
        if report.attempts <= 1:
            moved = ProgressReport.objects.filter(stalled_q(), pk=report.pk).update(
                state=ProgressReport.State.QUEUED, progress=0, progressed_at=timezone.now(),
                error=STALLED_RETRYING.format(progress=report.progress),
            )
            if moved and _queue(report.pk):
                retried.append(report.pk)
        else:
            moved = ProgressReport.objects.filter(stalled_q(), pk=report.pk).update(
                state=ProgressReport.State.FAILED, error=STALLED_FAILED.format(progress=report.progress),
                finished_at=timezone.now(),
            )
            if moved:
                failed.append(report.pk)
    return retried, failed


def report_filename(report: ProgressReport) -> str:
    return f"{slugify(report.mandate.symbol.replace('/', ' '))}-{report.audience}-v{report.pk}.pdf"


def generate_progress_report(*, report_id: int, today: dt.date | None = None, variant: str = "standard") -> ProgressReport:
    """Render a queued version to PDF and store it under MEDIA_ROOT with its SHA-256.
    ``variant``: "standard" (PDF/UA, tagged for screen readers) or "archive" (PDF/A-3a), see
    reports.pdf.VARIANTS.

    Progress (0 to 100) and state are committed as it goes. A version already done or failed
    is returned untouched (a redelivered task does nothing); one left running by a worker that
    died is rendered again. Any error is recorded on the row (state failed, the error text)
    and not raised, so the person who asked sees it; the file is then absent."""
    claimed = ProgressReport.objects.filter(
        pk=report_id, state__in=(ProgressReport.State.QUEUED, ProgressReport.State.RUNNING)
    ).update(
        state=ProgressReport.State.RUNNING, progress=5, error="", progressed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    report = ProgressReport.objects.select_related("mandate").get(pk=report_id)
    if claimed != 1:
        return report
    try:
        # The whole document in the language it was asked in (issue 16).
        with translation.override(report.language):
            context = build_report_context(mandate=report.mandate, audience=report.audience, today=today)
            _set_progress(report_id, 20)
            pdf, _pages = render_report_pdf(
                context, on_progress=lambda percent: _set_progress(report_id, percent), variant=variant
            )
        digest = hashlib.sha256(pdf).hexdigest()
        with transaction.atomic():
            report.file.save(report_filename(report), ContentFile(pdf), save=False)
            ProgressReport.objects.filter(pk=report_id).update(
                file=report.file.name, sha256=digest, state=ProgressReport.State.DONE, progress=100,
                finished_at=timezone.now(),
            )
    except Exception as exc:
        logger.exception("Progress report %s failed", report_id)
        ProgressReport.objects.filter(pk=report_id).update(
            state=ProgressReport.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
    report.refresh_from_db()
    return report
