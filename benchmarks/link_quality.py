"""Precision and recall of the paragraph links the importer suggests, against hand-labelled
gold links (tests/data/notes/gold_links.json), per note and overall.

    .venv/bin/python benchmarks/link_quality.py [--gold FILE] [--verbose]

A suggested link is a cited paragraph or a word-overlap suggestion (recommendations.importing
.links.suggest_links), exactly as the import stores them. Pure parsing: no database.
Exits 1 when overall precision or recall is under 0.8.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recommendations.importing.links import AnnexIndex, suggest_links  # noqa: E402
from recommendations.importing.note import parse_note_bytes  # noqa: E402


def suggestions_for(path: Path) -> list[list[str]]:
    """For each recommendation of the note at ``path``, the labels suggested (cited first)."""
    note = parse_note_bytes(path.read_bytes())
    index = AnnexIndex([(p.label, p.label, p.text) for p in note.mandate.paragraphs], mission=note.mandate.mission)
    out = []
    for rec in note.recommendations:
        found = suggest_links(rec.text, index, symbol=note.mandate.symbol, addressee=rec.addressee, context=rec.context)
        out.append([*found.cited, *found.suggested])
    return out


def score(gold_path: Path, *, verbose: bool = False) -> tuple[float, float]:
    gold = {k: v for k, v in json.loads(gold_path.read_text()).items() if not k.startswith("_")}
    total_tp = total_suggested = total_gold = 0
    print(f"{'note':<52} {'sugg':>5} {'gold':>5} {'hits':>5} {'prec':>6} {'recall':>6}")
    for name, expected in gold.items():
        suggested = suggestions_for(ROOT / name)
        tp = n_s = n_g = 0
        for number, labels in enumerate(suggested, start=1):
            want = set(expected.get(str(number), []))
            got = set(labels)
            tp += len(want & got)
            n_s += len(got)
            n_g += len(want)
            if verbose and want != got:
                print(f"    R{number:02d} suggested {sorted(got)} gold {sorted(want)}")
        total_tp, total_suggested, total_gold = total_tp + tp, total_suggested + n_s, total_gold + n_g
        print(f"{name:<52} {n_s:>5} {n_g:>5} {tp:>5} {tp / n_s if n_s else 1:>6.2f} {tp / n_g if n_g else 1:>6.2f}")
    precision = total_tp / total_suggested if total_suggested else 1.0
    recall = total_tp / total_gold if total_gold else 1.0
    print(f"{'overall':<52} {total_suggested:>5} {total_gold:>5} {total_tp:>5} {precision:>6.2f} {recall:>6.2f}")
    return precision, recall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "notes" / "gold_links.json")
    parser.add_argument("--verbose", action="store_true", help="Print each recommendation that differs from its gold.")
    args = parser.parse_args()
    precision, recall = score(args.gold, verbose=args.verbose)
    return 0 if precision >= 0.8 and recall >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
