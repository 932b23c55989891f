"""执法流程图: a procedure's steps drawn as an SVG at build time.

No diagram library runs in the reader's browser (nothing is loaded from another origin);
the SVG scales to a 360 px phone, and its steps are also given as text for screen readers.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup, escape

WIDTH = 340
LINE = 20  # px per text line
PAD = 10
GAP = 26  # room for the arrow between boxes
CHARS = 16  # CJK characters per line inside a box


def _lines(text: str) -> list[str]:
    return [text[i:i + CHARS] for i in range(0, len(text), CHARS)] or [""]


def flowchart_svg(title: str, steps: list[str]) -> Markup:
    """One box per step, top to bottom, joined by arrows."""
    parts: list[str] = []
    y = 0
    for index, step in enumerate(steps):
        lines = _lines(str(step))
        height = PAD * 2 + LINE * len(lines)
        parts.append(f'<rect x="1" y="{y}" width="{WIDTH - 2}" height="{height}" rx="6" '
                     'fill="#fff" stroke="#3f51b5" stroke-width="1.5"/>')
        for number, line in enumerate(lines):
            parts.append(f'<text x="{PAD}" y="{y + PAD + LINE * (number + 1) - 5}" font-size="14" '
                         f'fill="#1a1a1a">{escape(line)}</text>')
        y += height
        if index < len(steps) - 1:
            middle = WIDTH // 2
            parts.append(f'<path d="M{middle} {y} V{y + GAP - 6}" stroke="#3f51b5" stroke-width="1.5"/>'
                         f'<path d="M{middle - 5} {y + GAP - 10} L{middle} {y + GAP - 2} L{middle + 5} {y + GAP - 10}" '
                         'fill="none" stroke="#3f51b5" stroke-width="1.5"/>')
            y += GAP
    label = escape(title)
    # a stable id (not hash(), which changes per process): the same data builds the same page
    ident = "fc-" + hashlib.sha256(title.encode()).hexdigest()[:10]
    return Markup(  # noqa: S704 - every piece of text above is escaped
        f'<figure class="portal-flowchart"><svg role="img" aria-labelledby="{ident}" '
        f'viewBox="0 0 {WIDTH} {y + 2}" width="{WIDTH}" style="max-width:100%;height:auto">'
        f'<title id="{ident}">{label}</title>{"".join(parts)}</svg>'
        f'<figcaption>{label}</figcaption></figure>')
