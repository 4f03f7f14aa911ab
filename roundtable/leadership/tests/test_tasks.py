"""The toolkit's prompts go out without anyone clicking: one hourly periodic task sends the
reflection, support-plan and agreement prompts whose day has come, once each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from roundtable.leadership.services.agreements import agreement_version_create
from roundtable.leadership.services.reflections import reflection_cadence_set
from roundtable.leadership.services.support_plans import support_plan_create
from roundtable.leadership.tasks import leadership_prompts_task
from roundtable.notifications.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # Monday 1 March 2027


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def _prompts() -> list[tuple[str, str]]:
    return sorted(Notice.objects.values_list("member__user__full_name", "kind"))


def test_the_task_sends_each_prompt_on_its_day_and_only_once(personas, frozen_clock):
    circle, lead, member = personas.circle, personas.members["lead"], personas.members["member"]
    reflection_cadence_set(circle=circle, author=lead, every_weeks=2)
    support_plan_create(
        circle=circle,
        author=lead,
        peer=member,
        approach="coach",
        next_step="Ask what would help before the review",
        review_on=dt.date(2027, 3, 8),
    )
    agreement_version_create(
        circle=circle,
        author=lead,
        sections=[{"key": "push-back", "title": "Pushing back", "text": "Say so in the room."}],
        revisit_months=1,
    )
    Notice.objects.all().delete()  # the agreement's own notices; the prompts are what counts

    frozen_clock.move_to(dt.datetime(2027, 3, 7, 23, tzinfo=dt.UTC))
    assert leadership_prompts_task.enqueue().return_value == 0

    frozen_clock.move_to(dt.datetime(2027, 4, 1, 9, tzinfo=dt.UTC))
    assert leadership_prompts_task.enqueue().return_value == 3
    assert _prompts() == sorted(
        [
            ("Lead Persona", NoticeKind.REFLECTION_DUE),
            ("Lead Persona", NoticeKind.SUPPORT_REVIEW_DUE),
            ("Lead Persona", NoticeKind.AGREEMENT_REVISIT_DUE),
        ]
    )
    assert leadership_prompts_task.enqueue().return_value == 0
    assert len(_prompts()) == 3


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_start_periodic_tasks_queues_the_prompt_task_once(personas):
    out = StringIO()
    call_command("start_periodic_tasks", stdout=out)
    call_command("start_periodic_tasks", stdout=out)
    waiting = DBTaskResult.objects.filter(
        task_path=leadership_prompts_task.module_path, status="READY"
    )
    assert waiting.count() == 1
