"""The chart component: a Chart's JSON and its table carry the same figures, in words where the
number alone would mislead; bad input (unknown colour, lengths that differ) is refused."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import render_to_string

from roundtable.core.charts import Chart, Dataset, LegendEntry, TableColumn, format_figure
from roundtable.testing.charts import chart_in


def _chart() -> Chart:
    return Chart(
        kind="bar",
        title="How meetings have gone",
        labels=["3 Jun", "10 Jun", "17 Jun"],
        long_labels=["Tue 3 June 2025", "Tue 10 June 2025", "Tue 17 June 2025"],
        links=["/meetings/1/", None, "/meetings/3/"],
        datasets=[
            Dataset(
                name="Usefulness",
                values=[3.4, None, 4.0],
                point_colours=["accent", "grey", "violet"],
                texts=["3.4 / 5 from 5", "cancelled", "4.0 / 5 from 2 (moved)"],
                stub_missing=True,
            )
        ],
        extra_columns=[TableColumn(name="Present", cells=["5", "0", "4"])],
        legend=[LegendEntry("held", "accent"), LegendEntry("no ratings", "grey-hollow")],
        y_max=5,
        summary="Three meetings.",
        label_header="Meeting",
    )


def test_json_and_table_say_the_same_figures():
    chart = _chart()
    html = render_to_string("includes/chart.html", {"chart": chart})
    seen = chart_in(html, "chart-how-meetings-have-gone")
    data = seen.data
    assert data == json.loads(chart.as_json())
    assert data["datasets"][0]["values"] == [3.4, None, 4.0]
    assert data["datasets"][0]["texts"] == ["3.4 / 5 from 5", "cancelled", "4.0 / 5 from 2 (moved)"]
    assert data["datasets"][0]["point_colours"] == ["accent", "grey", "violet"]
    assert data["legend"][1] == {"label": "no ratings", "colour": "grey-hollow"}
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html, re.S)
    assert rows == [
        ('<a href="/meetings/1/">Tue 3 June 2025</a>', "<td>3.4 / 5 from 5</td><td>5</td>"),
        ("Tue 10 June 2025", "<td>cancelled</td><td>0</td>"),
        (
            '<a href="/meetings/3/">Tue 17 June 2025</a>',
            "<td>4.0 / 5 from 2 (moved)</td><td>4</td>",
        ),
    ]
    assert seen.headers == ["Meeting", "Usefulness", "Present"]
    assert seen.links == ["/meetings/1/", None, "/meetings/3/"]
    assert seen.columns["Usefulness"] == data["datasets"][0]["texts"]
    assert "<summary>Show as table</summary>" in html
    assert 'role="img"' in html
    assert 'tabindex="0"' in html
    assert "style=" not in html


def test_figures_without_texts_read_with_their_unit():
    chart = Chart(
        kind="line",
        title="Attendance",
        labels=["Jun", "Jul"],
        datasets=[Dataset(name="Attendance", values=[75, None])],
        unit="%",
    )
    assert [row["cells"] for row in chart.rows] == [["75%"], ["—"]]
    assert format_figure(2.26) == "2.3"
    assert format_figure(3.0) == "3"
    assert format_figure(0) == "0"


def test_an_empty_chart_says_so_and_draws_nothing():
    chart = Chart(kind="bar", title="Held", labels=[], datasets=[Dataset(name="Held", values=[])])
    html = render_to_string("includes/chart.html", {"chart": chart, "empty": "No meetings yet."})
    assert "No meetings yet." in html
    assert "<canvas" not in html


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Dataset(name="x", values=[1], colour="pink"), "Unknown chart colour"),
        (lambda: Dataset(name="x", values=[1, 2], texts=["one"]), "one colour and one text"),
        (
            lambda: Chart(kind="bar", title="t", labels=["a"], datasets=[Dataset("x", [1, 2])]),
            "2 values, 1 labels",
        ),
        (
            lambda: Chart(kind="bar", title="t", labels=["a"], datasets=[], links=["/a", "/b"]),
            "one per label",
        ),
    ],
)
def test_bad_input_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()
