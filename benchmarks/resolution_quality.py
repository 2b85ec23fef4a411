"""Precision and recall of paragraph pairing at renewal (tests/data/resolutions/gold-pairs-*.json)
and of the uptake suggestions (gold-uptake-*.json), against sets labelled by hand by reading the
resolutions. Run: .venv/bin/python benchmarks/resolution_quality.py [-v]

Pairing: a predicted pair (old label, new label) is right when the gold pairs the same two
units; precision over the predicted pairs, recall over the gold pairs (units that are new or
dropped in both count as agreement and are reported apart).

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
# -v: print each suggestion that differs from the gold.
VERBOSE = "-v" in sys.argv[1:]


def _symbol_file(symbol: str) -> Path:
    number, year = symbol.removeprefix("S/RES/").replace("(", "").replace(")", "").split()
    return DATA / f"S-RES-{number}-{year}.en.xml"


def pairing() -> None:
    from recommendations.curation.changes import pair_paragraphs
    from recommendations.importing.akn import parse_resolution

    totals = {"tp": 0, "pred": 0, "gold": 0, "agree_unpaired": 0, "gold_unpaired": 0}
    for gold_path in sorted(DATA.glob("gold-pairs-*.json")):
        gold = json.loads(gold_path.read_text())
        old = parse_resolution(_symbol_file(gold["previous"]).read_bytes()).units
        new = parse_resolution(_symbol_file(gold["renewal"]).read_bytes()).units
        predicted = {(p.label if p else None, q.label if q else None) for p, q, _score in pair_paragraphs(old, new)}
        expected = {(g["old"], g["new"]) for g in gold["pairs"]}
        c = {
            "tp": len({x for x in predicted & expected if None not in x}),
            "pred": len({x for x in predicted if None not in x}),
            "gold": len({x for x in expected if None not in x}),
            "agree_unpaired": len({x for x in predicted & expected if None in x}),
            "gold_unpaired": len({x for x in expected if None in x}),
        }
        _print_pairs(gold_path.stem, c)
        for k in totals:
            totals[k] += c[k]
    _print_pairs("pairing overall", totals)


def _print_pairs(name: str, c: dict) -> None:
    print(
        f"{name}: pairing precision {_ratio(c['tp'], c['pred']):.2f} recall {_ratio(c['tp'], c['gold']):.2f} "
        f"({c['tp']} right of {c['pred']} predicted, {c['gold']} in the gold); "
        f"new or dropped agreed {c['agree_unpaired']}/{c['gold_unpaired']}"
    )


def main() -> None:
    _django.start()
    pairing()
    from recommendations.curation.uptake import suggest_uptake
    from recommendations.importing.resolution import import_resolution
    from recommendations.models import Briefing, Mandate, Recommendation

    totals = {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "n": 0, "ptp": 0, "pfp": 0, "pfn": 0}
    for gold_path in sorted(DATA.glob("gold-uptake-*.json")):
        gold = json.loads(gold_path.read_text())
        for symbol in (gold["previous"], gold["renewal"]):
            import_resolution(data=_symbol_file(symbol).read_bytes())
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
            if VERBOSE and (s.uptake != g["uptake"] or got != want):
                print(f"  {g['reference']}: suggested {s.uptake} {sorted(got)} ({s.score:.2f}; {', '.join(s.matched)}), "
                      f"gold {g['uptake']} {sorted(want)}")
            c["ptp"] += len(got & want)
            c["pfp"] += len(got - want)
            c["pfn"] += len(want - got)
        _print(gold_path.stem, c)
        for k in totals:
            totals[k] += c[k]
    _print("uptake overall", totals)


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
