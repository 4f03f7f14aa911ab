"""The pulse pages as every persona: a circle's pulse (answer, "you answered", results from three
answers and a closed period), the program's schedule, and the prompts on the circle and home
pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.circles.services import circle_create
from roundtable.insights.models import PulseAnswer, PulseReceipt, PulseSchedule
from roundtable.insights.tests.pulse_helpers import (
    FEB,
    JAN,
    MAR,
    NOW,
    STARTS_ON,
    answer,
    rows_add,
    schedule_on,
    scores,
)
from roundtable.testing.charts import chart_in
from roundtable.testing.personas import PERSONA_NAMES, Personas
from roundtable.testing.queries import assert_queries_flat

ALL = set(PERSONA_NAMES)
ANSWERERS = {"lead", "member"}
OVERSEERS = {"admin", "coordinator", "sponsor"}
MANAGERS = {"admin", "coordinator"}

SECRET_COMMENT = "The aubergine whiteboard makes me anxious"


@pytest.fixture
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.DOTALL)
    assert found
    return found.group()


def _form(value: int = 4, comment: str = "") -> dict[str, str]:
    return {**{k: str(v) for k, v in scores(value).items()}, "comment": comment}


# --- the circle's pulse page ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL))
def test_circle_pulse_page_as_every_persona(personas, frozen_clock, name):
    schedule_on(personas)
    response = _client(personas, name).get(
        reverse("insights:pulse_answer", args=[personas.circle.pk])
    )
    if name == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = _main(response.content.decode())
    assert "This period: 1 Mar to 28 Mar 2027" in page
    assert "What is kept, and who sees it" in page
    if name in ANSWERERS:
        assert 'name="trust"' in page
        assert "Send my answer, anonymously" in page
    else:
        assert 'name="trust"' not in page
        assert "Only the circle's members and lead answer its pulse" in page


@pytest.mark.parametrize("name", sorted(ALL))
def test_answering_through_the_page_as_every_persona(personas, frozen_clock, name):
    schedule_on(personas)
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    client = _client(personas, name)
    response = client.post(url, _form(5, "Good"))
    if name == "outsider":
        assert response.status_code == 404
    elif name in ANSWERERS:
        assert response.status_code == 302
        page = _main(client.get(url).content.decode())
        assert "You answered this period." in page
        assert 'name="trust"' not in page
        assert "Thank you: your answer is in, anonymously." in page
    else:
        assert response.status_code == 400
        assert "Only the circle&#x27;s members and lead answer its pulse." in (
            response.content.decode()
        )
    expected = 1 if name in ANSWERERS else 0
    assert (PulseAnswer.objects.count(), PulseReceipt.objects.count()) == (expected, expected)


def test_a_second_answer_through_the_page_is_refused_and_changes_nothing(personas, frozen_clock):
    schedule_on(personas)
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    client = _client(personas, "member")
    assert client.post(url, _form(5)).status_code == 302
    # The form is gone; a crafted second post is refused with the reason.
    again = client.post(url, _form(1, "again"))
    assert again.status_code == 400
    assert "You have already answered this period" in again.content.decode()
    assert list(PulseAnswer.objects.values_list("trust", "comment")) == [(5, "")]


def test_a_score_outside_the_scale_is_refused_next_to_its_statement(personas, frozen_clock):
    schedule_on(personas)
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    data = _form(4)
    data["participation"] = "6"
    del data["clarity"]
    response = _client(personas, "member").post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_participation_error"' in page
    assert 'id="id_clarity_error"' in page
    assert 'id="id_trust_error"' not in page
    assert PulseAnswer.objects.count() == PulseReceipt.objects.count() == 0


def test_without_a_running_pulse_the_page_says_so_and_takes_no_answer(personas, frozen_clock):
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    page = _client(personas, "member").get(url).content.decode()
    assert "has no pulse check running right now" in page
    assert 'name="trust"' not in page
    refused = _client(personas, "member").post(url, _form(4))
    assert refused.status_code == 400
    assert "has no pulse check running" in refused.content.decode()
    assert PulseAnswer.objects.count() == 0
    coordinator_page = _client(personas, "coordinator").get(url).content.decode()
    assert reverse("insights:pulse_schedule", args=[personas.program.pk]) in coordinator_page


def test_results_show_only_for_a_closed_period_with_three_answers(personas, frozen_clock):
    """January: 3 answers (shown). February: 2 answers (only the count). March (open): 4 answers
    (only the count). Every persona who sees the page reads the same."""
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(4), scores(4), scores(3)], comment="Shown in January")
    rows_add(personas.circle, FEB, [scores(1), scores(2)], comment=SECRET_COMMENT)
    rows_add(personas.circle, MAR, [scores(2)] * 4, comment="Open period")
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    for name in sorted(ALL - {"outsider"}):
        page = _main(_client(personas, name).get(url).content.decode())
        assert "Shown in January" in page
        assert SECRET_COMMENT not in page
        assert "Open period" not in page
        chart = chart_in(page, "chart-pulse-trend")
        # January's averages are drawn; February (two answers) and March (open) are gaps.
        assert chart.values["Trust"] == [3.67, None, None]
        assert chart.values["Progress"] == [3.67, None, None]
        assert chart.columns["Trust"] == ["3.7", "fewer than 3 answers", "open until 28 Mar"]
        assert chart.columns["Answers"] == ["3", "2", "4"]
        assert chart.columns["Stage"] == ["Forming", "—", "—"]
        # February's and March's averages (1.5 and 2.0) appear nowhere on the page.
        assert "1.5" not in page
        assert "2.0" not in page


def test_before_any_period_is_shown_the_page_gives_counts_only(personas, frozen_clock):
    schedule_on(personas)
    rows_add(personas.circle, FEB, [scores(1), scores(2)], comment=SECRET_COMMENT)
    page = _main(
        _client(personas, "member")
        .get(reverse("insights:pulse_answer", args=[personas.circle.pk]))
        .content.decode()
    )
    assert "chart-pulse-trend" not in page
    assert "Fewer than 3 answers: not shown" in page
    assert "Open until 28 Mar: results after it closes, if 3 more answers" in page
    assert SECRET_COMMENT not in page


def test_the_page_reads_the_stage_and_says_storming_is_normal(personas, frozen_clock):
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(3)] * 3)
    rows_add(personas.circle, FEB, [scores(2, clarity=3)] * 3)
    page = _client(personas, "member").get(
        reverse("insights:pulse_answer", args=[personas.circle.pk])
    )
    html = page.content.decode()
    assert "<strong>Storming</strong>" in html
    assert "Storming is a normal step" in html
    assert "let the group storm its way to success" in html.lower()


def test_the_pulse_page_takes_as_many_queries_with_many_periods_of_answers(personas, frozen_clock):
    schedule_on(personas)
    rows_add(personas.circle, JAN, [scores(4)] * 3, comment="First")
    client = _client(personas, "member")
    url = reverse("insights:pulse_answer", args=[personas.circle.pk])

    def grow() -> None:
        for start in (JAN, FEB):
            rows_add(personas.circle, start, [scores(4)] * 6, comment="More")
        rows_add(personas.other_circle, FEB, [scores(4)] * 6, comment="Elsewhere")

    assert_queries_flat(client, url, grow=grow)


# --- the program's schedule page -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL))
def test_schedule_page_as_every_persona(personas, frozen_clock, name):
    schedule_on(personas)
    response = _client(personas, name).get(
        reverse("insights:pulse_schedule", args=[personas.program.pk])
    )
    if name == "outsider":
        assert response.status_code == 404
        return
    if name in ANSWERERS:
        assert response.status_code == 403
        assert "Your circle&#x27;s pulse is on your circle&#x27;s page" in (
            response.content.decode()
        )
        return
    assert response.status_code == 200
    page = _main(response.content.decode())
    assert "This period: <strong>1 Mar to 28 Mar 2027</strong>" in page
    assert ('name="every_weeks"' in page) == (name in MANAGERS)


@pytest.mark.parametrize("name", sorted(ALL))
def test_setting_the_schedule_as_every_persona(personas, frozen_clock, name):
    url = reverse("insights:pulse_schedule", args=[personas.program.pk])
    response = _client(personas, name).post(url, {"active": "on", "every_weeks": "2"})
    expected = {"outsider": 404, "lead": 403, "member": 403, "sponsor": 403}.get(name, 302)
    assert response.status_code == expected
    schedule = PulseSchedule.objects.filter(program=personas.program).first()
    if expected == 302:
        assert schedule is not None
        # The Monday of the week of 10 March 2027.
        assert (schedule.active, schedule.every_weeks, schedule.starts_on) == (
            True,
            2,
            dt.date(2027, 3, 8),
        )
    else:
        assert schedule is None


def test_the_schedule_page_counts_circles_that_reached_three_answers(personas, frozen_clock):
    schedule_on(personas)
    rows_add(personas.circle, MAR, [scores(4)] * 3, comment="Not on this page")
    rows_add(personas.other_circle, MAR, [scores(2)])
    page = _main(
        _client(personas, "coordinator")
        .get(reverse("insights:pulse_schedule", args=[personas.program.pk]))
        .content.decode()
    )
    assert re.search(r"Circles with 3\+ answers</dt><dd>1 <small", page)
    assert re.search(r"Circles with any answer</dt><dd>2<", page)
    assert re.search(r"Answers in all</dt><dd>4<", page)
    assert "Not on this page" not in page
    north = reverse("insights:pulse_answer", args=[personas.circle.pk])
    south = reverse("insights:pulse_answer", args=[personas.other_circle.pk])
    assert f'<a href="{north}">North</a>: 3 answers <span class="badge' in page
    assert f'<a href="{south}">South</a>: 1 answer</li>' in page


@pytest.mark.parametrize("name", sorted(ALL - {"outsider"}))
def test_the_program_page_links_overseers_to_the_pulse(personas, name):
    page = _client(personas, name).get(reverse("programs:detail", args=[personas.program.pk]))
    link = reverse("insights:pulse_schedule", args=[personas.program.pk])
    assert (link in page.content.decode()) == (name in OVERSEERS)


def test_turning_the_pulse_off(personas, frozen_clock):
    schedule_on(personas)
    url = reverse("insights:pulse_schedule", args=[personas.program.pk])
    response = _client(personas, "coordinator").post(url, {"every_weeks": "4"})
    assert response.status_code == 302
    schedule = PulseSchedule.objects.get(program=personas.program)
    assert (schedule.active, schedule.starts_on) == (False, STARTS_ON)
    page = _client(personas, "member").get(
        reverse("insights:pulse_answer", args=[personas.circle.pk])
    )
    assert "has no pulse check running right now" in page.content.decode()


# --- prompts on the circle page and the home page ------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL - {"outsider"}))
def test_the_circle_page_prompts_members_until_they_answer(personas, frozen_clock, name):
    schedule_on(personas)
    url = reverse("circles:detail", args=[personas.circle.pk])
    pulse_url = reverse("insights:pulse_answer", args=[personas.circle.pk])
    client = _client(personas, name)
    page = client.get(url).content.decode()
    assert pulse_url in page
    assert ("Answer the pulse" in page) == (name in ANSWERERS)
    if name in ANSWERERS:
        client.post(pulse_url, _form(3))
        page = client.get(url).content.decode()
        assert "Answer the pulse" not in page
        assert "You answered this period's pulse check." in page


def test_the_home_page_lists_open_pulses_the_member_has_not_answered(personas, frozen_clock):
    schedule_on(personas)
    client = _client(personas, "member")
    home = reverse("home:home")
    assert "Pulse checks open" in client.get(home).content.decode()
    answer(personas.circle, personas.members["member"], MAR)
    assert "Pulse checks open" not in client.get(home).content.decode()
    # Nobody else is asked on the home page: coordinators are in no circle.
    assert "Pulse checks open" not in _client(personas, "coordinator").get(home).content.decode()


def test_the_home_page_asks_no_query_per_circle_for_its_pulse_prompts(personas, frozen_clock):
    schedule_on(personas)
    client = _client(personas, "member")

    def grow() -> None:
        for i in range(3):
            circle_create(
                program=personas.program,
                name=f"Extra {i}",
                members=[personas.members["member"]],
            )

    assert_queries_flat(client, reverse("home:home"), grow=grow)
