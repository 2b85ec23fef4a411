from __future__ import annotations

import dataclasses
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "importer" / "ieg-update-mali-2023-03-28.txt"
NOTES = sorted((DATA / "notes").glob("*.txt")) + [SAMPLE, DATA / "importer" / "unmiss-south-sudan-2024-02-12.txt"]


def without_lines(note) -> dict:
    """A parsed note as a dict, line numbers aside (a PDF's text wraps differently)."""
    data = dataclasses.asdict(note)
    for rec in data["recommendations"]:
        rec.pop("line")
    for paragraph in data["mandate"]["paragraphs"]:
        paragraph.pop("line")
    data["mandate"].pop("line")
    return data
