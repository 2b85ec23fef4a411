from __future__ import annotations

from pathlib import Path

import pytest

from recommendations.importing.resolution import import_resolution

DATA = Path(__file__).resolve().parent.parent / "data" / "resolutions"
NOTE = Path(__file__).resolve().parent.parent / "data" / "importer" / "ieg-update-mali-2023-03-28.txt"


def xml(name: str) -> bytes:
    """``xml("2640-2022.en")`` -> the bytes of S-RES-2640-2022.en.xml."""
    return (DATA / f"S-RES-{name}.xml").read_bytes()


@pytest.fixture
def load():
    def _load(*names: str):
        return [import_resolution(data=xml(name)) for name in names]

    return _load
