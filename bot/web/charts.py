"""Charts as inline SVG drawn on the server: no JavaScript, no CDN, readable at 390 px.

Every caller-supplied text (titles, series names, trainee names, …) is XML-escaped here and every
number is formatted from a float, so the result may be marked safe for Jinja; nothing else in the
app builds Markup from data. Presentation attributes only (no style=): the pages' CSP forbids
inline styles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import List, Optional, Sequence, Tuple, Union
from xml.sax.saxutils import escape as _xml_escape

from markupsafe import Markup

WIDTH = 400  # viewBox units; the SVG scales to its container (390 px phones: ~0.9x)
FONT = 13
SMALL = 12  # ticks and axis names
PALETTE = ("#2563eb", "#d9363e", "#1a9b55", "#f59e0b", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#6b7280", "#92400e")
MARGIN_LEFT, MARGIN_RIGHT, TITLE_H = 48, 14, 30
Day = Union[date, datetime]


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Tuple[Day, Optional[float]]]  # (x, y); y None = no data there


@dataclass(frozen=True)
class Bars:
    name: str
    values: Sequence[Optional[float]]  # one per category, in order; None = no data


def esc(text: object) -> str:
    """XML-escaped text, safe in element content and in double- or single-quoted attributes."""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#x27;"})


def _num(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError("chart coordinates must be finite")
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: float = FONT) -> float:
    """Rough rendered width: CJK and full-width characters are one em, the rest about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _fit(text: str, width: float, size: float = FONT) -> str:
    """Cut a label to `width` with an ellipsis (before escaping, so no entity is cut)."""
    text = " ".join(str(text).split())
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _text(
    x: float, y: float, content: str, anchor: str = "start", size: float = FONT, fill: str = "#374151", extra: str = ""
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" fill="{fill}"'
        f"{extra}>{esc(content)}</text>"
    )


def _svg(height: float, title: str, body: List[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" '
        f'height="{_num(height)}" role="img" aria-label="{esc(title)}" '
        f'font-family="PingFang SC, Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif">'
    )
    parts = [
        head,
        f"<title>{esc(title)}</title>",
        _text(WIDTH / 2, 20, _fit(title, WIDTH - 20, 15), "middle", 15, "#111827", ' font-weight="600"'),
    ]
    return Markup("".join(parts + body + ["</svg>"]))  # every piece above was escaped or is a number


def _legend(names: Sequence[str], top: float, left: float = MARGIN_LEFT) -> Tuple[List[str], float]:
    """Swatches and names in two columns below the plot; returns the parts and the height used."""
    column = (WIDTH - left) / 2
    parts = []
    for i, name in enumerate(names):
        x = left + (i % 2) * column
        y = top + (i // 2) * 20
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{_num(x)}" y="{_num(y - 10)}" width="12" height="12" rx="2" fill="{color}"/>')
        parts.append(_text(x + 17, y, _fit(name, column - 24)))
    return parts, ((len(names) + 1) // 2) * 20


def _y_axis(top: float, bottom: float, right: float, y_max: float, unit: str) -> List[str]:
    parts = []
    for step in range(5):
        value = y_max * step / 4
        y = bottom - (bottom - top) * step / 4
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" stroke="#e5e7eb"/>')
        parts.append(_text(MARGIN_LEFT - 6, y + 4, f"{value:g}{unit}", "end", SMALL, "#6b7280"))
    return parts


def _as_datetime(x: Day) -> datetime:
    return x if isinstance(x, datetime) else datetime(x.year, x.month, x.day)


def _tick_label(x: Day, span_days: float) -> str:
    return x.strftime("%Y-%m" if span_days > 300 else "%m-%d")


def _no_data(top: float, bottom: float) -> str:
    return _text(WIDTH / 2, (top + bottom) / 2, "暂无数据", "middle", 14, "#9ca3af")


def _line(item: Series, color: str, x_of, y_of, unit: str) -> List[str]:
    """One series: polylines between its points (a None value breaks the line), a dot per point."""
    parts: List[str] = []
    segment: List[str] = []
    points = sorted(((_as_datetime(x), y) for x, y in item.points), key=lambda p: p[0])
    for x, y in points + [(None, None)]:  # the sentinel closes the last segment
        if x is None or y is None:
            if len(segment) > 1:
                parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>')
            segment = []
            continue
        cx, cy = x_of(x), y_of(y)
        segment.append(f"{_num(cx)},{_num(cy)}")
        parts.append(
            f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="3" fill="{color}"><title>'
            f"{esc(item.name)} {esc(x.strftime('%Y-%m-%d'))}：{_num(y)}{esc(unit)}</title></circle>"
        )
    return parts


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "通过率",
    x_label: str = "日期",
    y_max: float = 100.0,
    unit: str = "%",
    plot_height: float = 180.0,
) -> Markup:
    """Lines over time (y from 0 to y_max), a dot per point with its value as a tooltip."""
    top, right = TITLE_H + 18, WIDTH - MARGIN_RIGHT
    bottom = top + plot_height
    body = [
        _text(8, top - 8, y_label, size=SMALL, fill="#6b7280"),
        _text(right, bottom + 34, x_label, "end", SMALL, "#6b7280"),
    ]
    body += _y_axis(top, bottom, right, y_max, unit)
    xs = sorted({_as_datetime(x) for s in series for x, y in s.points if y is not None})
    if not xs:
        body.append(_no_data(top, bottom))
    else:
        first, last = xs[0], xs[-1]
        span = (last - first).total_seconds()
        width = right - MARGIN_LEFT - 16

        def x_of(x: Day) -> float:
            offset = (_as_datetime(x) - first).total_seconds() / span if span else 0.5
            return MARGIN_LEFT + 8 + offset * width

        def y_of(y: float) -> float:
            return bottom - (bottom - top) * min(max(float(y), 0.0), y_max) / y_max

        # Evenly spaced in time (not by point), so uneven dates never crowd their labels together.
        count = min(5, len(xs))
        ticks = [first + (last - first) * i / (count - 1) for i in range(count)] if count > 1 else [first]
        for tick in ticks:
            body.append(_text(x_of(tick), bottom + 16, _tick_label(tick, span / 86400), "middle", SMALL, "#6b7280"))
        for i, item in enumerate(series):
            body += _line(item, PALETTE[i % len(PALETTE)], x_of, y_of, unit)
    body.append(
        f'<line x1="{MARGIN_LEFT}" y1="{_num(bottom)}" x2="{_num(right)}" y2="{_num(bottom)}" stroke="#9ca3af"/>'
    )
    legend, legend_height = _legend([s.name for s in series], bottom + 58)
    return _svg(bottom + 50 + legend_height, title, body + legend)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Bars],
    *,
    title: str,
    x_label: str = "通过率",
    x_max: float = 100.0,
    unit: str = "%",
) -> Markup:
    """Horizontal bars from 0 to x_max: per category its name on a line of its own (full width,
    so long names stay readable on a phone), then one bar per series."""
    left, right = 12.0, WIDTH - MARGIN_RIGHT - 36
    label_h, bar_h, gap = 20.0, 16.0, 8.0
    group_h = label_h + bar_h * max(1, len(series)) + gap
    top = TITLE_H + 8
    bottom = top + max(1, len(categories)) * group_h
    body = []
    for step in range(5):
        tick = x_max * step / 4
        x = left + (right - left) * step / 4
        body.append(f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(bottom)}" stroke="#e5e7eb"/>')
        body.append(_text(x, bottom + 16, f"{tick:g}{unit}", "middle", SMALL, "#6b7280"))
    body.append(_text(WIDTH - MARGIN_RIGHT, bottom + 34, x_label, "end", SMALL, "#6b7280"))
    if not categories:
        body.append(_no_data(top, bottom))
    for row, category in enumerate(categories):
        y0 = top + row * group_h
        body.append(_text(left, y0 + 15, _fit(category, right - left), fill="#111827"))
        for i, item in enumerate(series):
            value = item.values[row] if row < len(item.values) else None
            y = y0 + label_h + i * bar_h
            if value is None:
                body.append(_text(left + 4, y + bar_h - 4, "—", size=SMALL, fill="#9ca3af"))
                continue
            length = (right - left) * min(max(float(value), 0.0), x_max) / x_max
            body.append(
                f'<rect x="{_num(left)}" y="{_num(y)}" width="{_num(length)}" height="{_num(bar_h - 3)}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"><title>{esc(category)} {esc(item.name)}：'
                f"{_num(value)}{esc(unit)}</title></rect>"
            )
            body.append(_text(left + length + 4, y + bar_h - 4, f"{float(value):.0f}{unit}", size=SMALL))
    legend, legend_height = _legend([s.name for s in series], bottom + 56, left)
    return _svg(bottom + 48 + legend_height, title, body + legend)
