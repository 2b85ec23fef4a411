"""Precision and recall of the uptake suggestions against the hand-labelled sets in
tests/data/resolutions/gold-uptake-*.json. Run: .venv/bin/python benchmarks/resolution_quality.py

Uptake: a suggestion is right when its value equals the gold value (precision and recall of
"taken up", i.e. reflected or partly, are printed too). Paragraphs: suggested labels against
gold labels, over all recommendations. Uses a throw-away in-memory database."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import _django

ROOT = _django.ROOT
DATA = ROOT / "tests" / "data" / "resolutions"


def main() -> None:
    _django.start()
    from recommendations.curation.uptake import suggest_uptake
    from recommendations.importing.resolution import import_resolution
    from recommendations.models import Briefing, Mandate, Recommendation

    totals = {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "n": 0, "ptp": 0, "pfp": 0, "pfn": 0}
    for gold_path in sorted(DATA.glob("gold-uptake-*.json")):
        gold = json.loads(gold_path.read_text())
        for symbol in (gold["previous"], gold["renewal"]):
            number, year = symbol.removeprefix("S/RES/").replace("(", "").replace(")", "").split()
            import_resolution(data=(DATA / f"S-RES-{number}-{year}.en.xml").read_bytes())
        old, new = Mandate.objects.get(symbol=gold["previous"]), Mandate.objects.get(symbol=gold["renewal"])
        issued = old.adopted_on + dt.timedelta(days=60)
        briefing = Briefing.objects.create(situation=new.situation, mandate=old, title=gold_path.stem,
                                           issued_on=issued, original_text=gold_path.stem, sha256=gold_path.stem)
        expected = {}
        for i, g in enumerate(gold["recommendations"], 1):
            Recommendation.objects.create(briefing=briefing, situation=new.situation, reference=f"{gold_path.stem}-{g['reference']}",
                                          position=i, text=g["text"], addressee=g["addressee"])
            expected[f"{gold_path.stem}-{g['reference']}"] = g
        c = dict.fromkeys(totals, 0)
        for s in suggest_uptake(renewal=new):
            g = expected[s.recommendation.reference]
            up_s, up_g = s.uptake != "not_reflected", g["uptake"] != "not_reflected"
            c["tp"] += up_s and up_g
            c["fp"] += up_s and not up_g
            c["fn"] += up_g and not up_s
            c["exact"] += s.uptake == g["uptake"]
            c["n"] += 1
            got, want = {p.label for p in s.paragraphs}, set(g["paragraphs"])
            c["ptp"] += len(got & want)
            c["pfp"] += len(got - want)
            c["pfn"] += len(want - got)
        _print(gold_path.stem, c)
        for k in totals:
            totals[k] += c[k]
    _print("overall", totals)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _print(name: str, c: dict) -> None:
    print(
        f"{name}: uptake taken-up precision {_ratio(c['tp'], c['tp'] + c['fp']):.2f} "
        f"recall {_ratio(c['tp'], c['tp'] + c['fn']):.2f}, exact value {c['exact']}/{c['n']}; "
        f"paragraphs precision {_ratio(c['ptp'], c['ptp'] + c['pfp']):.2f} recall {_ratio(c['ptp'], c['ptp'] + c['pfn']):.2f}"
    )


if __name__ == "__main__":
    main()
