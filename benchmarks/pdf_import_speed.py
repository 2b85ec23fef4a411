"""How long a 20-page note PDF takes to import on the embedded default (SQLite).

    .venv/bin/python benchmarks/pdf_import_speed.py

Prints the sample note as a PDF (tests/importing/render.py) with its narrative repeated until
it has 20 pages or more, then times import_ieg_update on it end to end (PDF text extraction,
parsing, suggestions, the writes) in a temporary SQLite database. Goal: under 3 s.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import _django

ROOT = _django.ROOT


def main() -> int:
    import pypdf

    from tests.importing.render import note_pdf

    sample = (ROOT / "tests" / "data" / "importer" / "ieg-update-mali-2023-03-28.txt").read_text()
    pad = 1
    while True:
        data = note_pdf(sample, pad=pad)
        pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
        if pages >= 20:
            break
        pad += 1
    _django.start()
    from recommendations.importing.save import import_ieg_update

    start = time.perf_counter()
    outcome = import_ieg_update(data=data)
    seconds = time.perf_counter() - start
    print(f"{pages} pages, {len(data):,} bytes: imported {len(outcome.references)} recommendations in {seconds:.2f} s")
    return 0 if seconds < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
