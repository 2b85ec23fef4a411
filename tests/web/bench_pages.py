"""Page timings at the scale DESIGN.md plans for, against the Django admin's own list of the
same rows. Not collected by pytest (a timing is not a pass or fail); run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wps_web DEBUG=1 WPS_VAR_DIR=var/bench \
        .venv/bin/python -m tests.web.bench_pages [--recommendations 10000] [--updates 200000]

It migrates that database, fills it (30 situations) unless it already holds the data, then
times each page in-process with Django's test client (median of several runs) and prints
the figures and the ratios to the admin's list.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsfollowup.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--recommendations", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    world = fill(args.recommendations, args.updates)

    pages = {
        "admin list (secretariat)": ("secretariat", "/admin/recommendations/recommendation/"),
        "list (secretariat)": ("secretariat", "/recommendations/"),
        "list (focal point)": ("focal", "/recommendations/"),
        "list (expert)": ("expert", "/recommendations/"),
        "list filtered + search": ("secretariat", f"/recommendations/?status=in_progress&q=item&situation={world['situation']}"),
        "dashboard (secretariat)": ("secretariat", "/"),
        "dashboard (focal point)": ("focal", "/"),
        "detail (secretariat)": ("secretariat", f"/recommendations/{world['rec']}/"),
        "detail (expert)": ("expert", f"/recommendations/{world['rec']}/"),
        "mandate (secretariat)": ("secretariat", f"/mandates/{world['mandate']}/"),
        "csv of every row (secretariat)": ("secretariat", "/recommendations/export.csv"),
    }
    clients = {}
    from django.contrib.auth.models import User

    for name in ("secretariat", "focal", "expert"):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=f"bench-{name}"))
    results = {}
    for label, (who, url) in pages.items():
        client = clients[who]
        timings = []
        for _ in range(args.runs + 1):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (label, response.status_code)
        results[label] = (statistics.median(timings[1:]), len(ctx.captured_queries))
    base = results["admin list (secretariat)"][0]
    print(f"{connection.vendor}, {args.recommendations} recommendations, {args.updates} status updates, 30 situations")
    for label, (seconds, queries) in results.items():
        print(f"{label:34} {seconds * 1000:8.1f} ms  {queries:3d} queries  {seconds / base:5.2f} x admin list")


def fill(n_recs: int, n_updates: int) -> dict:
    from django.contrib.auth.models import User
    from django.db import transaction

    from recommendations.models import (
        Ownership,
        ParagraphLink,
        Recommendation,
        StatusUpdate,
    )
    from recommendations.people.services import (
        add_focal_point,
        create_entity,
        ensure_role_groups,
        follow_situation,
    )
    from tests import factories

    if User.objects.filter(username="bench-secretariat").exists():
        rec = Recommendation.objects.order_by("pk").first()
        # The expert follows the first situation too, to read the page of its first
        # recommendation (and sees four situations in all).
        follow_situation(user=User.objects.get(username="bench-expert"), situation=rec.situation)
        return {"situation": rec.situation_id, "rec": rec.pk, "mandate": rec.briefing.mandate_id}
    with transaction.atomic():
        secretariat_group, _ = ensure_role_groups()
        secretariat = factories.make_user("bench-secretariat")
        secretariat.is_staff = True
        secretariat.save()
        secretariat.groups.add(secretariat_group)
        focal = factories.make_user("bench-focal")
        expert = factories.make_user("bench-expert")
        entity = create_entity(name="Bench entity")
        add_focal_point(entity=entity, user=focal)
        per_situation = n_recs // 30
        first = None
        for i in range(30):
            situation = factories.make_situation(f"Situation {i:02d}", f"S{i:02d}")
            mandate = factories.make_mandate(situation, expires_on=dt.date.today() + dt.timedelta(days=20 + i), paragraphs=20)
            briefing = factories.make_briefing(situation, mandate)
            recs = Recommendation.objects.bulk_create(
                Recommendation(
                    briefing=briefing, situation=situation, reference=f"S{i:02d}-R{j:05d}", position=j,
                    text=f"Urge the authorities to act on item {j} of the women, peace and security agenda.",
                    addressee="host_authorities", due_on=dt.date.today() + dt.timedelta(days=j % 60 - 30),
                    status=("not_started", "in_progress", "partial")[j % 3],
                )
                for j in range(1, per_situation + 1)
            )
            paragraphs = list(mandate.paragraphs.all())
            ParagraphLink.objects.bulk_create(
                ParagraphLink(recommendation=r, paragraph=paragraphs[k % len(paragraphs)], confirmed=k % 2 == 0)
                for k, r in enumerate(recs)
            )
            if i < 3:
                # The focal point's entity owns the recommendations of three situations;
                # the expert follows three others.
                Ownership.objects.bulk_create(Ownership(recommendation=r, entity=entity) for r in recs)
            elif i < 6:
                follow_situation(user=expert, situation=situation)
            first = first or (situation, recs[0], mandate)
        all_recs = list(Recommendation.objects.values_list("pk", flat=True))
        now = dt.datetime.now(dt.UTC)
        StatusUpdate.objects.bulk_create(
            (
                StatusUpdate(
                    recommendation_id=all_recs[k % len(all_recs)], status="in_progress", note=f"Update {k}",
                    visibility="shared" if k % 2 else "internal", author=secretariat,
                    created_at=now - dt.timedelta(minutes=k),
                )
                for k in range(n_updates)
            ),
            batch_size=5000,
        )
        # The recommendation shown gets a long timeline.
        StatusUpdate.objects.bulk_create(
            StatusUpdate(recommendation=first[1], status="partial", note=f"Step {k}", visibility="shared",
                         author=secretariat, created_at=now - dt.timedelta(hours=k))
            for k in range(200)
        )
    situation, rec, mandate = first
    follow_situation(user=expert, situation=situation)
    return {"situation": situation.pk, "rec": rec.pk, "mandate": mandate.pk}


if __name__ == "__main__":
    main()
