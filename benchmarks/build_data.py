"""Realistic data for the scale benchmark (benchmarks/scale.py), built through the services.

- Notes: five real notes of tests/data/notes/ and tests/data/importer/ imported with
  ``importing.save.import_ieg_update`` under each situation name ("Situation 000", ...,
  one situation per 333 recommendations as in the issue's data), each note's resolution
  numbers renamed per import (a symbol belongs to one situation). The rest of the
  recommendations are bulk copies of the imported ones of the same situation (same
  briefings, texts, due dates, themes and paragraph links): importing costs ~0.5 s a note.
- Owners: ``curation.services.assign_owner`` for the imported recommendations, bulk
  Ownership rows for the copies (and their stored has_owner set in SQL with the same rule);
  one entity of twenty per situation, a second on every seventh recommendation.
- Updates: ``curation.services.record_status_update`` / ``withdraw_status_update`` for a
  sample (every tenth recommendation, corrections and withdrawals among them), then the rest
  bulk-inserted (appending only, as the triggers allow) and the denormalised fields
  (status, last_update_at, shared_status, shared_update_at) recomputed in SQL from the
  updates with the same rule (access.standing_q / shared_reading).
- Dates: the notes' mandates expired in 2023-2024; each situation's mandates and due dates
  are moved by one offset (a bulk update) so that its current mandate expires 5 to 120 days
  from today, and the renewal clocks run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = [
    # Newest first: an import then finds no earlier note in its situation to compare with.
    ROOT / "tests/data/notes/afg-unama-2024-02-26.txt",
    ROOT / "tests/data/importer/unmiss-south-sudan-2024-02-12.txt",
    ROOT / "tests/data/notes/cod-monusco-2023-11-28.txt",
    ROOT / "tests/data/notes/hti-binuh-2023-07-03.txt",
    ROOT / "tests/data/importer/mali-numbered-dot.txt",
]
RESOLUTION = re.compile(r"\b(\d{4}) \((\d{4})\)")
ENTITIES = 20
PER_SITUATION = 333  # the data: 30 situations at 10,000 recommendations
SAMPLE_EVERY = 10


def _renumbered(text: str, numbers: dict[tuple[str, str], int], counter: itertools.count) -> str:
    def swap(match: re.Match) -> str:
        key = match.groups()
        if key == ("1325", "2000"):
            return match.group(0)
        if key not in numbers:
            numbers[key] = next(counter)
        return f"{numbers[key]} ({key[1]})"

    return RESOLUTION.sub(swap, text)


def build(*, n_recs: int, n_updates: int, log=print) -> dict:
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.db.models import Exists, F, OuterRef, Q, Subquery
    from django.utils import timezone

    from recommendations.curation.services import assign_owner, record_status_update, withdraw_status_update
    from recommendations.importing.save import import_ieg_update
    from recommendations.models import (
        Entity,
        Mandate,
        Ownership,
        ParagraphLink,
        Recommendation,
        Situation,
        StatusUpdate,
    )
    from recommendations.people.services import add_focal_point, create_entity, ensure_role_groups, follow_situation

    started = time.perf_counter()
    secretariat_group, _ = ensure_role_groups()
    secretariat = User.objects.create_user("bench-secretariat", "bench-secretariat@example.org", "pw", is_staff=True)
    secretariat.groups.add(secretariat_group)
    User.objects.create_superuser("bench-admin", "bench-admin@example.org", "pw")
    entities = []
    for i in range(ENTITIES):
        entity = create_entity(name=f"Entity {i:02d}")
        add_focal_point(entity=entity, user=User.objects.create_user(f"bench-focal-{i:02d}", f"fp{i}@example.org", "pw"))
        entities.append(entity)
    expert = User.objects.create_user("bench-expert", "bench-expert@example.org", "pw")

    texts = [path.read_text(encoding="utf-8") for path in TEMPLATES]
    counter = itertools.count(10000)
    situations = max(1, round(n_recs / PER_SITUATION))
    for s in range(situations):
        for text in texts:
            body = _renumbered(text, {}, counter)
            import_ieg_update(data=body.encode("utf-8"), situation_name=f"Situation {s:03d}", user=secretariat)
    imported = Recommendation.objects.count()
    log(f"  imported {situations * len(texts)} notes ({imported} recommendations) in "
        f"{time.perf_counter() - started:.0f} s")

    # The rest: copies of the imported recommendations of the same situation, in the same
    # briefings, with their themes and paragraph links (bulk: importing takes ~0.5 s a note).
    t0 = time.perf_counter()
    Through = Recommendation.themes.through
    by_situation: dict[int, list[Recommendation]] = {}
    for rec in Recommendation.objects.order_by("pk"):
        by_situation.setdefault(rec.situation_id, []).append(rec)
    themes = {}
    for rec_id, theme_id in Through.objects.values_list("recommendation_id", "theme_id"):
        themes.setdefault(rec_id, []).append(theme_id)
    links = {}
    for rec_id, paragraph_id, confirmed in ParagraphLink.objects.values_list("recommendation_id", "paragraph_id",
                                                                             "confirmed"):
        links.setdefault(rec_id, []).append((paragraph_id, confirmed))
    missing = n_recs - imported
    copies = 0
    with transaction.atomic():
        for round_no in itertools.count(1):
            if copies >= missing:
                break
            for originals in by_situation.values():
                if copies >= missing:
                    break
                made = Recommendation.objects.bulk_create([
                    Recommendation(
                        briefing_id=r.briefing_id, situation_id=r.situation_id, reference=f"{r.reference}-C{round_no}",
                        position=r.position + 1000 * round_no, text=r.text, addressee=r.addressee, due_on=r.due_on,
                    )
                    for r in originals[: missing - copies]
                ])
                copies += len(made)
                Through.objects.bulk_create([
                    Through(recommendation_id=c.pk, theme_id=t) for o, c in zip(originals, made) for t in themes.get(o.pk, ())
                ])
                ParagraphLink.objects.bulk_create([
                    ParagraphLink(recommendation_id=c.pk, paragraph_id=p, confirmed=conf or c.pk % 2 == 0)
                    for o, c in zip(originals, made) for p, conf in links.get(o.pk, ())
                ])
    log(f"  {copies} recommendations copied in bulk in {time.perf_counter() - t0:.0f} s")

    # Dates: each situation's current mandate 5 to 120 days ahead.
    today = timezone.localdate()
    for i, situation in enumerate(Situation.objects.order_by("name")):
        latest = Mandate.objects.filter(situation=situation).order_by("-expires_on").first()
        if latest is None or latest.expires_on is None:
            continue
        shift = (today + dt.timedelta(days=5 + (i * 17) % 116)) - latest.expires_on
        Mandate.objects.filter(situation=situation, expires_on__isnull=False).update(expires_on=F("expires_on") + shift)
        Recommendation.objects.filter(situation=situation, due_on__isnull=False).update(due_on=F("due_on") + shift)

    # Owners and experts.
    t0 = time.perf_counter()
    situation_ids = list(Situation.objects.order_by("name").values_list("pk", flat=True))
    index_of = {pk: i for i, pk in enumerate(situation_ids)}
    rows = list(Recommendation.objects.order_by("pk").values_list("pk", "situation_id"))
    bulk = []
    for k, (pk, situation_id) in enumerate(rows):
        wanted = [entities[index_of[situation_id] % ENTITIES]]
        if k % 7 == 0:
            wanted.append(entities[(index_of[situation_id] + 1) % ENTITIES])
        for entity in wanted:
            if k < imported:  # through the service for what was imported
                assign_owner(recommendation=Recommendation(pk=pk, situation_id=situation_id), entity=entity,
                             assigned_by=secretariat)
            else:
                bulk.append(Ownership(recommendation_id=pk, situation_id=situation_id, entity=entity, assigned_by=secretariat))
    Ownership.objects.bulk_create(bulk, batch_size=5000, ignore_conflicts=True)
    # The stored has_owner of the bulk rows, with the services' rule (curation.services._store_has_owner).
    Recommendation.objects.filter(Exists(Ownership.objects.filter(recommendation=OuterRef("pk")))).update(has_owner=True)
    for situation in Situation.objects.order_by("name")[:3]:
        follow_situation(user=expert, situation=situation)
    log(f"  owners assigned in {time.perf_counter() - t0:.0f} s")

    # Updates: a sample through the services, the rest in bulk.
    t0 = time.perf_counter()
    now = timezone.now()
    statuses = ("in_progress", "partial", "implemented", "in_progress", "not_implemented")
    rec_ids = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
    focal_of = {e.pk: e.group.user_set.first() for e in Entity.objects.select_related("group")}
    sample = 0
    for k, pk in enumerate(rec_ids[::SAMPLE_EVERY]):
        rec = Recommendation.objects.get(pk=pk)
        owner = rec.owners.first()
        author = focal_of[owner.pk] if owner and k % 2 else secretariat
        visibility = "shared" if k % 3 else "internal"
        update = record_status_update(recommendation=rec, author=author, status=statuses[k % 5], note=f"Sample {k}",
                                      visibility=visibility, at=now - dt.timedelta(days=k % 200, seconds=k))
        sample += 1
        if k % 25 == 0:
            withdraw_status_update(update=update, author=secretariat, reason="Shared by mistake",
                                   at=now - dt.timedelta(days=k % 200, seconds=k) + dt.timedelta(minutes=1))
            sample += 1
        elif k % 25 == 1:
            record_status_update(recommendation=rec, author=secretariat, status="partial", note="Corrected",
                                 visibility=visibility, corrects=update,
                                 at=now - dt.timedelta(days=k % 200, seconds=k) + dt.timedelta(minutes=1))
            sample += 1
    log(f"  {sample} updates through the services in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    remaining = max(0, n_updates - sample)
    batch = []
    with transaction.atomic():
        for k in range(remaining):
            batch.append(StatusUpdate(
                recommendation_id=rec_ids[(k * 7919) % len(rec_ids)], status=statuses[k % 5],
                note=f"Progress reported to the mission, step {k}.", visibility="shared" if k % 2 else "internal",
                author=secretariat, created_at=now - dt.timedelta(days=200 + k % 400, seconds=k),
            ))
            if len(batch) == 5000:
                StatusUpdate.objects.bulk_create(batch)
                batch = []
        if batch:
            StatusUpdate.objects.bulk_create(batch)
        # The denormalised fields, from the updates, with the services' rule.
        standing = ~Q(kind="withdrawal") & ~Q(Exists(StatusUpdate.objects.filter(corrects=OuterRef("pk"))))
        latest = StatusUpdate.objects.filter(standing, recommendation=OuterRef("pk")).order_by("-created_at", "-id")
        shared = latest.filter(visibility="shared")
        Recommendation.objects.filter(Exists(latest)).update(
            status=Subquery(latest.values("status")[:1]), last_update_at=Subquery(latest.values("created_at")[:1]),
        )
        Recommendation.objects.filter(Exists(shared)).update(
            shared_status=Subquery(shared.values("status")[:1]),
            shared_update_at=Subquery(shared.values("created_at")[:1]),
        )
    log(f"  {remaining} updates bulk-inserted, denormalised fields recomputed in {time.perf_counter() - t0:.0f} s")
    if connection.vendor == "postgresql":
        vacuum_analyze()
        log("  VACUUM ANALYZE done")
    log(f"  built in {time.perf_counter() - started:.0f} s")
    return world()


def vacuum_analyze() -> None:
    """VACUUM ANALYZE (PostgreSQL): the state autovacuum keeps a production database in. The
    bulk recompute above leaves a dead row for each recommendation it updates (266,000 at
    100,000 recommendations, 3.6 times the live table) and no visibility map, so without it
    no index-only scan is possible: every count and the admin's changelist read the bloated
    heap, and the figures describe a database no one runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def world() -> dict:
    """The ids the benchmark's pages use: the first situation (owned by Entity 00, followed by
    the expert), its first recommendation and current mandate."""
    from recommendations import rules
    from recommendations.models import Recommendation, Situation

    situation = Situation.objects.order_by("name").first()
    rec = Recommendation.objects.filter(situation=situation).order_by("pk").first()
    mandate = rules.current_mandates(situation_ids=[situation.pk])[situation.pk]
    return {"situation": situation.pk, "rec": rec.pk, "mandate": mandate.pk}
