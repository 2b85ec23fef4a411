"""WCAG 2.1 AA contrast of the stylesheet's text colours on their backgrounds (4.5:1 for
text), computed from static/css/app.css itself so a colour change cannot slip under it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = re.sub(r"/\*.*?\*/", "", (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text(), flags=re.S)
VARS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def colour(value: str) -> str:
    value = value.strip()
    match = re.fullmatch(r"var\(--([a-z-]+)\)", value)
    return VARS[match.group(1)] if match else value


def rules_with_both():
    """(selector, background, colour) of every rule that sets both."""
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        bg = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6}|var\(--[a-z-]+\))", body)
        fg = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6}|var\(--[a-z-]+\))", body)
        if bg and fg:
            yield selector.strip(), colour(bg.group(1)), colour(fg.group(1))


PAIRS = list(rules_with_both()) + [
    ("body text", "#ffffff", VARS["text"]),
    ("hints", "#ffffff", VARS["secondary-text"]),
    ("hints on the filter panel", VARS["light"], VARS["secondary-text"]),
    ("links", "#ffffff", VARS["link"]),
    ("visited links", "#ffffff", VARS["link-visited"]),
    ("errors", "#ffffff", VARS["error"]),
    ("header links", VARS["brand"], "#ffffff"),
    ("buttons", "#00703c", "#ffffff"),
    ("buttons, hovered", "#005a30", "#ffffff"),
    ("warning buttons", "#b10e1e", "#ffffff"),
]


def test_the_stylesheet_has_the_tags():
    selectors = " ".join(s for s, _, _ in PAIRS)
    for tag in ("not_started", "in_progress", "partial", "implemented", "not_implemented", "superseded",
                "internal", "shared", "days--amber", "days--red"):
        assert tag in selectors, tag


@pytest.mark.parametrize("selector,background,foreground", PAIRS)
def test_text_contrast_is_at_least_aa(selector, background, foreground):
    assert ratio(background, foreground) >= 4.5, f"{selector}: {foreground} on {background} is {ratio(background, foreground):.2f}:1"
