"""Trials: started together with the decision that moves the idea to trial, or not at all; the
owner is told; the circle is reminded once, on the review date in the circle's own day; the
outcome is recorded against the measure; the periodic task and its start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from roundtable.circles.services import circle_remove_member, circle_update
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Decision, Stage, Trial
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.trials import trial_outcome_record, trial_reviews_remind, trial_start
from roundtable.ideas.tasks import trial_reviews_remind_task
from roundtable.ideas.tests.decision_factories import idea_create, newcomer
from roundtable.notifications.models import Notice

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)  # Monday 1 March 2027, London


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


@pytest.fixture
def idea(personas):
    return idea_create(circle=personas.circle, stage=Stage.DISCUSSING, summary="Call them back")


def _plan(personas, **changes):
    plan = {
        "by": personas.members["lead"],
        "rationale": "Cheap to try for a month.",
        "owner": personas.members["member"],
        "starts_on": dt.date(2027, 3, 1),
        "ends_on": dt.date(2027, 3, 31),
        "measure": "Five lapsed customers buy again.",
        "review_on": dt.date(2027, 4, 2),
    }
    return {**plan, **changes}


def test_a_trial_starts_with_its_decision(personas, idea):
    trial = trial_start(idea=idea, **_plan(personas))
    idea.refresh_from_db()
    assert idea.stage == Stage.TRIAL
    decision = Decision.objects.get()
    assert (decision.from_stage, decision.to_stage) == ("discussing", "trial")
    assert decision.rationale == "Cheap to try for a month."
    assert (trial.owner, trial.measure) == (
        personas.members["member"],
        "Five lapsed customers buy again.",
    )


def test_the_owner_is_told_the_trial_is_theirs(personas, idea):
    trial_start(idea=idea, **_plan(personas))
    (notice,) = Notice.objects.filter(member=personas.members["member"])
    assert notice.kind == "idea_decided"
    assert notice.title == "You own the trial of “Call them back”"
    assert "reviewed on 02 Apr 2027" in notice.body
    assert "Five lapsed customers buy again." in notice.body


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"measure": "  "}, "measure", "Say how the trial's success will be measured."),
        ({"ends_on": dt.date(2027, 2, 28)}, "ends_on", "must end on or after the day it starts"),
        ({"review_on": dt.date(2027, 2, 28)}, "review_on", "review date must be on or after"),
        ({"rationale": ""}, "rationale", "Give the rationale"),
        ({"review_on": dt.date(2100, 3, 1)}, "review_on", "at most 3 years ahead"),
        ({"owner": "outsider"}, "owner", "the trial's owner must be"),
        ({"owner": "coordinator"}, "owner", "the trial's owner must be"),
    ],
)
def test_a_bad_trial_is_refused_and_nothing_changes(personas, idea, changes, field, problem):
    if "owner" in changes:
        changes = {"owner": personas.members[changes["owner"]]}
    with pytest.raises(DomainError, match=problem) as refused:
        trial_start(idea=idea, **_plan(personas, **changes))
    assert refused.value.field == field
    idea.refresh_from_db()
    assert idea.stage == Stage.DISCUSSING
    assert not Trial.objects.exists()
    assert not Decision.objects.exists()
    assert not Notice.objects.exists()


def test_a_trial_starts_only_from_discussion(personas):
    idea = idea_create(circle=personas.circle)  # proposed
    with pytest.raises(DomainError, match="cannot move to “On trial”"):
        trial_start(idea=idea, **_plan(personas))
    assert not Trial.objects.exists()


# --- the outcome --------------------------------------------------------------------------


def test_the_outcome_is_recorded_against_the_measure(personas, idea):
    trial = trial_start(idea=idea, **_plan(personas))
    trial_outcome_record(
        trial=trial, by=personas.members["member"], result="partly", outcome="Three bought again."
    )
    trial.refresh_from_db()
    assert (trial.result, trial.outcome) == ("partly", "Three bought again.")
    assert (trial.outcome_by, trial.outcome_recorded_on) == (personas.members["member"], NOW.date())


@pytest.mark.parametrize(
    ("result", "outcome", "problem"),
    [
        ("met", "", "the outcome needs words"),
        ("met", " \u200b ", "the outcome needs words"),
        ("", "Three bought again.", "Say whether the trial met its measure"),
        ("great", "Three bought again.", "Say whether the trial met its measure"),
    ],
)
def test_a_bad_outcome_is_refused(personas, idea, result, outcome, problem):
    trial = trial_start(idea=idea, **_plan(personas))
    with pytest.raises(DomainError, match=problem):
        trial_outcome_record(
            trial=trial, by=personas.members["lead"], result=result, outcome=outcome
        )
    trial.refresh_from_db()
    assert (trial.result, trial.outcome, trial.outcome_recorded_on) == ("", "", None)


def test_no_outcome_once_the_trial_was_decided(personas, idea):
    trial = trial_start(idea=idea, **_plan(personas))
    idea_decide(
        idea=idea, to_stage="discussing", rationale="Stopped early.", by=personas.members["lead"]
    )
    with pytest.raises(DomainError, match="The trial is over"):
        trial_outcome_record(
            trial=trial, by=personas.members["lead"], result="met", outcome="Fine."
        )
    trial.refresh_from_db()
    assert trial.result == ""


# --- the review reminder ------------------------------------------------------------------


def _reminded() -> list[str]:
    return sorted(
        n.member.name
        for n in Notice.objects.filter(kind="trial_review_due").select_related("member__user")
    )


def test_the_circle_is_reminded_once_on_the_review_date(personas, idea, frozen_clock):
    trial_start(idea=idea, **_plan(personas, review_on=dt.date(2027, 3, 10)))
    left = newcomer(personas.circle, "Lee Left")
    circle_remove_member(circle=personas.circle, member=left)

    frozen_clock.move_to(dt.datetime(2027, 3, 9, 23, 59, tzinfo=dt.UTC))
    assert trial_reviews_remind() == 0
    assert _reminded() == []

    frozen_clock.move_to(dt.datetime(2027, 3, 10, 0, 1, tzinfo=dt.UTC))
    assert trial_reviews_remind() == 1
    assert _reminded() == ["Lead Persona", "Member Persona"]
    (notice,) = Notice.objects.filter(kind="trial_review_due", member=personas.members["member"])
    assert notice.title == "Review the trial of “Call them back”"
    assert notice.url == f"/ideas/{idea.pk}/"

    for later in (dt.timedelta(hours=1), dt.timedelta(days=1), dt.timedelta(days=3)):
        frozen_clock.move_to(dt.datetime(2027, 3, 10, 0, 1, tzinfo=dt.UTC) + later)
        trial_reviews_remind()
    assert _reminded() == ["Lead Persona", "Member Persona"]


def test_the_review_date_is_the_circles_day(personas, idea, frozen_clock):
    """Sydney's 10 March starts at 13:00 UTC on the 9th (daylight saving time, UTC+11)."""
    circle_update(circle=personas.circle, time_zone="Australia/Sydney")
    trial_start(idea=idea, **_plan(personas, review_on=dt.date(2027, 3, 10)))
    frozen_clock.move_to(dt.datetime(2027, 3, 9, 12, 59, tzinfo=dt.UTC))
    trial_reviews_remind()
    assert _reminded() == []
    frozen_clock.move_to(dt.datetime(2027, 3, 9, 13, 1, tzinfo=dt.UTC))
    trial_reviews_remind()
    assert _reminded() == ["Lead Persona", "Member Persona"]


def test_a_worker_down_on_the_review_date_reminds_within_the_week(personas, idea, frozen_clock):
    trial_start(idea=idea, **_plan(personas, review_on=dt.date(2027, 3, 10)))
    frozen_clock.move_to(dt.datetime(2027, 3, 18, 9, tzinfo=dt.UTC))
    trial_reviews_remind()
    assert _reminded() == []
    frozen_clock.move_to(dt.datetime(2027, 3, 17, 9, tzinfo=dt.UTC))
    trial_reviews_remind()
    assert _reminded() == ["Lead Persona", "Member Persona"]


def test_no_reminder_once_the_outcome_is_recorded(personas, idea, frozen_clock):
    trial = trial_start(idea=idea, **_plan(personas, review_on=dt.date(2027, 3, 10)))
    trial_outcome_record(trial=trial, by=personas.members["member"], result="met", outcome="7.")
    frozen_clock.move_to(dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC))
    assert trial_reviews_remind() == 0
    assert _reminded() == []


def test_the_task_sends_the_reminders(personas, idea, frozen_clock):
    trial_start(idea=idea, **_plan(personas, review_on=dt.date(2027, 3, 10)))
    frozen_clock.move_to(dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC))
    assert trial_reviews_remind_task.enqueue().return_value == 1
    assert _reminded() == ["Lead Persona", "Member Persona"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_start_periodic_tasks_queues_the_review_task_once(personas):
    out = StringIO()
    call_command("start_periodic_tasks", stdout=out)
    call_command("start_periodic_tasks", stdout=out)
    waiting = DBTaskResult.objects.filter(
        task_path=trial_reviews_remind_task.module_path, status="READY"
    )
    assert waiting.count() == 1
    assert out.getvalue().count(f"Queued {trial_reviews_remind_task.name}.") == 1
