"""How fast a progress report renders, against a bare WeasyPrint document of the same length.

    DEBUG=1 .venv/bin/python benchmarks/report_speed.py [--runs 3] [--demo-runs 9]

Builds its own database (a temporary SQLite file under a temporary WPS_VAR_DIR), migrates,
loads the demo, times the demo report, then grows Mali to 300 recommendations (each with a
shared and an internal update) and times that report. Each report is timed end to end (the
queries, the template, WeasyPrint's layout and the PDF) and set beside a bare document (plain
paragraphs, no stylesheet) with the same number of pages, rendered in the same run. Prints
seconds, pages per second and the ratio; the goals are the demo report under 3 s and every
report within 1.5x of its bare document. Not a test: timings depend on the machine.

The report renderer keeps one font configuration per thread (reports.pdf._RenderKit); a bare
document as WeasyPrint makes it by default builds a new one per document. For information the
last column also sets the report beside the matched bare document given one reused font
configuration too, so the share of the gain that is only that reuse shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_TMP = tempfile.TemporaryDirectory(prefix="wps-report-bench-")
os.environ["WPS_VAR_DIR"] = _TMP.name
os.environ["DATABASE_URL"] = f"sqlite:///{Path(_TMP.name) / 'bench.sqlite3'}"
os.environ.setdefault("DEBUG", "1")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsfollowup.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from recommendations import services  # noqa: E402
from recommendations.demo import load_demo  # noqa: E402
from recommendations.models import (  # noqa: E402
    Addressee,
    Briefing,
    Entity,
    Mandate,
    Recommendation,
    StatusUpdate,
)
from recommendations.reports import build_report_context  # noqa: E402
from recommendations.reports.pdf import render_report_pdf  # noqa: E402

REPORT_DAY = dt.date(2023, 5, 27)
LOREM = (
    "Urge the transitional authorities to ensure the full, equal and meaningful participation of women "
    "in the political transition, and request the Mission to monitor and report on progress. "
)


def _report(mandate, audience: str):
    context = build_report_context(mandate=mandate, audience=audience, today=REPORT_DAY)
    return render_report_pdf(context)


# Two baselines of plain paragraphs (no structure, no margin boxes, no stylesheet of ours):
# - "defaults": WeasyPrint's own page and font (16 px text, 75 px margins);
# - "matched": the report's page box and base font (A4, its margins, 10.5 pt Liberation Serif),
#   so a page holds as much text as a report page does. Same page count either way.
BARE_STYLES = {
    "defaults": "",
    "matched": (
        "<style>@page { size: A4; margin: 24mm 18mm 20mm 18mm; } "
        "html { font-family: 'Liberation Serif', serif; font-size: 10.5pt; line-height: 1.35; }</style>"
    ),
}


def _bare_html(paragraphs: int, style: str) -> str:
    body = "".join(f"<h3>Item {i}</h3><p>{LOREM * 3}</p>" for i in range(paragraphs))
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{BARE_STYLES[style]}</head><body>{body}</body></html>"


def _bare_pages(paragraphs: int, style: str) -> int:
    return len(HTML(string=_bare_html(paragraphs, style)).render().pages)


_SHARED_FONTS = FontConfiguration()


def _bare(paragraphs: int, style: str, *, shared_fonts: bool = False):
    document = HTML(string=_bare_html(paragraphs, style)).render(font_config=_SHARED_FONTS if shared_fonts else None)
    return document.write_pdf(), len(document.pages)


def _bare_same_pages(pages: int, style: str) -> int:
    """The number of paragraphs that makes a bare document of exactly ``pages`` pages: scale
    from a small sample (the pages are uniform), then step one paragraph at a time."""
    sample = 40
    per_page = sample / _bare_pages(sample, style)
    paragraphs = max(1, round(pages * per_page - per_page / 2))
    got = _bare_pages(paragraphs, style)
    step = max(1, round(per_page / 3))
    while got != pages:
        paragraphs = max(1, paragraphs + (step if got < pages else -step))
        new = _bare_pages(paragraphs, style)
        if (new > pages) != (got > pages) and step > 1:
            step = max(1, step // 2)
        got = new
    return paragraphs


def _grow(mandate: Mandate, total: int) -> None:
    situation = mandate.situation
    briefing = Briefing.objects.create(
        situation=situation, mandate=mandate, title="Benchmark briefing", issued_on=dt.date(2023, 4, 15),
        original_text="benchmark", sha256="b" * 64,
    )
    start = Recommendation.objects.filter(situation=situation).count()
    recs = Recommendation.objects.bulk_create(
        Recommendation(
            briefing=briefing, situation=situation, reference=f"BENCH-R{i:04d}", position=i,
            text=LOREM * 2, addressee=Addressee.HOST_AUTHORITIES, due_on=dt.date(2023, 5, 31),
        )
        for i in range(1, total - start + 1)
    )
    un_women = Entity.objects.get(name="UN Women")
    paragraphs = list(mandate.paragraphs.order_by("position"))
    from django.contrib.auth.models import User

    focalpoint, secretariat = User.objects.get(username="focalpoint"), User.objects.get(username="secretariat")
    for i, rec in enumerate(recs):
        services.assign_owner(recommendation=rec, entity=un_women, assigned_by=None)
        services.link_paragraph(recommendation=rec, paragraph=paragraphs[i % len(paragraphs)], user=None)
        services.record_status_update(
            recommendation=rec, author=focalpoint, status="in_progress", note=f"Shared progress {i}: {LOREM}",
            evidence=["S/2023/236"], visibility=StatusUpdate.Visibility.SHARED,
        )
        services.record_status_update(
            recommendation=rec, author=secretariat, status="partial", note=f"Internal remark {i}: {LOREM}",
        )


def _measure(label: str, mandate, audience: str, runs: int) -> dict:
    _report(mandate, audience)  # warm: fonts, templates, CSS parsing caches
    _pdf, pages = _report(mandate, audience)
    sizes = {style: _bare_same_pages(pages, style) for style in BARE_STYLES}
    _bare(sizes["matched"], "matched", shared_fonts=True)  # warm the shared font configuration
    timings = {"report": [], **{style: [] for style in BARE_STYLES}, "shared": []}
    # Interleaved, so a busy moment on the machine weighs on all of them alike.
    for _ in range(runs):
        for key in timings:
            start = time.perf_counter()
            if key == "report":
                _report(mandate, audience)
            elif key == "shared":
                _bare(sizes["matched"], "matched", shared_fonts=True)
            else:
                _bare(sizes[key], key)
            timings[key].append(time.perf_counter() - start)
    medians = {key: statistics.median(values) for key, values in timings.items()}
    return {"label": label, "audience": audience, "pages": pages, **medians}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3,
                        help="Timed runs of each document of the 300-recommendation report (the median is shown).")
    parser.add_argument("--demo-runs", type=int, default=9,
                        help="Timed runs of each document of the demo report: it is short, so its fixed costs "
                             "and the machine's noise weigh more; more runs steady the median.")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("celery").setLevel(logging.ERROR)

    call_command("migrate", verbosity=0)
    load_demo(password=None)
    mandate = Mandate.objects.get(symbol="S/RES/2640 (2022)")
    rows = [_measure("demo (12 recommendations)", mandate, aud, args.demo_runs) for aud in ("council", "secretariat")]
    _grow(mandate, 300)
    rows += [_measure("300 recommendations", mandate, aud, args.runs) for aud in ("council", "secretariat")]

    print(f"Median of {args.demo_runs} (demo) and {args.runs} (300) interleaved runs each, wall-clock seconds, "
          f"this machine ({os.cpu_count()} CPUs).")
    print("Report = queries + template + layout + PDF. Bare = plain paragraphs, same page count; "
          "shared fonts = matched, with one reused font configuration (information).")
    print(f"{'report':<27}{'audience':<12}{'pages':>6}{'seconds':>9}{'pages/s':>9}"
          f"{'bare(defaults)':>16}{'ratio':>7}{'bare(matched)':>15}{'ratio':>7}{'shared fonts':>14}{'ratio':>7}")
    for r in rows:
        print(
            f"{r['label']:<27}{r['audience']:<12}{r['pages']:>6}{r['report']:>9.3f}{r['pages'] / r['report']:>9.1f}"
            f"{r['defaults']:>16.3f}{r['report'] / r['defaults']:>7.2f}{r['matched']:>15.3f}{r['report'] / r['matched']:>7.2f}"
            f"{r['shared']:>14.3f}{r['report'] / r['shared']:>7.2f}"
        )
    demo_ok = all(r["report"] < 3 for r in rows[:2])
    print(f"Goal: demo report under 3 s: {'met' if demo_ok else 'NOT met'}.")
    for style in BARE_STYLES:
        ok = all(r["report"] / r[style] <= 1.5 for r in rows)
        print(f"Goal: within 1.5x of the bare document ({style}): {'met' if ok else 'NOT met'} "
              f"(worst {max(r['report'] / r[style] for r in rows):.2f}x).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
