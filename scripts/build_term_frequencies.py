"""Write recommendations/data/term-frequencies.json: how many paragraphs of real Security
Council resolutions hold each term (recommendations.importing.links.terms), the background
against which link suggestions weigh a note's words.

    .venv/bin/python scripts/build_term_frequencies.py [XML ...]

Without arguments it reads the English resolutions of tests/data/resolutions/ (the UN's Akoma
Ntoso files). Run it again after adding resolutions there, or after changing ``terms``
(tests/importing/test_links.py fails while the table is out of step).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recommendations.importing.akn import parse_resolution  # noqa: E402
from recommendations.importing.links import BACKGROUND_PATH, document_frequencies  # noqa: E402

DEFAULT_SOURCES = sorted((ROOT / "tests" / "data" / "resolutions").glob("*.en.xml"))


def build(paths: list[Path]) -> dict:
    texts = (unit.text for path in paths for unit in parse_resolution(path.read_bytes()).units)
    table = document_frequencies(texts)
    table["sources"] = [path.name for path in paths]
    return table


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or DEFAULT_SOURCES
    table = build(paths)
    BACKGROUND_PATH.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{BACKGROUND_PATH}: {table['paragraphs']} paragraphs, {len(table['frequencies'])} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
