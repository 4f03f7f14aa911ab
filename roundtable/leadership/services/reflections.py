"""The lead's reflections on leading a circle (internal clarity): dated entries, private to
their author, and the prompt to revisit them every few weeks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.core.text import text_clean
from roundtable.leadership.models import Reflection, ReflectionCadence
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

ANSWER_LIMIT = 4000
MAX_WEEKS = 52


def private_text(value: str, *, field: str, label: str, limit: int, required: bool = False) -> str:
    """`value` cleaned for a private field: a DomainError on `field` naming `label` when it holds
    control characters, is empty while required, or is longer than `limit`."""
    try:
        value = text_clean(value or "", required=required).strip()
    except ValueError as exc:
        raise DomainError(f"{label} {exc}.", field=field) from exc
    if len(value) > limit:
        raise DomainError(
            f"Keep {label.lower()} to {limit:,} characters (it has {len(value):,}).", field=field
        )
    return value


def require_current_lead(*, circle: Circle, author: Member) -> None:
    """Writing in a circle's toolkit is for its current lead; a former lead reads only."""
    if circle.lead_id != author.pk:
        raise DomainError(
            f"Only the current lead of {circle.name} writes in its toolkit; what you wrote "
            "before stays yours to read."
        )


def circle_today(circle: Circle, now: dt.datetime) -> dt.date:
    return timezone.localdate(now, ZoneInfo(circle.time_zone))


@transaction.atomic
def reflection_write(
    *,
    circle: Circle,
    author: Member,
    leader: str,
    goals: str,
    outcomes: str,
    now: dt.datetime | None = None,
) -> Reflection:
    """A new dated entry (earlier ones stay as they were, to compare). Writing one counts as
    revisiting: the next prompt moves on from today."""
    now = now or timezone.now()
    require_current_lead(circle=circle, author=author)
    answers = {
        "leader": private_text(
            leader, field="leader", label="The leader you want to be", limit=ANSWER_LIMIT
        ),
        "goals": private_text(goals, field="goals", label="Your goals", limit=ANSWER_LIMIT),
        "outcomes": private_text(
            outcomes, field="outcomes", label="The outcomes you want", limit=ANSWER_LIMIT
        ),
    }
    if not any(answers.values()):
        raise DomainError("Answer at least one of the three questions.", field="leader")
    today = circle_today(circle, now)
    reflection = Reflection.objects.create(
        author=author, circle=circle, written_on=today, **answers
    )
    cadence = (
        ReflectionCadence.objects.select_for_update()
        .filter(author=author, circle=circle, every_weeks__gt=0)
        .first()
    )
    if cadence is not None:
        cadence.next_prompt_on = today + dt.timedelta(weeks=cadence.every_weeks)
        cadence.save(update_fields=["next_prompt_on", "updated_at"])
    return reflection


@transaction.atomic
def reflection_cadence_set(
    *, circle: Circle, author: Member, every_weeks: int, now: dt.datetime | None = None
) -> ReflectionCadence:
    """Be prompted every `every_weeks` weeks from today (0: never)."""
    now = now or timezone.now()
    require_current_lead(circle=circle, author=author)
    if not 0 <= every_weeks <= MAX_WEEKS:
        raise DomainError(
            f"Choose between 1 and {MAX_WEEKS} weeks, or 0 for no prompt.", field="every_weeks"
        )
    next_on = circle_today(circle, now) + dt.timedelta(weeks=every_weeks) if every_weeks else None
    cadence, _ = ReflectionCadence.objects.select_for_update().get_or_create(
        author=author, circle=circle, defaults={"every_weeks": every_weeks}
    )
    cadence.every_weeks, cadence.next_prompt_on = every_weeks, next_on
    cadence.save(update_fields=["every_weeks", "next_prompt_on", "updated_at"])
    return cadence


def reflections_prompt_due(*, now: dt.datetime | None = None) -> int:
    """Prompt each lead whose next reflection date has come (in the circle's time zone) and who
    still leads the circle, then move the date on by their cadence. The notice says nothing of
    what they wrote. Each row is claimed with a conditional update and the notice carries a key
    per author, circle and date, so running this twice, or on two workers, prompts once.
    A former lead's cadence is left alone (they are not prompted; it resumes if they lead the
    circle again). Returns how many prompts were sent."""
    now = now or timezone.now()
    latest = (now + dt.timedelta(days=1)).date()  # no time zone is more than a day ahead of UTC
    candidates = ReflectionCadence.objects.filter(
        every_weeks__gt=0, next_prompt_on__lte=latest, circle__lead_id=F("author_id")
    ).select_related("circle", "author__user")
    sent = 0
    for cadence in candidates:
        today = circle_today(cadence.circle, now)
        due_on = cadence.next_prompt_on
        if due_on is None or due_on > today:
            continue
        step = dt.timedelta(weeks=cadence.every_weeks)
        next_on = due_on + step
        while next_on <= today:  # a worker that was down prompts once, not once per missed step
            next_on += step
        with transaction.atomic():
            claimed = ReflectionCadence.objects.filter(
                pk=cadence.pk, next_prompt_on=due_on, every_weeks=cadence.every_weeks
            ).update(next_prompt_on=next_on, updated_at=now)
            if not claimed:
                continue
            notice = notice_send(
                member=cadence.author,
                kind=NoticeKind.REFLECTION_DUE,
                title=f"Time to revisit your reflections on leading {cadence.circle.name}",
                url=reverse("leadership:reflections", args=[cadence.circle_id]),
                key=f"reflection-due:{cadence.author_id}:{cadence.circle_id}:{due_on:%Y-%m-%d}",
                now=now,
            )
            sent += notice is not None
    return sent
