"""Reflections (internal clarity): dated entries by the circle's current lead alone, the cadence
of prompts to revisit them, and the prompt itself at the boundary of the circle's day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from roundtable.circles.services import circle_set_lead
from roundtable.core.errors import DomainError
from roundtable.leadership.models import Reflection, ReflectionCadence
from roundtable.leadership.services.reflections import (
    reflection_cadence_set,
    reflection_write,
    reflections_prompt_due,
)
from roundtable.notifications.models import Notice, NoticeKind

# 14:59:59 UTC on 9 March is 23:59:59 in Tokyo; one second later it is 10 March there.
JUST_BEFORE = dt.datetime(2027, 3, 9, 14, 59, 59, tzinfo=dt.UTC)
MIDNIGHT_TOKYO = dt.datetime(2027, 3, 9, 15, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def tokyo(personas):
    circle = personas.circle
    circle.time_zone = "Asia/Tokyo"
    circle.save(update_fields=["time_zone"])
    return circle


def _write(personas, **answers):
    fields = {"leader": "", "goals": "", "outcomes": ""} | answers
    return reflection_write(circle=personas.circle, author=personas.members["lead"], **fields)


@time_machine.travel(MIDNIGHT_TOKYO, tick=False)
def test_an_entry_is_dated_by_the_circles_day_and_earlier_ones_stay(personas, tokyo):
    first = _write(personas, leader="A calm facilitator")
    second = _write(personas, leader="A braver facilitator", goals="Ship the playbook")
    first.refresh_from_db()
    assert first.leader == "A calm facilitator"
    assert second.written_on == dt.date(2027, 3, 10)  # Tokyo's day, not UTC's 9 March
    assert list(Reflection.objects.filter(circle=tokyo).values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]


def test_an_empty_entry_is_refused(personas):
    with pytest.raises(DomainError, match="at least one"):
        _write(personas, leader="  ")
    assert not Reflection.objects.exists()


def test_only_the_current_lead_writes(personas):
    with pytest.raises(DomainError, match="current lead"):
        reflection_write(
            circle=personas.circle, author=personas.members["member"], leader="x", goals="",
            outcomes="",
        )  # fmt: skip
    circle_set_lead(circle=personas.circle, lead=personas.members["member"])
    with pytest.raises(DomainError, match="current lead"):
        _write(personas, leader="Still me?")
    assert not Reflection.objects.exists()


@time_machine.travel(MIDNIGHT_TOKYO, tick=False)
def test_the_cadence_sets_the_next_prompt_from_the_circles_today(personas, tokyo):
    lead = personas.members["lead"]
    cadence = reflection_cadence_set(circle=tokyo, author=lead, every_weeks=3)
    assert cadence.next_prompt_on == dt.date(2027, 3, 31)
    cadence = reflection_cadence_set(circle=tokyo, author=lead, every_weeks=0)
    assert cadence.next_prompt_on is None
    with pytest.raises(DomainError, match="52 weeks"):
        reflection_cadence_set(circle=tokyo, author=lead, every_weeks=53)
    assert ReflectionCadence.objects.get().every_weeks == 0


@time_machine.travel(MIDNIGHT_TOKYO, tick=False)
def test_writing_an_entry_moves_the_next_prompt_on(personas, tokyo):
    lead = personas.members["lead"]
    reflection_cadence_set(circle=tokyo, author=lead, every_weeks=2)
    ReflectionCadence.objects.update(next_prompt_on=dt.date(2027, 3, 12))
    _write(personas, goals="Fewer, better meetings")
    assert ReflectionCadence.objects.get().next_prompt_on == dt.date(2027, 3, 24)


def _cadence_due_on(personas, day: dt.date, weeks: int = 4) -> ReflectionCadence:
    return ReflectionCadence.objects.create(
        author=personas.members["lead"], circle=personas.circle, every_weeks=weeks,
        next_prompt_on=day,
    )  # fmt: skip


def test_the_prompt_comes_when_the_circles_day_does_and_only_once(personas, tokyo):
    lead = personas.members["lead"]
    _write(personas, leader="Words that must stay private")
    cadence = _cadence_due_on(personas, dt.date(2027, 3, 10))

    assert reflections_prompt_due(now=JUST_BEFORE) == 0
    assert not Notice.objects.filter(kind=NoticeKind.REFLECTION_DUE).exists()

    assert reflections_prompt_due(now=MIDNIGHT_TOKYO) == 1
    notice = Notice.objects.get(kind=NoticeKind.REFLECTION_DUE)
    assert notice.member == lead
    assert notice.url == reverse("leadership:reflections", args=[tokyo.pk])
    assert "private" not in f"{notice.title} {notice.body}".lower()
    assert notice.body == ""
    assert notice.key == f"reflection-due:{lead.pk}:{tokyo.pk}:2027-03-10"
    cadence.refresh_from_db()
    assert cadence.next_prompt_on == dt.date(2027, 4, 7)

    assert reflections_prompt_due(now=MIDNIGHT_TOKYO + dt.timedelta(hours=5)) == 0
    assert Notice.objects.filter(kind=NoticeKind.REFLECTION_DUE).count() == 1


def test_a_late_worker_prompts_once_and_lands_on_the_next_future_step(personas, tokyo):
    cadence = _cadence_due_on(personas, dt.date(2027, 2, 1), weeks=2)
    assert reflections_prompt_due(now=MIDNIGHT_TOKYO) == 1
    cadence.refresh_from_db()
    assert cadence.next_prompt_on == dt.date(2027, 3, 15)  # 1 Feb + 6 weeks, after 10 March
    assert Notice.objects.filter(kind=NoticeKind.REFLECTION_DUE).count() == 1


def test_no_prompt_for_a_former_lead_or_a_cadence_turned_off(personas, tokyo):
    _cadence_due_on(personas, dt.date(2027, 3, 10))
    circle_set_lead(circle=tokyo, lead=personas.members["member"])
    ReflectionCadence.objects.create(
        author=personas.members["member"], circle=tokyo, every_weeks=0,
        next_prompt_on=dt.date(2027, 3, 1),
    )  # fmt: skip
    assert reflections_prompt_due(now=MIDNIGHT_TOKYO) == 0
    assert not Notice.objects.filter(kind=NoticeKind.REFLECTION_DUE).exists()
    assert ReflectionCadence.objects.get(author=personas.members["lead"]).next_prompt_on == (
        dt.date(2027, 3, 10)
    )
