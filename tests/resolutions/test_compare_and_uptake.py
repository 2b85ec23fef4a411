"""compare_mandates and suggest_uptake: the commands' JSON contracts and the rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from recommendations.curation.uptake import accept_uptake, suggest_uptake
from recommendations.models import Briefing, Mandate, MandateParagraph, Recommendation, Uptake
from tests.resolutions.conftest import DATA, xml

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(load):
    load("2584-2021.en", "2640-2022.en")
    gold = json.loads((DATA / "gold-uptake-2584-2640.json").read_text())
    old, new = Mandate.objects.get(number=2584), Mandate.objects.get(number=2640)
    briefing = Briefing.objects.create(situation=new.situation, mandate=old, title="t", issued_on=dt.date(2022, 5, 1),
                                       original_text="t", sha256="t")
    for i, g in enumerate(gold["recommendations"], 1):
        Recommendation.objects.create(briefing=briefing, situation=new.situation, reference=g["reference"], position=i,
                                      text=g["text"], addressee=g["addressee"])
    return old, new, {g["reference"]: g for g in gold["recommendations"]}


def test_compare_json(chain, capsys):
    call_command("compare_mandates", "S/RES/2584 (2021)", "S/RES/2640 (2022)", "--json")
    pairs = json.loads(capsys.readouterr().out)
    assert {p["kind"] for p in pairs} == {"unchanged", "changed", "new", "dropped"}
    assert {"old": "OP 53", "new": "OP 48", "kind": "changed"} in pairs
    assert {"old": None, "new": "OP 44", "kind": "new"} in pairs
    assert {"old": "OP 30 (c)(iii)", "new": "OP 26 (c)(iii)", "kind": "unchanged"} in pairs
    assert len([p for p in pairs if p["old"]]) == 150 and len([p for p in pairs if p["new"]]) == 140


def test_suggest_uptake_json_writes_nothing(chain, capsys):
    call_command("suggest_uptake", "--renewal", "S/RES/2640 (2022)", "--json")
    rows = {r["reference"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["G01"] == {"reference": "G01", "uptake": "reflected", "paragraphs": ["OP 44"], "matched": rows["G01"]["matched"]}
    assert "2538" in rows["G01"]["matched"]
    assert rows["G08"]["uptake"] == "not_reflected"  # language merely kept from 2584
    assert rows["G09"]["uptake"] == "reflected" and rows["G09"]["paragraphs"] == ["OP 50"]  # "retain"
    assert not Recommendation.objects.exclude(uptake=Uptake.PENDING).exists()


def test_only_a_paragraph_of_the_renewal_is_accepted(chain):
    old, new, _gold = chain
    rec = Recommendation.objects.get(reference="G01")
    with pytest.raises(ValueError):
        accept_uptake(recommendation=rec, uptake=Uptake.REFLECTED, paragraph=old.paragraphs.first(), renewal=new)
    accept_uptake(recommendation=rec, uptake=Uptake.REFLECTED, paragraph=new.paragraphs.get(label="OP 44"), renewal=new)
    rec.refresh_from_db()
    assert rec.uptake == Uptake.REFLECTED and rec.uptake_paragraph.label == "OP 44"


def test_termination_suggests_not_reflected(load):
    from recommendations.importing.save import import_ieg_update
    from tests.resolutions.conftest import NOTE

    import_ieg_update(data=NOTE.read_bytes())
    load("2640-2022.en", "2690-2023.en")
    suggestions = suggest_uptake(renewal=Mandate.objects.get(number=2690))
    assert len(suggestions) == 11  # R12 asks Council members, it proposes no language
    assert {s.uptake for s in suggestions} == {Uptake.NOT_REFLECTED}
    assert MandateParagraph.objects.filter(mandate__number=2690).count() == 24
    assert xml  # the fixture files are the repository's copies
