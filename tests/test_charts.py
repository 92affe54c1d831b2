"""Server-side SVG charts: valid XML, every label text (never markup), empty data, fixed viewBox."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import jinja2
import pytest
from markupsafe import Markup

from bot.web.charts import WIDTH, Bars, Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
XSS = "<img src=x onerror=alert(1)>"
QUOTES = "\"' onload=alert(2) x='&amp;"


def parse(chart: str) -> ET.Element:
    root = ET.fromstring(str(chart))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element):
    return ["".join(element.itertext()) for element in root.iter() if element.tag in (f"{SVG}text", f"{SVG}title")]


def test_a_line_chart_is_valid_svg_with_chinese_axes_and_legend():
    chart = line_chart([Series("开场问候", [(date(2026, 11, 2), 50.0), (date(2026, 11, 9), 75.0), (date(2026, 11, 16), None)]),
                        Series("致谢道别", [(date(2026, 11, 2), 100.0)])],
                       title="各标准通过率（按周）", y_label="通过率", x_label="日期")
    root = parse(chart)
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ") and root.get("role") == "img"
    shown = texts(root)
    assert {"各标准通过率（按周）", "通过率", "日期", "开场问候", "致谢道别", "0%", "100%", "11-02", "11-09"} <= set(shown)
    assert len(root.findall(f"{SVG}polyline")) == 1  # the one-point series has a dot, not a line
    assert len(root.findall(f"{SVG}circle")) == 3  # None is a gap, not a point


def test_labels_stay_text_in_the_svg_and_through_jinja():
    chart = line_chart([Series(XSS, [(datetime(2026, 11, 2, 9), 80.0)]), Series(QUOTES, [(datetime(2026, 11, 3), 20.0)])],
                       title=XSS, y_label=XSS, x_label=QUOTES, unit="分")
    bars = bar_chart([XSS], [Bars(QUOTES, [40.0])], title=QUOTES, x_label=XSS)
    for svg in (chart, bars):
        assert isinstance(svg, Markup)
        assert "<img" not in svg and "onerror=alert(1)>" not in svg
        root = parse(svg)
        assert XSS in texts(root)  # shown, as the very text given
        assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
        # Jinja with autoescape inserts it as is (it was escaped already), never escaped twice.
        page = jinja2.Environment(autoescape=True).from_string("<div>{{ chart }}</div>").render(chart=svg)
        assert page == f"<div>{svg}</div>" and "&amp;lt;" not in page
    assert parse(chart).get("aria-label") == XSS
    assert QUOTES in texts(parse(chart))  # the quote-laden legend entry survives as text


def test_plain_strings_are_escaped_by_jinja_but_charts_are_not():
    env = jinja2.Environment(autoescape=True)
    assert "&lt;img" in env.from_string("{{ x }}").render(x=XSS)
    assert "<svg" in env.from_string("{{ x }}").render(x=bar_chart(["a"], [Bars("b", [1.0])], title="t"))


def test_empty_data_draws_a_frame_saying_so():
    for chart in (line_chart([], title="学员每通电话得分"), line_chart([Series("王", [])], title="x"),
                  bar_chart([], [], title="各客户角色")):
        root = parse(chart)
        assert "暂无数据" in texts(root)
        assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")


def test_a_bar_chart_shows_values_and_gaps():
    root = parse(bar_chart(["开场问候", "邀约（时间、地点）" + "非常长的名字" * 20], [Bars("通过率", [85.0, None])],
                           title="王：各标准通过率", x_label="通过率"))
    shown = texts(root)
    assert "85%" in shown and "—" in shown and "开场问候" in shown
    assert any(t.endswith("…") for t in shown)  # a long label is cut to fit, not overflowing
    assert len([r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]) == 1


def test_values_are_clamped_and_non_numbers_refused():
    root = parse(bar_chart(["a"], [Bars("b", [250.0])], title="t"))
    bar = next(r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None)
    assert float(bar.get("x")) + float(bar.get("width")) <= WIDTH
    with pytest.raises(ValueError):
        line_chart([Series("a", [(date(2026, 1, 1), float("nan"))])], title="t")
