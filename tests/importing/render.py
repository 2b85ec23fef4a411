"""Render a note's text to a PDF the way a word processor would print it, for the PDF tests:
a running title, "Page N of M" footers, footnotes at the foot of the page, list markers
written as text with a hanging indent, and paragraphs broken wherever the page ends."""

from __future__ import annotations

import html
import re

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_LINE = re.compile(rf"^([{_SUPERSCRIPT}]+)\s*(.*)$")
_MARKER = re.compile(r"^(\s*)([-–—•◦▪]\s*|[*o]\s+|\d{1,3}[.)]\s+|\(?[a-z]{1,4}\)\s*)(\S.*)$")
_CLAUSE_END = re.compile(r"[.!?:;,]\W*$")

_CSS = """
@page { size: A4; margin: 2.2cm 2.5cm;
  @top-center { content: "%(running)s"; font-size: 8.5pt; color: #444 }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt } }
body { font-family: "DejaVu Serif", serif; font-size: 10.5pt; line-height: 1.35 }
p { margin: 0 0 7pt 0; orphans: 1; widows: 1 }
p.title { font-size: 15pt; font-weight: bold; margin-bottom: 14pt }
p.item { padding-left: 16pt; text-indent: -16pt }
.fn { float: footnote; font-size: 8pt }
"""


def _inline(text: str, footnotes: dict[str, str]) -> str:
    text = re.sub(r"\[((?:\\.|[^\[\]\\])*)\]\([^()\s]*\)", r"\1", text).replace("\\(", "(").replace("\\)", ")")
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)

    def note(match: re.Match[str]) -> str:
        body = footnotes.get(match.group())
        return f'<span class="fn">{html.escape(body)}</span>' if body else ""

    return re.sub(f"[{_SUPERSCRIPT}]+", note, out)


def _wrapped_o(line: str, block: list[str]) -> bool:
    """A line starting "o " at the margin, after a line that ends no clause, is a wrapped
    word of the text (as the importer reads it), printed within its paragraph."""
    return line.startswith("o ") and not _CLAUSE_END.search(block[-1])


def note_html(text: str, *, running: str = "IEG update note", pad: int = 0) -> str:
    """HTML for ``text``; ``pad`` repeats the narrative paragraphs to make a longer note."""
    lines = text.split("\n")
    footnotes = {}
    for line in lines:
        found = _FOOTNOTE_LINE.match(line.strip())
        if found:
            footnotes[found[1]] = found[2]
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line.strip() or _FOOTNOTE_LINE.match(line.strip()):
            if blocks[-1]:
                blocks.append([])
            continue
        if _MARKER.match(line) and blocks[-1] and not _wrapped_o(line, blocks[-1]):
            blocks.append([])
        blocks[-1].append(line)
    parts = []
    for index, block in enumerate(b for b in blocks if b):
        joined = " ".join(line.strip() for line in block)
        found = _MARKER.match(block[0])
        if index == 0:
            parts.append(f'<p class="title">{_inline(joined, footnotes)}</p>')
        elif found:
            depth = len(found[1].expandtabs(4)) // 2
            marker, rest = found[2].strip(), joined[len(found[2].strip()):].strip()
            parts.append(
                f'<p class="item" style="margin-left: {depth * 14}pt">{html.escape(marker)}\u00a0'
                f"{_inline(rest, footnotes)}</p>"
            )
        else:
            parts.append(f"<p>{_inline(joined, footnotes)}</p>")
            if pad and index < 4:
                parts.extend([f"<p>{_inline(joined, {})}</p>"] * pad)
    css = _CSS % {"running": running}
    return f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>{''.join(parts)}</body></html>"


def note_pdf(text: str, **options) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=note_html(text, **options)).write_pdf()
