"""Support plans (behaviour choice): an approach from the list, a next step, a review date from
the circle's today; the reminder to the author alone, naming nobody, once per review date."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.services import circle_remove_member, circle_set_lead
from roundtable.core.errors import DomainError
from roundtable.leadership.models import SupportPlan
from roundtable.leadership.services.support_plans import (
    support_plan_change,
    support_plan_close,
    support_plan_create,
    support_reviews_remind,
)
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.orgs.models import Member

JUST_BEFORE = dt.datetime(2027, 3, 9, 14, 59, 59, tzinfo=dt.UTC)  # 23:59:59 on 9 March in Tokyo
MIDNIGHT_TOKYO = dt.datetime(2027, 3, 9, 15, 0, 0, tzinfo=dt.UTC)  # 00:00 on 10 March in Tokyo


@pytest.fixture
def tokyo(personas):
    circle = personas.circle
    circle.time_zone = "Asia/Tokyo"
    circle.save(update_fields=["time_zone"])
    return circle


def _plan(personas, **overrides) -> SupportPlan:
    fields = {
        "circle": personas.circle,
        "author": personas.members["lead"],
        "peer": personas.members["member"],
        "approach": SupportPlan.Approach.STRETCH,
        "next_step": "Offer her the March meeting to run",
        "review_on": dt.date(2027, 3, 10),
    } | overrides
    return support_plan_create(**fields)


@time_machine.travel(MIDNIGHT_TOKYO, tick=False)
def test_the_review_date_is_today_or_later_in_the_circles_time_zone(personas, tokyo):
    # 10 March is already today in Tokyo although UTC is still on 9 March.
    plan = _plan(personas, review_on=dt.date(2027, 3, 10))
    assert plan.review_on == dt.date(2027, 3, 10)
    with pytest.raises(DomainError, match="from today") as refused:
        _plan(personas, review_on=dt.date(2027, 3, 9))
    assert refused.value.field == "review_on"
    assert SupportPlan.objects.count() == 1


@pytest.mark.parametrize("approach", ["boss", "", "Mentor", "MENTOR"])
def test_an_approach_outside_the_list_is_refused(personas, approach):
    with pytest.raises(DomainError, match="Choose an approach") as refused:
        _plan(personas, approach=approach, review_on=timezone.localdate() + dt.timedelta(days=3))
    assert refused.value.field == "approach"
    assert not SupportPlan.objects.exists()


def test_a_plan_is_for_someone_in_the_circle_now_other_than_the_lead(personas):
    later = timezone.localdate() + dt.timedelta(days=7)
    peer_of_south = Member.objects.get(user__email="peer@example.org")
    for who in (peer_of_south, personas.members["outsider"], personas.members["lead"]):
        with pytest.raises(DomainError) as refused:
            _plan(personas, peer=who, review_on=later)
        assert refused.value.field == "peer"
    circle_remove_member(circle=personas.circle, member=personas.members["member"])
    with pytest.raises(DomainError, match="not in North"):
        _plan(personas, review_on=later)
    assert not SupportPlan.objects.exists()


def test_only_the_current_lead_plans_and_a_former_lead_cannot_change_theirs(personas):
    later = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(DomainError, match="current lead"):
        _plan(personas, author=personas.members["member"], peer=personas.members["lead"],
              review_on=later)  # fmt: skip
    plan = _plan(personas, review_on=later)
    circle_set_lead(circle=personas.circle, lead=personas.members["member"])
    with pytest.raises(DomainError, match="current lead"):
        support_plan_close(plan=plan, author=personas.members["lead"])
    plan.refresh_from_db()
    assert plan.closed_on is None


def test_the_next_step_is_required(personas):
    with pytest.raises(DomainError, match="next step") as refused:
        _plan(personas, next_step="   ", review_on=timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.field == "next_step"


def test_a_new_review_date_brings_a_new_reminder_and_a_closed_plan_stays_closed(personas):
    later = timezone.localdate() + dt.timedelta(days=7)
    plan = _plan(personas, review_on=later)
    SupportPlan.objects.filter(pk=plan.pk).update(reminded_on=later)
    plan.refresh_from_db()
    changed = support_plan_change(
        plan=plan, author=personas.members["lead"], approach=SupportPlan.Approach.COACH,
        next_step="Pair on the pricing call", review_on=later + dt.timedelta(days=7),
    )  # fmt: skip
    assert (changed.approach, changed.reminded_on) == ("coach", None)
    closed = support_plan_close(plan=changed, author=personas.members["lead"])
    assert closed.closed_on == timezone.localdate()
    with pytest.raises(DomainError, match="closed"):
        support_plan_change(
            plan=closed, author=personas.members["lead"], approach="coach", next_step="Again",
            review_on=later,
        )  # fmt: skip


def test_the_reminder_comes_on_the_circles_review_day_names_no_peer_and_comes_once(personas, tokyo):
    with time_machine.travel(JUST_BEFORE - dt.timedelta(days=2), tick=False):
        plan = _plan(personas, review_on=dt.date(2027, 3, 10))
    lead = personas.members["lead"]

    assert support_reviews_remind(now=JUST_BEFORE) == 0
    assert not Notice.objects.filter(kind=NoticeKind.SUPPORT_REVIEW_DUE).exists()

    assert support_reviews_remind(now=MIDNIGHT_TOKYO) == 1
    notice = Notice.objects.get(kind=NoticeKind.SUPPORT_REVIEW_DUE)
    assert notice.member == lead
    shown = f"{notice.title} {notice.body} {notice.url}"
    for private in ("Member", "Persona", "member@example.org", "March meeting", "Stretch"):
        assert private not in shown
    assert notice.url == reverse("leadership:toolkit", args=[tokyo.pk])
    assert notice.key == f"support-review:{plan.pk}:2027-03-10"
    plan.refresh_from_db()
    assert plan.reminded_on == dt.date(2027, 3, 10)

    assert support_reviews_remind(now=MIDNIGHT_TOKYO + dt.timedelta(hours=3)) == 0
    assert Notice.objects.filter(kind=NoticeKind.SUPPORT_REVIEW_DUE).count() == 1


def test_no_reminder_for_a_closed_plan_or_a_former_lead(personas, tokyo):
    with time_machine.travel(JUST_BEFORE - dt.timedelta(days=2), tick=False):
        closed = _plan(personas, review_on=dt.date(2027, 3, 10))
        support_plan_close(plan=closed, author=personas.members["lead"])
        _plan(personas, review_on=dt.date(2027, 3, 10))
    circle_set_lead(circle=tokyo, lead=personas.members["member"])
    assert support_reviews_remind(now=MIDNIGHT_TOKYO) == 0
    assert not Notice.objects.filter(kind=NoticeKind.SUPPORT_REVIEW_DUE).exists()
