"""The SVG charts: accessible (title, description, a label per bar), escaped, drawn to scale, and
the same numbers in the picture, the data table and the CSV."""

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from escalade.reports.svg import Chart, Series, nice_ceiling, render

NS = {"s": "http://www.w3.org/2000/svg"}


def chart(**kwargs) -> Chart:
    values = {"key": "demo", "kind": "bar", "title": "Tickets <by> level", "description": "What & why",
              "x_label": "Level", "y_label": "Tickets", "categories": ("L1", "L2"),
              "series": (Series("Resolved", (4, 2)),)}
    return Chart(**{**values, **kwargs})


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # fails on anything that is not well-formed, escaped XML


def test_the_svg_is_labelled_by_its_title_and_description_for_screen_readers():
    root = parse(render(chart()))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-demo-title chart-demo-desc"
    assert root.find("s:title", NS).text == "Tickets <by> level"
    assert root.find("s:desc", NS).text == "What & why"


def test_every_bar_has_its_value_as_a_title_and_the_axis_labels_are_drawn():
    root = parse(render(chart()))
    bars = root.findall(".//s:rect[@class='chart-bar']", NS)
    assert [b.find("s:title", NS).text for b in bars] == ["L1, Resolved: 4", "L2, Resolved: 2"]
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Level", "Tickets", "L1", "L2"} <= texts


def test_bars_are_drawn_to_scale_and_a_stack_adds_up():
    root = parse(render(chart(kind="stacked", series=(Series("Met", (3, 1)), Series("Breached", (1, 3))))))
    heights = [float(b.get("height")) for b in root.findall(".//s:rect[@class='chart-bar']", NS)]
    met_l1, breached_l1, met_l2, breached_l2 = heights
    assert round(met_l1 / breached_l1, 3) == 3.0
    assert round(met_l1 + breached_l1, 3) == round(met_l2 + breached_l2, 3)


def test_a_line_leaves_a_gap_where_a_month_has_no_value():
    root = parse(render(chart(kind="line", categories=("Jan", "Feb", "Mar", "Apr"),
                              series=(Series("NPS", (10, None, 20, 30)),))))
    lines = root.findall(".//s:polyline", NS)
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2  # Mar–Apr; Jan stands alone
    assert len(root.findall(".//s:circle", NS)) == 3


def test_a_histogram_marks_the_target_with_a_labelled_line():
    root = parse(render(chart(kind="histogram", categories=("a", "b", "c"), series=(Series("P1", (1, 2, 3)),),
                              marker=(2, "target"))))
    assert root.find(".//s:line[@class='chart-marker']", NS) is not None
    assert "target" in {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}


def test_the_data_table_is_the_chart_data_with_blanks_for_no_value():
    c = chart(series=(Series("Met (%)", (50.0, None)), Series("Count", (3, 4))))
    assert c.header == ["Level", "Met (%)", "Count"]
    assert c.rows == [["L1", 50, 3], ["L2", "", 4]]


def test_the_axis_top_is_a_round_number():
    assert [nice_ceiling(v) for v in (0, 3, 7, 11, 23, 180)] == [1, 5, 10, 20, 25, 200]


values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False))


@given(kind=st.sampled_from(["bar", "stacked", "line", "histogram"]),
       names=st.lists(st.text(max_size=12), min_size=1, max_size=4),
       data=st.data())
def test_any_data_draws_well_formed_svg_with_bars_inside_the_plot(kind, names, data):
    categories = tuple(data.draw(st.lists(st.text(max_size=10), min_size=1, max_size=8)))
    series = tuple(Series(name, tuple(data.draw(values) for _ in categories)) for name in names)
    root = parse(render(chart(kind=kind, categories=categories, series=series)))
    for bar in root.findall(".//s:rect[@class='chart-bar']", NS):
        assert float(bar.get("height")) >= 0 and float(bar.get("y")) >= 0


def test_counts_get_whole_number_gridlines():
    root = parse(render(chart(series=(Series("Resolved", (1, 0)),))))
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")][:6]
    assert labels == ["0", "1", "2", "3", "4", "5"]
