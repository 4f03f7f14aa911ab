"""The member page shows a coordinator what their programs need and no more: private profile
fields only of the people in their programs, and the attendance record in their programs only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from roundtable.meetings import services as meetings
from roundtable.orgs.services import member_update
from roundtable.testing.personas import second_program_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programs(personas):
    """The personas' program (North circle) and a second one with its own coordinator (East
    circle); the member is in both circles, present at North's meetings, absent at East's, and
    Dana is only in the second program."""
    second = second_program_create(personas)
    dana, east = second.dana, second.east
    member = personas.members["member"]
    held = {}
    lead = personas.members["lead"]
    for circle, reporter, status in ((personas.circle, lead, "present"), (east, dana, "absent")):
        meetings.schedule_set(
            circle=circle,
            frequency="weekly",
            weekday=1,
            start_time=dt.time(9),
            starts_on=dt.date(2027, 2, 1),
        )
        first = circle.meetings.order_by("starts_at")[0]
        meetings.attendance_set(
            meeting=first, member=member, status=status, reported_by=reporter, now=first.ends_at
        )
        held[circle.name] = reverse("meetings:detail", args=[first.pk])
    for person in (member, dana):
        member_update(member=person, hire_date=dt.date(2019, 5, 1))
    return second.coordinator.user, dana, held


def _page(client, user, member) -> str:
    """The member page as `user` sees it the day after both circles' first meeting."""
    with time_machine.travel(dt.datetime(2027, 2, 3, tzinfo=dt.UTC), tick=False):
        client.force_login(user)
        response = client.get(reverse("orgs:member_detail", args=[member.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_coordinator_sees_the_attendance_of_their_own_program(client, personas, two_programs):
    second_coordinator, _, held = two_programs
    member = personas.members["member"]
    first = _page(client, personas.coordinator, member)
    assert held["North"] in first
    assert held["East"] not in first
    assert "in the programs you coordinate" in first
    second = _page(client, second_coordinator, member)
    assert held["East"] in second
    assert held["North"] not in second
    everything = _page(client, personas.admin, member)
    assert held["North"] in everything
    assert held["East"] in everything
    assert "in the programs you coordinate" not in everything


def test_private_fields_only_of_the_people_in_ones_programs(client, personas, two_programs):
    second_coordinator, dana, _ = two_programs
    member = personas.members["member"]
    hire_date = "1 May 2019"
    assert hire_date in _page(client, personas.coordinator, member)
    assert hire_date in _page(client, second_coordinator, member)
    assert hire_date in _page(client, second_coordinator, dana)
    assert hire_date not in _page(client, personas.coordinator, dana)
    assert "Weekly availability" not in _page(client, personas.coordinator, dana)
    for persona in ("sponsor", "lead"):
        assert hire_date not in _page(client, personas.user(persona), dana), persona
    assert hire_date in _page(client, personas.admin, dana)


def test_the_member_page_is_a_404_for_the_outsider(client, personas, two_programs):
    _, dana, _ = two_programs
    client.force_login(personas.outsider)
    response = client.get(reverse("orgs:member_detail", args=[dana.pk]))
    assert response.status_code == 404
