"""Writes of the pulse: a program's schedule (on or off, its cadence), a member's anonymous
answer for their circle and the current period, and telling members when a period opens.

An answer is stored as meetings' anonymous feedback is (`core/anonymity.py`): the answer row
holds its circle, the first day of its period, the five scores and the comment, and nothing else
(no member, no time, a random key); a receipt, the HMAC of (circle, period, member), stops a
second answer in the same period without keeping who answered what. Both are written in one
transaction, the receipt first: its unique digest makes a racing second answer fail before any
answer row exists. Answering touches nothing else (no notice marked read, no attendance), since
any such write would put a name and a moment beside the answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse

from roundtable.circles.models import Circle, CircleMembership
from roundtable.core.errors import DomainError
from roundtable.core.freshness import figures_changed
from roundtable.insights.models import (
    PULSE_FIELDS,
    PulseAnswer,
    PulseReceipt,
    PulseSchedule,
)
from roundtable.insights.selectors.pulses import FIELD_LABELS
from roundtable.notifications.models import Notice, NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

COMMENT_MAX_CHARS = 1000
ALREADY_ANSWERED = (
    "You have already answered this period's pulse for this circle. An answer can't be changed: "
    "nothing links it to you. The next period opens on {next}."
)
NOT_IN_CIRCLE = "Only the circle's members and lead answer its pulse."
NO_PULSE = "{program} has no pulse check running: its coordinators can turn it on."


class PulseAlreadyAnswered(DomainError):
    code = "already_answered"


def _day(day: dt.date) -> str:
    """The weekday, the day without a leading zero and the month: "Monday 1 March"."""
    return f"{day:%A} {day.day} {day:%B}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- the schedule --------------------------------------------------------------------------------


@transaction.atomic
def pulse_schedule_set(
    program: Program,
    *,
    by: Member,
    active: bool,
    every_weeks: int,
    today: dt.date,
    starts_on: dt.date | None = None,
) -> PulseSchedule:
    """Turn the program's pulse on or off and set its cadence (the views ask the policy who
    may: coordinators and admins). `starts_on` is the Monday the first period begins; by
    default the Monday of this week for a new schedule, or the schedule's own when it is kept.
    A new cadence starts its periods on the Monday of this week (or `starts_on`), so the
    periods already answered keep their answers and nobody can answer twice in one."""
    if every_weeks not in PulseSchedule.Cadence.values:
        choices = ", ".join(str(v) for v in PulseSchedule.Cadence.values)
        raise DomainError(f"Choose a cadence of {choices} weeks.", field="every_weeks")
    if starts_on is not None and starts_on.weekday() != 0:
        raise DomainError(
            f"A pulse period starts on a Monday, not on {_day(starts_on)} {starts_on.year}.",
            field="starts_on",
        )
    schedule = PulseSchedule.objects.select_for_update().filter(program=program).first()
    if schedule is None:
        schedule = PulseSchedule(program=program, starts_on=starts_on or monday_of(today))
    elif starts_on is not None:
        schedule.starts_on = starts_on
    elif schedule.every_weeks != every_weeks:
        schedule.starts_on = monday_of(today)
    schedule.active = active
    schedule.every_weeks = every_weeks
    schedule.full_clean()
    schedule.save()
    figures_changed(program.pk)
    return schedule


# --- answering -----------------------------------------------------------------------------------


def pulse_is_member(circle: Circle, member: Member) -> bool:
    return (
        circle.lead_id == member.pk
        or CircleMembership.objects.filter(
            circle=circle, member=member, left_on__isnull=True
        ).exists()
    )


def _scores_checked(answers: Mapping[str, Any]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for key in PULSE_FIELDS:
        value = answers.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(
                f"Answer “{FIELD_LABELS[key]}” from 1 (strongly disagree) to 5 (strongly agree).",
                field=key,
            )
        scores[key] = value
    unknown = sorted(set(answers) - set(PULSE_FIELDS))
    if unknown:
        raise DomainError(f"The pulse asks no “{unknown[0]}”.", field=unknown[0])
    return scores


def _comment_checked(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise DomainError(
            f"Keep the comment to {COMMENT_MAX_CHARS:,} characters (it has {len(comment):,}).",
            field="comment",
        )
    return comment


def _receipt_exists(digest: str) -> bool:
    return PulseReceipt.objects.filter(digest=digest).exists()


def pulse_answer(
    circle: Circle,
    *,
    by: Member,
    today: dt.date,
    answers: Mapping[str, Any],
    comment: str = "",
) -> PulseAnswer:
    """Record a member's answer to the circle's pulse for the period open `today`. Refuses a
    non-member, a program whose pulse is not running, a score outside 1-5 (naming it), a
    comment over COMMENT_MAX_CHARS, and a second answer in the same period (also when two
    arrive at once): then nothing is written."""
    if not pulse_is_member(circle, by):
        raise DomainError(NOT_IN_CIRCLE, field="circle")
    schedule = PulseSchedule.objects.filter(program_id=circle.program_id, active=True).first()
    period_start = schedule.period_start(today) if schedule else None
    if schedule is None or period_start is None:
        raise DomainError(NO_PULSE.format(program=circle.program), field="circle")
    scores = _scores_checked(answers)
    comment = _comment_checked(comment)
    digest = PulseReceipt.digest_for(
        circle_id=circle.pk, period_start=period_start, member_id=by.pk
    )
    refused = PulseAlreadyAnswered(
        ALREADY_ANSWERED.format(next=_day(schedule.period_end(period_start) + dt.timedelta(days=1)))
    )
    if _receipt_exists(digest):
        raise refused
    answer = PulseAnswer(circle=circle, period_start=period_start, comment=comment, **scores)
    answer.full_clean()
    try:
        with transaction.atomic():
            # The receipt first: a racing twin fails on its unique digest before any answer row
            # is written, and the transaction takes the pair or neither.
            PulseReceipt(circle=circle, period_start=period_start, digest=digest).save(
                force_insert=True
            )
            answer.save(force_insert=True)
    except IntegrityError as exc:
        if PulseReceipt.objects.filter(digest=digest).exists():
            raise refused from exc
        raise
    figures_changed(circle.program_id)
    return answer


# --- telling members a period has opened --------------------------------------------------------


def pulse_open_notify(*, now: dt.datetime) -> int:
    """Tell each current member (and the lead) of every circle in an active program whose pulse
    runs that the period open today (in the circle's time zone) takes answers: once per circle,
    period and member (the notice's key), so running this every hour tells nobody twice, and
    someone who joins a circle mid-period is told at the next run. Returns how many were told.
    A fixed number of queries, plus one write per notice sent."""
    schedules = {
        s.program_id: s
        for s in PulseSchedule.objects.filter(
            active=True,
            starts_on__lte=now.astimezone(dt.UTC).date() + dt.timedelta(days=1),
            program__status=Program.Status.ACTIVE,
        )
    }
    if not schedules:
        return 0
    circles = list(
        Circle.objects.filter(program_id__in=list(schedules))
        .select_related("lead__user")
        .order_by("pk")
    )
    due: list[tuple[Circle, Member, dt.date, str]] = []
    people = _circle_people(circles)
    for circle in circles:
        schedule = schedules[circle.program_id]
        start = schedule.period_start(now.astimezone(ZoneInfo(circle.time_zone)).date())
        if start is None:
            continue
        for member in people.get(circle.pk, []):
            key = f"pulse-open:{circle.pk}:{start.isoformat()}:{member.pk}"
            due.append((circle, member, schedule.period_end(start), key))
    told_before = set(
        Notice.objects.filter(
            kind=NoticeKind.PULSE_OPEN, key__in=[key for *_, key in due]
        ).values_list("member_id", "key")
    )
    told = 0
    for circle, member, end, key in due:
        if (member.pk, key) in told_before:
            continue
        sent = notice_send(
            member=member,
            kind=NoticeKind.PULSE_OPEN,
            title=f"{circle.name}'s pulse check is open until {_day(end)}",
            body="Five quick statements on how the circle works together, answered "
            "anonymously. Results show once at least three members have answered.",
            url=reverse("insights:pulse_answer", args=[circle.pk]),
            key=key,
            now=now,
        )
        told += sent is not None
    return told


def _circle_people(circles: list[Circle]) -> dict[int, list[Member]]:
    """Each circle's current members and its lead, in one query for all circles."""
    found: dict[int, dict[int, Member]] = {}
    memberships = CircleMembership.objects.filter(
        circle__in=circles, left_on__isnull=True
    ).select_related("member__user")
    for membership in memberships:
        found.setdefault(membership.circle_id, {})[membership.member_id] = membership.member
    for circle in circles:
        if circle.lead is not None:
            found.setdefault(circle.pk, {})[circle.lead.pk] = circle.lead
    return {pk: list(members.values()) for pk, members in found.items()}
