"""The quality figures of benchmarks/resolution_quality.py, held as floors: paragraph pairing
against the hand-written gold for 2584 -> 2640, and uptake suggestions against both uptake
gold sets (2584 -> 2640, and 2625 -> 2677, which was not used to tune them)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from recommendations.curation.changes import pair_paragraphs
from recommendations.curation.uptake import suggest_uptake
from recommendations.importing.akn import parse_resolution
from recommendations.models import Briefing, Mandate, Recommendation
from tests.resolutions.conftest import DATA, xml


def test_the_pairing_gold_covers_every_unit_once():
    gold = json.loads((DATA / "gold-pairs-2584-2640.json").read_text())
    old = [u.label for u in parse_resolution(xml("2584-2021.en")).units]
    new = [u.label for u in parse_resolution(xml("2640-2022.en")).units]
    assert sorted(p["old"] for p in gold["pairs"] if p["old"]) == sorted(old)
    assert sorted(p["new"] for p in gold["pairs"] if p["new"]) == sorted(new)


def test_pairing_precision_and_recall():
    gold = json.loads((DATA / "gold-pairs-2584-2640.json").read_text())
    expected = {(p["old"], p["new"]) for p in gold["pairs"] if p["old"] and p["new"]}
    old, new = parse_resolution(xml("2584-2021.en")).units, parse_resolution(xml("2640-2022.en")).units
    predicted = {(p.label, q.label) for p, q, _ in pair_paragraphs(old, new) if p and q}
    right = len(predicted & expected)
    assert (right, len(predicted), len(expected)) == (120, 121, 123)  # precision 0.99, recall 0.98


@pytest.mark.django_db
@pytest.mark.parametrize("chain,taken_up", [("2584-2640", (7, 7, 7)), ("2625-2677", (9, 11, 9))])
def test_uptake_precision_and_recall(load, chain, taken_up):
    """(right, suggested, in the gold) for "taken up" (reflected or partly)."""
    gold = json.loads((DATA / f"gold-uptake-{chain}.json").read_text())
    old_number, new_number = chain.split("-")
    old_file = next(DATA.glob(f"S-RES-{old_number}-*.en.xml")).name.removeprefix("S-RES-").removesuffix(".xml")
    new_file = next(DATA.glob(f"S-RES-{new_number}-*.en.xml")).name.removeprefix("S-RES-").removesuffix(".xml")
    load(old_file, new_file)
    old, new = Mandate.objects.get(number=int(old_number)), Mandate.objects.get(number=int(new_number))
    briefing = Briefing.objects.create(situation=new.situation, mandate=old, title=chain, original_text=chain, sha256=chain,
                                       issued_on=old.adopted_on + dt.timedelta(days=60))
    for i, g in enumerate(gold["recommendations"], 1):
        Recommendation.objects.create(briefing=briefing, situation=new.situation, reference=g["reference"], position=i,
                                      text=g["text"], addressee=g["addressee"])
    want = {g["reference"] for g in gold["recommendations"] if g["uptake"] != "not_reflected"}
    got = {s.recommendation.reference for s in suggest_uptake(renewal=new) if s.uptake != "not_reflected"}
    assert (len(got & want), len(got), len(want)) == taken_up
