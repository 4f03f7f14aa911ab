"""The lead's support plan for a peer (behaviour choice): an approach, a next step and a date to
look again, with a reminder to the lead alone that names nobody."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.leadership.models import SupportPlan
from roundtable.leadership.services.peer_notes import require_peer
from roundtable.leadership.services.reflections import (
    circle_today,
    private_text,
    require_current_lead,
)
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

NEXT_STEP_LIMIT = 1000


def _checked(
    *, circle: Circle, approach: str, next_step: str, review_on: dt.date, now: dt.datetime
) -> dict[str, object]:
    if approach not in SupportPlan.Approach.values:
        choices = ", ".join(label.lower() for label in SupportPlan.Approach.labels)
        raise DomainError(f"Choose an approach: {choices}.", field="approach")
    step = private_text(
        next_step, field="next_step", label="The next step", limit=NEXT_STEP_LIMIT, required=True
    )
    today = circle_today(circle, now)
    if review_on < today:
        raise DomainError(
            f"Choose a review date from today ({today:%d %b %Y}) onwards.", field="review_on"
        )
    return {"approach": approach, "next_step": step, "review_on": review_on}


@transaction.atomic
def support_plan_create(
    *,
    circle: Circle,
    author: Member,
    peer: Member,
    approach: str,
    next_step: str,
    review_on: dt.date,
    now: dt.datetime | None = None,
) -> SupportPlan:
    now = now or timezone.now()
    require_current_lead(circle=circle, author=author)
    require_peer(circle=circle, author=author, peer=peer)
    fields = _checked(
        circle=circle, approach=approach, next_step=next_step, review_on=review_on, now=now
    )
    return SupportPlan.objects.create(author=author, circle=circle, peer=peer, **fields)


def _locked_open(plan: SupportPlan, author: Member) -> SupportPlan:
    if plan.author_id != author.pk:
        raise DomainError("Only the lead who wrote a support plan can change it.")
    require_current_lead(circle=plan.circle, author=author)
    locked = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.closed_on is not None:
        raise DomainError("This support plan is closed; start a new one instead.")
    return locked


@transaction.atomic
def support_plan_change(
    *,
    plan: SupportPlan,
    author: Member,
    approach: str,
    next_step: str,
    review_on: dt.date,
    now: dt.datetime | None = None,
) -> SupportPlan:
    """Adjust an open plan; a new review date brings a new reminder."""
    now = now or timezone.now()
    locked = _locked_open(plan, author)
    fields = _checked(
        circle=plan.circle, approach=approach, next_step=next_step, review_on=review_on, now=now
    )
    if fields["review_on"] != locked.review_on:
        locked.reminded_on = None
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def support_plan_close(
    *, plan: SupportPlan, author: Member, now: dt.datetime | None = None
) -> SupportPlan:
    """The plan has done its work (or no longer fits): it stays on record, closed."""
    now = now or timezone.now()
    locked = _locked_open(plan, author)
    locked.closed_on = circle_today(plan.circle, now)
    locked.save(update_fields=["closed_on", "updated_at"])
    return locked


def support_reviews_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the author of each open plan whose review date has come (in the circle's time
    zone), while they still lead the circle: once per plan and review date (the plan's
    `reminded_on`, claimed with a conditional update, and the notice's key). The notice names no
    peer and quotes nothing. Returns how many reminders were sent."""
    now = now or timezone.now()
    latest = (now + dt.timedelta(days=1)).date()  # no time zone is more than a day ahead of UTC
    candidates = SupportPlan.objects.filter(
        closed_on__isnull=True,
        reminded_on__isnull=True,
        review_on__lte=latest,
        circle__lead_id=F("author_id"),
    ).select_related("circle", "author__user")
    sent = 0
    for plan in candidates:
        today = circle_today(plan.circle, now)
        if plan.review_on > today:
            continue
        with transaction.atomic():
            claimed = SupportPlan.objects.filter(
                pk=plan.pk, reminded_on__isnull=True, review_on=plan.review_on
            ).update(reminded_on=today, updated_at=now)
            if not claimed:
                continue
            notice = notice_send(
                member=plan.author,
                kind=NoticeKind.SUPPORT_REVIEW_DUE,
                title=f"A support plan in {plan.circle.name} is due for review",
                url=reverse("leadership:toolkit", args=[plan.circle_id]),
                key=f"support-review:{plan.pk}:{plan.review_on:%Y-%m-%d}",
                now=now,
            )
            sent += notice is not None
    return sent
