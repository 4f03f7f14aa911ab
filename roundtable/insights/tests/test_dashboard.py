"""The program dashboard (selectors/dashboard.py, views/dashboard.py): its figures per circle over
the last eight weeks, the pulse's mean only from 3 answers, sorting by any column (server-side
links with aria-sort), the circles at risk with reason and since, every persona, and a query
count that stays the same from 5 circles to 50."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.models import Circle
from roundtable.insights.models import PulseSchedule
from roundtable.insights.selectors.dashboard import (
    DEFAULT_SORT,
    SORTS,
    program_dashboard,
    programs_overview,
    rows_sorted,
    sort_parse,
)
from roundtable.insights.selectors.flags import FlagCode
from roundtable.insights.tests.dashboard_data import (
    circles_bulk,
    meeting_on,
    overdue_commitment,
    people,
    pulse_answers,
    schedule_for,
)
from roundtable.testing.charts import chart_in
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
MONDAYS = [TODAY - dt.timedelta(weeks=n) for n in range(10, 0, -1)]  # 21 Dec .. 22 Feb


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(personas: Personas, sort: str | None = None) -> str:
    path = reverse("insights:program_dashboard", args=[personas.program.pk])
    return f"{path}?sort={sort}" if sort else path


def client_for(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


@pytest.fixture
def north(personas: Personas) -> Circle:
    """North: a schedule; in the window (4 Jan to 28 Feb), five weekly meetings from 11 Jan: the
    first cancelled, the others with 3 of 4 present and ratings 4 and 5; one meeting before the
    window that counts for nothing; five answers to February's pulse (South: two)."""
    circle = personas.circle
    schedule_for(circle, starts_on=MONDAYS[0])
    pool = people(circle, 4)
    meeting_on(circle, MONDAYS[0], present=0, absent=4, pool=pool)  # 21 Dec: outside the window
    meeting_on(circle, MONDAYS[3], cancelled=True)
    for monday in MONDAYS[4:8]:
        meeting_on(circle, monday, present=3, absent=1, pool=pool, ratings=(4, 5))
    PulseSchedule.objects.create(
        program=personas.program, every_weeks=4, starts_on=dt.date(2027, 1, 4)
    )
    pulse_answers(circle, dt.date(2027, 2, 1), 5, score=4)
    pulse_answers(personas.other_circle, dt.date(2027, 2, 1), 2, score=1)
    return circle


# --- the figures ----------------------------------------------------------------------------


def test_a_circles_figures_over_the_last_eight_weeks(personas, north):
    page = program_dashboard(personas.program, today=TODAY)
    assert (page.since, page.until) == (dt.date(2027, 1, 4), dt.date(2027, 2, 28))
    row = next(r for r in page.rows if r.circle.pk == north.pk)
    assert (row.members, row.scheduled, row.held) == (2, 5, 4)
    assert (row.consistency, row.attendance, row.usefulness, row.ratings) == (80, 75, 4.5, 8)
    assert row.pulse is not None
    assert (row.pulse.period_start, row.pulse.answers, row.pulse.overall) == (
        dt.date(2027, 2, 1),
        5,
        4.0,
    )
    assert row.flags == []


def test_below_three_answers_the_pulse_shows_its_count_alone(personas, north, clock):
    south = next(
        r
        for r in program_dashboard(personas.program, today=TODAY).rows
        if r.circle.pk == personas.other_circle.pk
    )
    assert south.pulse is not None
    assert (south.pulse.answers, south.pulse.overall) == (2, None)
    html = client_for(personas, "coordinator").get(url(personas, "name")).content.decode()
    south_row = re.search(r"<tr[^>]*>\s*<th scope=\"row\"[^>]*>.*?South.*?</tr>", html, re.S)
    assert south_row is not None
    assert '(2<span class="visually-hidden"> answers</span>)' in south_row.group(0)
    assert "1.0" not in south_row.group(0)
    north_row = re.search(r"<tr[^>]*>\s*<th scope=\"row\"[^>]*>.*?North.*?</tr>", html, re.S)
    assert north_row is not None
    assert '4.0 <small class="muted">(5<span class="visually-hidden"> answers' in north_row.group(0)


def test_open_and_overdue_commitments(personas, north):
    member = personas.members["member"]
    overdue_commitment(north, member, dt.date(2027, 2, 26))
    overdue_commitment(north, member, dt.date(2027, 3, 3))  # not due yet
    row = next(
        r for r in program_dashboard(personas.program, today=TODAY).rows if r.circle == north
    )
    assert (row.open_commitments, row.overdue) == (2, 1)


def test_the_trend_and_the_flags_chart(personas, north):
    page = program_dashboard(personas.program, today=TODAY)
    consistency, attendance = page.trend.datasets
    assert len(page.trend.labels) == 8
    # Week of 4 Jan: nothing; of 11 Jan: cancelled; then four held with 3 of 4 present.
    assert consistency.values == [None, 0, 100, 100, 100, 100, None, None]
    assert attendance.values == [None, None, 75, 75, 75, 75, None, None]
    bars = dict(zip(page.flags_chart.labels, page.flags_chart.datasets[0].values, strict=True))
    assert bars["No schedule"] == 1  # South
    assert bars["Meetings missed"] == 0


# --- sorting --------------------------------------------------------------------------------


def test_sort_parse_falls_back_to_the_default():
    assert sort_parse("-usefulness") == ("usefulness", True)
    assert sort_parse("name") == ("name", False)
    assert sort_parse("--name") == sort_parse(DEFAULT_SORT) == ("flags", True)
    assert sort_parse("password") == ("flags", True)
    assert sort_parse(None) == ("flags", True)


def test_every_column_sorts_both_ways_with_missing_values_last(personas, north):
    east = Circle.objects.create(program=personas.program, name="East")
    rows = program_dashboard(personas.program, today=TODAY).rows
    for key in SORTS:
        value = SORTS[key][1]
        for sort, descending in ((key, False), (f"-{key}", True)):
            listed = rows_sorted(rows, sort)
            assert sorted(r.circle.name for r in listed) == ["East", "North", "South"], sort
            known = [value(r) for r in listed if value(r) is not None]
            assert known == sorted(known, reverse=descending), sort
            missing = [r for r in listed if value(r) is None]
            assert listed[len(listed) - len(missing) :] == missing, sort
    # No meetings: East's and South's consistency is missing, last in both directions.
    assert [r.circle.name for r in rows_sorted(rows, "consistency")] == [
        "North",
        east.name,
        "South",
    ]
    assert [r.circle.name for r in rows_sorted(rows, "-consistency")] == [
        "North",
        east.name,
        "South",
    ]
    assert [r.circle.name for r in rows_sorted(rows, "-name")] == ["South", "North", "East"]


def _names_in_table(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row" class="sticky-col"><a href="[^"]+">([^<]+)</a>', body)


def test_the_page_sorts_by_the_column_asked_for_and_says_so(personas, north, clock):
    client = client_for(personas, "coordinator")
    html = client.get(url(personas)).content.decode()
    # By default the circles at risk come first: South has no schedule.
    assert _names_in_table(html) == ["South", "North"]
    assert re.search(r'aria-sort="descending"[^>]*><a href="\?sort=flags"', html)
    html = client.get(url(personas, "-name")).content.decode()
    assert _names_in_table(html) == ["South", "North"]
    assert re.search(r'aria-sort="descending"[^>]*><a href="\?sort=name"', html)
    html = client.get(url(personas, "name")).content.decode()
    assert _names_in_table(html) == ["North", "South"]
    assert re.search(r'aria-sort="ascending"[^>]*><a href="\?sort=-name"', html)
    assert html.count('aria-sort="ascending"') + html.count('aria-sort="descending"') == 1
    # A column not sorted by offers its own first direction: the largest overdue count first.
    assert 'aria-sort="none"><a href="?sort=-overdue"' in html
    assert client.get(url(personas, "';drop")).status_code == 200


# --- the circles at risk --------------------------------------------------------------------


def test_circles_at_risk_show_their_reason_and_since_when(personas, north, clock):
    html = client_for(personas, "sponsor").get(url(personas)).content.decode()
    at_risk = html.split('id="at-risk"', 1)[1].split("</section>", 1)[0]
    south = personas.other_circle
    assert "South" in at_risk
    assert "North" not in at_risk
    assert "The circle has no schedule, so no meetings are planned" in at_risk
    assert f'datetime="{south.created_at.date():%Y-%m-%d}"' in at_risk
    assert reverse("circles:detail", args=[south.pk]) in at_risk
    assert reverse("insights:circle_health", args=[south.pk]) in at_risk


def test_the_pages_charts_carry_the_same_figures_in_their_tables(personas, north, clock):
    html = client_for(personas, "coordinator").get(url(personas)).content.decode()
    trend = chart_in(html, "chart-trend")
    assert trend.values["Consistency"] == [None, 0, 100, 100, 100, 100, None, None]
    assert trend.columns["Consistency"] == ["—", "0%", "100%", "100%", "100%", "100%", "—", "—"]
    assert trend.columns["Attendance"][2] == "75%"
    flags = chart_in(html, "chart-flags")
    assert (
        dict(zip([row[0] for row in flags.rows], flags.columns["Circles"], strict=True))[
            "No schedule"
        ]
        == "1"
    )


def test_no_circle_at_risk_says_so(personas, north, clock):
    schedule_for(personas.other_circle, starts_on=MONDAYS[0])
    pulse_answers(personas.other_circle, dt.date(2027, 2, 1), 1)
    html = client_for(personas, "admin").get(url(personas)).content.decode()
    assert "No circle is flagged" in html


# --- who sees it ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("sponsor", 200),
        ("lead", 404),
        ("member", 404),
        ("outsider", 404),
    ],
)
def test_every_persona(personas, persona, status):
    assert client_for(personas, persona).get(url(personas)).status_code == status


def test_signed_out_people_are_sent_to_sign_in(personas):
    response = Client().get(url(personas))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_program_page_links_to_the_dashboard_for_those_who_may_open_it(personas):
    link = reverse("insights:program_dashboard", args=[personas.program.pk])
    program_url = reverse("programs:detail", args=[personas.program.pk])
    for persona, shown in (("coordinator", True), ("sponsor", True), ("member", False)):
        html = client_for(personas, persona).get(program_url).content.decode()
        assert (link in html) is shown, persona


# --- queries --------------------------------------------------------------------------------


def test_the_query_count_is_the_same_with_5_circles_and_50(personas, clock):
    pool = people(personas.circle, 2)
    lead = personas.members["lead"]
    PulseSchedule.objects.create(
        program=personas.program, every_weeks=4, starts_on=dt.date(2027, 1, 4)
    )
    circles_bulk(personas.program, 3, prefix="Few", pool=pool, last_monday=MONDAYS[-1], lead=lead)
    client = client_for(personas, "coordinator")
    count = assert_queries_flat(
        client,
        url(personas),
        grow=lambda: circles_bulk(
            personas.program, 45, prefix="Many", pool=pool, last_monday=MONDAYS[-1], lead=lead
        ),
    )
    assert Circle.objects.filter(program=personas.program).count() == 50
    assert count <= 30, count
    rows = program_dashboard(personas.program, today=TODAY).rows
    flagged = [r for r in rows if r.flags]
    assert len(flagged) == 50  # no pulse answers and overdue commitments, or no schedule
    assert any(f.code == FlagCode.OVERDUE_COMMITMENTS for r in rows for f in r.flags)


def test_programs_overview_counts_circles_at_risk(personas, north):
    overview = programs_overview([personas.program], today=TODAY)
    (summary,) = overview.programs
    assert (summary.circles, summary.at_risk, summary.consistency, summary.attendance) == (
        2,
        1,
        80,
        75,
    )
    assert [(c.circle.name, [f.code for f in c.flags]) for c in overview.at_risk] == [
        ("South", [FlagCode.NO_SCHEDULE])
    ]
