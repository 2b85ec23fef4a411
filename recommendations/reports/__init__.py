"""Progress reports ahead of mandate renewals (DESIGN.md, "Progress reports").

- ``content``: what a report says (``build_report_context``), shared by the HTML page and the PDF;
- ``fetcher``: the only URL fetcher WeasyPrint gets (the app's static files, nothing else);
- ``pdf``: rendering to PDF;
- ``services``: asking for a version and generating it (the Celery task calls this).
"""

from recommendations.reports.content import build_report_context
from recommendations.reports.services import (
    OWN_ERRORS,
    create_progress_report,
    generate_progress_report,
    is_stalled,
    recover_stalled_reports,
    report_filename,
    request_progress_report,
)

__all__ = [
    "OWN_ERRORS",
    "build_report_context",
    "create_progress_report",
    "generate_progress_report",
    "is_stalled",
    "recover_stalled_reports",
    "report_filename",
    "request_progress_report",
]
