"""How long a 20-page note PDF takes to import on the embedded default (SQLite).

    DEBUG=1 .venv/bin/python benchmarks/pdf_import_speed.py

Prints the sample note as a PDF (tests/importing/render.py) with its narrative repeated until
it has 20 pages or more, then times import_ieg_update on it end to end (PDF text extraction,
parsing, suggestions, the writes) in a temporary SQLite database. Goal: under 3 s.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("WPS_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsfollowup.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from recommendations.importing.save import import_ieg_update

    start = time.perf_counter()
    outcome = import_ieg_update(data=data)
    seconds = time.perf_counter() - start
    print(f"{pages} pages, {len(data):,} bytes: imported {len(outcome.references)} recommendations in {seconds:.2f} s")
    return 0 if seconds < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
