"""The printable program report: the PDF is made (A4, every page numbered, the program and the
date in the header), it holds the dashboard's figures per circle, the flags with their reasons
and the charts as SVG, leaves private words out, and only admins, coordinators and the sponsor
get it (persona by persona). The SVG charts are checked on their own."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from roundtable.circles.services import circle_create
from roundtable.core.charts import Chart, Dataset, Guide
from roundtable.insights.selectors.report import BARS_PER_CIRCLE_UP_TO, program_report
from roundtable.insights.services.report import report_document, report_html
from roundtable.insights.svg_charts import COLOURS, chart_svg, nice_max
from roundtable.insights.tests import export_data as data
from roundtable.testing.factories import MemberFactory
from roundtable.testing.personas import Personas, second_program_create

A4 = (595, 842)  # points, portrait


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(data.NOW, tick=False):
        yield


@pytest.fixture
def planted(personas: Personas) -> data.Planted:
    return data.plant(personas)


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


def _pdf(client: Client, personas: Personas) -> PdfReader:
    response = client.get(reverse("insights:program_report_pdf", args=[personas.program.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "-report-2027-03-01.pdf" in response["Content-Disposition"]
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# --- who gets it --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["admin", "coordinator", "sponsor"])
def test_admins_coordinators_and_the_sponsor_get_the_report(
    personas: Personas, planted: data.Planted, name: str
) -> None:
    reader = _pdf(_client(personas, name), personas)
    assert len(reader.pages) >= 2
    assert "Customer retention circles" in _text(reader)


@pytest.mark.parametrize("name", ["lead", "member"])
def test_people_in_the_program_who_may_not_export_get_no_report(
    personas: Personas, planted: data.Planted, name: str
) -> None:
    url = reverse("insights:program_report_pdf", args=[personas.program.pk])
    response = _client(personas, name).get(url)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_outsiders_and_other_programs_get_404(personas: Personas) -> None:
    second = second_program_create(personas)
    url = reverse("insights:program_report_pdf", args=[personas.program.pk])
    for user in (personas.outsider, second.dana.user, second.coordinator.user):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302


# --- what it holds -------------------------------------------------------------------------------


def test_the_pdf_is_a4_with_a_header_and_numbered_pages(
    personas: Personas, planted: data.Planted
) -> None:
    reader = _pdf(_client(personas, "coordinator"), personas)
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    count = len(pages)
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4
        assert f"Page {number} of {count}" in text
        if number > 1:
            assert "Customer retention circles" in text
            assert "Program report · 1 March 2027" in text


def test_the_report_holds_the_dashboards_figures_and_flags(
    personas: Personas, planted: data.Planted
) -> None:
    text = _text(_pdf(_client(personas, "sponsor"), personas))
    for expected in (
        "Program report",
        "Acme Ltd",
        "Sponsor: Sponsor Persona",
        "Coordinators: Coordinator Persona",
        "Attendance by circle",
        "Consistency and attendance, week by week",
        "Circles flagged, by reason",
        "Circles flagged at risk",
        "Every circle",
    ):
        assert expected in text, expected
    # North: two meetings held of three due in the window, 3 of 4 present; feedback 4 and 2.
    north = re.search(r"North Lead Persona 2 (\S+) 2/3 75% 3\.0/5", text)
    assert north is not None, text
    assert north.group(1) == "67%"
    # South has no schedule and no meetings: the dashboard's flag says so, with its reason.
    assert "No schedule" in text


def test_the_pdf_has_the_charts_as_vector_graphics(
    personas: Personas, planted: data.Planted
) -> None:
    report = program_report(program=personas.program, today=data.NOW.date())
    html = report_html(report=report)
    assert html.count("<svg") == len(report.charts) == 3
    assert "<script" not in html
    document = report_document(report=report)
    assert len(document.pages) >= 2


def test_no_private_word_is_in_the_report(personas: Personas, planted: data.Planted) -> None:
    report = program_report(program=personas.program, today=data.NOW.date())
    html = report_html(report=report)
    for word in (*data.PRIVATE_WORDS, data.HIDDEN_IDEA, data.ANON_FEEDBACK):
        assert word not in html


def test_tables_do_not_break_inside_a_row(personas: Personas) -> None:
    """Forty circles take more than a page: the table's header repeats on each page and every
    row stays whole (break-inside: avoid)."""
    people = MemberFactory.create_batch(2, organization=personas.organization)
    for n in range(40):
        circle_create(program=personas.program, name=f"Circle {n:02}", members=people)
    report = program_report(program=personas.program, today=data.NOW.date())
    document = report_document(report=report)
    pdf = document.write_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    first = next(n for n, text in enumerate(pages) if "Every circle" in text)
    table_pages = pages[first:]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert "Circle Lead People Consistency Attendance" in text
    every = " ".join(table_pages)
    assert all(f"Circle {n:02}" in every for n in range(40))
    assert len(report.circles) > BARS_PER_CIRCLE_UP_TO
    assert report.charts[0].title == "Circles by attendance"


def test_the_report_takes_as_many_queries_for_many_circles(personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            report_html(report=program_report(program=personas.program, today=data.NOW.date()))
        return len(captured.captured_queries)

    before = count()
    people = MemberFactory.create_batch(3, organization=personas.organization)
    for n in range(6):
        circle = circle_create(program=personas.program, name=f"Extra {n}", members=people)
        circle.lead = people[0]
        circle.save()
    assert count() == before


# --- the SVG charts ------------------------------------------------------------------------------


def test_svg_colours_are_the_light_themes_chart_palette() -> None:
    css = (Path(settings.BASE_DIR) / "static/css/roundtable.css").read_text()
    root = css[css.index(":root {\n  --rt-chart-accent") :]
    root = root[: root.index("}")]
    for key, value in COLOURS.items():
        assert f"--rt-chart-{key}: {value};" in root, key


def test_a_bar_chart_draws_a_bar_per_value_with_its_figure() -> None:
    chart = Chart(
        kind="bar",
        title="Meetings",
        labels=["Jan", "Feb", "Mar"],
        datasets=[Dataset(name="Held", values=[2, 4, None], stub_missing=True)],
        y_max=4,
        guides=[Guide(value=3, label="aim")],
        summary="Meetings held each month",
    )
    svg = str(chart_svg(chart))
    assert svg.startswith("<svg")
    assert 'aria-label="Meetings held each month"' in svg
    bars = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    heights = [float(h) for _, h in bars]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert heights[2] == 3  # the stub of the missing value
    assert "<title>Feb: Held 4</title>" in svg
    assert 'stroke-dasharray="4 3"' in svg  # the guide
    assert ">aim<" in svg


def test_a_line_chart_breaks_at_missing_values_and_escapes_text() -> None:
    chart = Chart(
        kind="line",
        title="<Attendance & co>",
        labels=["a", "b", "c", "d"],
        datasets=[
            Dataset(name="One", values=[10, 20, None, 40]),
            Dataset(name="Two", values=[5, 5, 5, 5], colour="amber"),
        ],
        unit="%",
        y_max=100,
    )
    svg = str(chart_svg(chart))
    assert "<Attendance" not in svg
    assert "&lt;Attendance &amp; co&gt;" in svg
    assert svg.count("<polyline") == 2  # Two's line; One's run of two points (the last is alone)
    assert COLOURS["amber"] in svg
    assert ">One<" in svg  # a legend for two datasets


def test_a_lying_stacked_chart_and_an_empty_one() -> None:
    stacked = Chart(
        kind="stacked",
        title="Flags",
        labels=["North", "South"],
        datasets=[
            Dataset(name="High", values=[1, 0], colour="red"),
            Dataset(name="Low", values=[2, 1], colour="grey-hollow"),
        ],
        horizontal=True,
    )
    svg = str(chart_svg(stacked))
    assert ">North<" in svg
    assert 'fill="none" stroke="#64748b"' in svg  # hollow
    empty = Chart(kind="bar", title="Nothing", labels=[], datasets=[])
    assert "No figures yet" in str(chart_svg(empty))


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (0.7, 1), (3, 5), (7, 10), (24, 25), (101, 200)]
)
def test_the_value_axis_ends_at_a_round_number(value: float, expected: float) -> None:
    assert nice_max(value) == expected


def test_a_count_axis_ticks_whole_numbers() -> None:
    counts = Chart(kind="bar", title="Flags", labels=["a", "b"], datasets=[Dataset("n", [1, 2])])
    svg = str(chart_svg(counts))
    assert ">1<" in svg
    assert ">2<" in svg
    assert ">0.5<" not in svg
    shares = Chart(kind="bar", title="Share", labels=["a"], datasets=[Dataset("n", [0.3])], y_max=1)
    assert ">0.5<" in str(chart_svg(shares))


def test_a_program_too_big_for_paper_lists_the_most_at_risk_and_says_how_many_more(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roundtable.insights.selectors import report as report_module

    monkeypatch.setattr(report_module, "TABLE_CIRCLES_MAX", 3)
    monkeypatch.setattr(report_module, "FLAGGED_CIRCLES_MAX", 2)
    people = MemberFactory.create_batch(2, organization=personas.organization)
    for n in range(4):  # no lead and no schedule: every one is flagged
        circle_create(program=personas.program, name=f"Circle {n}", members=people)
    report = program_report(program=personas.program, today=data.NOW.date())
    assert len(report.circles) == 3
    assert report.circles_left_out == 3
    assert all(row.flags for row in report.circles)
    assert len(report.flagged) == 2
    assert report.flagged_left_out == len(report.dashboard.at_risk) - 2
    text = " ".join(html.unescape(report_html(report=report)).split())
    assert "The 3 circles most at risk" in text
    assert "3 more circles than fit on paper" in text
    assert f"And {report.flagged_left_out} more flagged circles" in text
