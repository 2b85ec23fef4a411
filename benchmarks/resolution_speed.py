"""Speed: importing 2640 (2022) English (about 110 KB) and suggest_uptake for 300
recommendations against a 100-paragraph resolution, on the embedded default (SQLite).
Run: .venv/bin/python benchmarks/resolution_speed.py"""

from __future__ import annotations

import datetime as dt
import sys
import time
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

    import_resolution(data=(DATA / "S-RES-2584-2021.en.xml").read_bytes())
    data = (DATA / "S-RES-2640-2022.en.xml").read_bytes()
    start = time.perf_counter()
    import_resolution(data=data)
    print(f"import 2640 (2022) en, {len(data) / 1024:.0f} KB: {time.perf_counter() - start:.2f} s")
    new = Mandate.objects.get(number=2640)
    new.paragraphs.filter(position__gt=100).delete()
    texts = [p.text for p in Mandate.objects.get(number=2584).paragraphs.all()]
    briefing = Briefing.objects.create(situation=new.situation, title="b", issued_on=dt.date(2022, 5, 1),
                                       original_text="b", sha256="b")
    Recommendation.objects.bulk_create(
        Recommendation(briefing=briefing, situation=new.situation, reference=f"B-{i}", position=i,
                       text=f"Urge the authorities {texts[i % len(texts)]} {texts[(i * 7) % len(texts)][:200]}",
                       addressee="security_council")
        for i in range(300)
    )
    start = time.perf_counter()
    suggestions = suggest_uptake(renewal=new)
    print(f"suggest_uptake {len(suggestions)} recommendations x {new.paragraphs.count()} paragraphs: "
          f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
