"""The one read policy (access.Reader): its queryset form and its per-object form agree, for
every persona and audience, on every update and recommendation of a generated data set."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import F, Q
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm

from recommendations import access, rules
from recommendations.curation.selectors import SHOWN, overdue_rule, stale_rule
from recommendations.curation.services import assign_owner, record_status_update, withdraw_status_update
from recommendations.dates import local_today
from recommendations.models import (
    ImplementationStatus,
    Mandate,
    Ownership,
    ProgressReport,
    Recommendation,
    Situation,
    StatusUpdate,
)

PERSONAS = ("secretariat", "focalpoint", "mission", "expert", "outsider", "ssd_expert", "nobody", "anonymous")
VISIBILITIES = (StatusUpdate.Visibility.INTERNAL, StatusUpdate.Visibility.SHARED)
STATUSES = ("in_progress", "partial", "implemented", "not_started")


@pytest.fixture
def data(personas):
    """Every Mali and South Sudan recommendation gets updates by its owners and the
    secretariat, internal and shared in turn; one Mali recommendation gets a second owner,
    another none at all."""
    world = personas
    recs = list(Recommendation.objects.order_by("pk"))
    Ownership.objects.filter(recommendation=recs[0]).delete()
    assign_owner(recommendation=recs[1], entity=world.un_women, assigned_by=None)
    assign_owner(recommendation=recs[1], entity=world.minusma, assigned_by=None)
    cycle = itertools.cycle(itertools.product(STATUSES, VISIBILITIES))
    for rec in recs:
        authors = [world.secretariat, *(u for u in (world.focalpoint, world.mission) if access.owns(u, rec))]
        for author in authors:
            for _ in range(2):
                status, visibility = next(cycle)
                record_status_update(recommendation=rec, author=author, status=status, note="n", visibility=visibility)
    # Withdrawals and corrections (issue 13): the latest update of some recommendations,
    # an older one of others, shared and internal alike, no longer count for anyone.
    for i, rec in enumerate(recs):
        standing = list(StatusUpdate.objects.filter(recommendation=rec).order_by("-created_at", "-id"))
        if i % 3 == 0:
            withdraw_status_update(update=standing[0], author=world.secretariat, reason="By mistake")
        elif i % 3 == 1:
            record_status_update(recommendation=rec, author=world.secretariat, status="partial", note="Corrected",
                                 visibility=standing[-1].visibility, corrects=standing[-1])
    if recs:
        # Every update of one recommendation withdrawn: nothing stands.
        for update in list(StatusUpdate.objects.filter(recommendation=recs[-1], kind="update")):
            if not StatusUpdate.objects.filter(corrects=update).exists():
                withdraw_status_update(update=update, author=world.secretariat, reason="All wrong")
    assert StatusUpdate.objects.count() > 50
    return world


def readers(world):
    for name in PERSONAS:
        yield name, access.Reader.of(getattr(world, name))
    for audience in ProgressReport.Audience.values:
        yield f"audience:{audience}", access.Reader.for_audience(audience)


def test_queryset_and_per_object_forms_agree(data):
    updates = list(StatusUpdate.objects.select_related("recommendation"))
    recs = list(Recommendation.objects.all())
    found = {"stale": set(), "overdue": set()}
    for name, reader in readers(data):
        by_query = set(reader.updates().values_list("pk", flat=True))
        by_object = {u.pk for u in updates if reader.may_read_update(u)}
        assert by_query == by_object, name

        inside = reader.internal_q()
        internal_rows = (
            {r.pk for r in recs} if inside is None else set(Recommendation.objects.filter(inside).values_list("pk", flat=True))
        )
        assert internal_rows == {r.pk for r in recs if reader.reads_internal(r)}, name

        assert not any(reader.may_read_update(u) for u in updates if u.kind == "withdrawal"), name
        assert not reader.updates().filter(corrections__isnull=False).exists(), name

        # The stored shared reading (issue 14) equals the rule computed from the updates.
        assert not Recommendation.objects.annotate(computed=access.shared_status()).exclude(
            shared_status=F("computed")).exists()
        shown = dict(reader.with_shown_status(Recommendation.objects.all()).values_list("pk", "shown_status"))
        # The filters' form (shown_q, the rule's two branches) selects what the annotation shows.
        for value in ImplementationStatus.values:
            by_branches = set(Recommendation.objects.filter(
                reader.shown_q(lambda *, status, updated, value=value: Q(**{status: value}))).values_list("pk", flat=True))
            assert by_branches == {pk for pk, status in shown.items() if status == value}, (name, value)
        # Stale and overdue on days that put the cutoff between the updates (and today), so the
        # stored and the shared readings differ somewhere.
        days = {local_today()} | {timezone.localdate(u.created_at) + dt.timedelta(days=after)
                                  for u in updates for after in (settings.WPS_STALE_AFTER_DAYS + 1, 1)}
        for today in sorted(days):
            for kind, rule, q in (
                ("stale", stale_rule(today=today), rules.stale_q(today=today, **SHOWN)),
                ("overdue", overdue_rule(today=today), rules.overdue_q(today=today, status="shown_status")),
            ):
                by_branches = set(Recommendation.objects.filter(reader.shown_q(rule)).values_list("pk", flat=True))
                by_case = set(reader.with_shown_status(Recommendation.objects.all()).filter(q).values_list("pk", flat=True))
                assert by_branches == by_case, (name, kind, today)
                found[kind].add(frozenset(by_case))
        for rec in recs:
            readable = [u for u in sorted(updates, key=lambda u: u.created_at, reverse=True)
                        if u.recommendation_id == rec.pk and reader.may_read_update(u)]
            assert shown[rec.pk] == reader.status_of(rec, readable)[0], (name, rec.reference)
            if reader.reads_internal(rec):
                # The stored status follows withdrawals: that of the latest update standing.
                standing = [u for u in readable if access.is_standing(u)]
                assert rec.status == (standing[0].status if standing else "not_started"), (name, rec.reference)
    # Not vacuous: on some day some rows are stale and some overdue, not the same for everyone.
    assert all(len(sets - {frozenset()}) >= 2 for sets in found.values()), found


def test_who_reads_what(data):
    """The rule in words: the secretariat reads everything; a focal point the internal updates
    of what their entity owns; experts, outsiders and the Council audience shared ones only."""
    recs = list(Recommendation.objects.filter(situation=data.mali).order_by("position"))
    owned_by = {r.pk: set(r.owners.values_list("name", flat=True)) for r in recs}
    expect = {
        "secretariat": {r.pk for r in recs},
        "focalpoint": {pk for pk, names in owned_by.items() if "UN Women" in names},
        "mission": {pk for pk, names in owned_by.items() if "MINUSMA" in names},
        "expert": set(), "outsider": set(), "nobody": set(), "anonymous": set(),
        "audience:council": set(), "audience:secretariat": {r.pk for r in recs},
    }
    for name, reader in readers(data):
        if name in expect:
            assert {r.pk for r in recs if reader.reads_internal(r)} == expect[name], name
    assert recs[0].pk not in expect["focalpoint"] | expect["mission"]  # no owner: the secretariat only
    assert recs[1].pk in expect["focalpoint"] & expect["mission"]  # two owners: both


def test_visible_situations_follow_ownership_and_following(data):
    names = {name: set(reader.situations().values_list("name", flat=True)) for name, reader in readers(data)}
    assert names["secretariat"] == names["audience:council"] == {"Mali", "South Sudan"}
    assert names["focalpoint"] == names["mission"] == names["expert"] == {"Mali"}
    assert names["ssd_expert"] == {"South Sudan"}
    assert names["outsider"] == names["nobody"] == names["anonymous"] == set()
    # A focal point sees a situation while their entity owns something there, and no longer.
    Ownership.objects.filter(entity=data.minusma).delete()
    assert not access.Reader.of(data.mission).situations().exists()


def test_situations_read_as_ids_select_the_same_rows(data):
    """recommendations(by_ids=True) (the list, its exports, the mandate page) reads the
    situations once and filters on their ids: the same rows as the subquery form, for every
    reader, before and after an entity loses what it owned and a group starts following a
    situation; situation_list (its SQL compiled once a process: compiled_sql) gives the same
    situations, every column, by name; and the ids are read once per Reader."""
    columns = ("pk", "name", "code", "is_active")

    def check():
        for name, reader in readers(data):
            by_subquery = set(reader.recommendations().values_list("pk", flat=True))
            assert set(reader.recommendations(by_ids=True).values_list("pk", flat=True)) == by_subquery, name
            situations = reader.situation_list()
            if situations is None:
                assert reader.situations().count() == Situation.objects.count(), name
            else:
                listed = [tuple(getattr(s, column) for column in columns) for s in situations]
                assert listed == list(reader.situations().order_by("name").values_list(*columns)), name

    check()
    Ownership.objects.filter(entity=data.minusma).delete()
    Situation.objects.filter(pk=data.south_sudan.pk).update(is_active=False)
    group = Group.objects.create(name="South Sudan followers")
    group.user_set.add(data.outsider, data.expert)
    assign_perm(access.VIEW_SITUATION_PERM, group, data.south_sudan)
    check()
    assert [s.name for s in access.Reader.of(data.expert).situation_list()] == ["Mali", "South Sudan"]
    assert [s.is_active for s in access.Reader.of(data.outsider).situation_list()] == [False]
    assert access.Reader.of(data.mission).situation_list() == []
    reader = access.Reader.of(data.focalpoint)
    reader.situation_ids()
    with CaptureQueriesContext(connection) as ctx:
        assert reader.situation_ids() == [data.mali.pk]
        reader.recommendations(by_ids=True)
    assert len(ctx.captured_queries) == 0


def _fetched(fetch, user, pk) -> bool:
    try:
        fetch(user, pk)
    except Http404:
        return False
    return True


def test_fetching_one_object_tests_the_situation_per_row_as_the_set_does(data):
    """Reader.sees_situation_q (fetching one situation, mandate or recommendation: pages that
    404 what the user may not see) selects exactly what situations() does, for every reader,
    before and after a focal point's entity loses what it owned, and for an expert who
    follows through a group."""
    def check():
        for name, reader in readers(data):
            sees = reader.sees_situation_q(situation="pk")
            per_row = set((Situation.objects.filter(sees) if sees is not None else Situation.objects).values_list("pk", flat=True))
            assert per_row == set(reader.situations().values_list("pk", flat=True)), name
            if reader.user is None:
                continue
            for fetch, model in (
                (access.get_situation_for_user, Situation),
                (access.get_mandate_for_user, Mandate),
                (access.get_recommendation_for_user, Recommendation),
            ):
                field = "pk" if model is Situation else "situation_id"
                for pk, situation_id in model.objects.values_list("pk", field):
                    assert _fetched(fetch, reader.user, pk) == (situation_id in per_row), (name, model, pk)
            # A report version: of a situation seen, and of an audience the user may read.
            readable = set(access.visible_reports(reader.user).values_list("pk", flat=True))
            for report in ProgressReport.objects.select_related("mandate"):
                expected = report.mandate.situation_id in per_row and access.may_read_audience(
                    reader.user, audience=report.audience
                )
                assert _fetched(access.get_report_for_user, reader.user, report.pk) == expected, (name, report.pk)
                assert (report.pk in readable) == expected, (name, report.pk)

    for mandate in Mandate.objects.all():
        for audience in ProgressReport.Audience.values:
            ProgressReport.objects.create(mandate=mandate, audience=audience, state="done")
    check()
    Ownership.objects.filter(entity=data.minusma).delete()
    group = Group.objects.create(name="South Sudan followers")
    group.user_set.add(data.outsider)
    assign_perm(access.VIEW_SITUATION_PERM, group, data.south_sudan)
    check()
    assert _fetched(access.get_situation_for_user, data.outsider, data.south_sudan.pk)
    assert not _fetched(access.get_situation_for_user, data.mission, data.mali.pk)
    assert not _fetched(access.get_mandate_for_user, data.focalpoint, "not a number")


def test_experts_following_is_the_readers_rule_from_the_other_side(data):
    followers = set(access.experts_following(data.mali).values_list("username", flat=True))
    assert followers == {"expert"}
    for name in PERSONAS:
        user = getattr(data, name)
        if name in followers:
            assert access.Reader.of(user).situations().filter(pk=data.mali.pk).exists()


def test_an_owners_csv_row_shows_the_note_of_the_status_it_shows(data, client):
    """The bug: an owner's CSV row showed the status set by their internal update beside an
    older shared note. Status and note now come from the same update."""
    rec = Recommendation.objects.filter(situation=data.mali, owners=data.minusma).order_by("position").last()
    record_status_update(recommendation=rec, author=data.mission, status="partial", note="Older shared words",
                         visibility="shared")
    record_status_update(recommendation=rec, author=data.mission, status="implemented", note="Newest internal words",
                         visibility="internal")
    client.force_login(data.mission)
    body = b"".join(client.get(f"/recommendations/export.csv?q={rec.reference}").streaming_content).decode()
    row = next(line for line in body.splitlines() if line.startswith(rec.reference))
    assert "Implemented" in row and "Newest internal words" in row and "Older shared words" not in row
    client.force_login(data.expert)
    body = b"".join(client.get(f"/recommendations/export.csv?q={rec.reference}").streaming_content).decode()
    row = next(line for line in body.splitlines() if line.startswith(rec.reference))
    assert "Partially implemented" in row and "Older shared words" in row and "Newest internal words" not in row
