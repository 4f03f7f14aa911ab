"""The weekly email of at-risk flags: on Monday at 08:00 on their own clock, each coordinator and
sponsor of a running program who has not turned it off (`NotificationPreference.health_digest`)
gets one email listing, program by program, the circles flagged at risk with each flag's reason
and since when, and links to the circle and the dashboard. Nobody hears of a week without flags.

Like the commitments' weekly email, it is a Notification row (HEALTH_WEEKLY, one per person and
Monday: the database's unique constraint) that the notifications worker claims and sends once;
this module plans the rows and renders them (registered with notifications from this app's
ready(), since notifications may not import insights). The flags are worked out again when the
email goes out, so it says what is true that morning. What it holds is what the dashboard shows
its readers: counts and dates, never a pulse's answers or comments, nor anyone's private
notes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.services.nudges import weekly_due
from roundtable.insights.selectors.flags import Flag, circle_flags
from roundtable.notifications.models import Notification, NotificationPreference
from roundtable.notifications.registry import email_kind_register
from roundtable.orgs.models import Member
from roundtable.programs.models import Program

Kind = Notification.Kind
# Rows are planned once the person's Monday 08:00 is this close, so that whether they have
# anything to hear about is judged near the day (and judged again when the email goes out).
PLAN_AHEAD = dt.timedelta(hours=24)

MEMBER_GONE = "The member is no longer active."
TURNED_OFF = "Turned off by the member."
NOT_OVERSEEING = "They no longer coordinate or sponsor a running program."
NOTHING_FLAGGED = "No circle of their programs is flagged this week."


@dataclass(frozen=True)
class FlaggedCircle:
    circle: Circle
    flags: list[Flag]
    url: str  # the circle's health page, absolute


@dataclass(frozen=True)
class FlaggedProgram:
    program: Program
    circles: list[FlaggedCircle]
    dashboard_url: str  # absolute


def _overseers(member_ids: Collection[int] | None = None) -> dict[int, set[int]]:
    """Member id → the running programs they sponsor or coordinate (two queries)."""
    running = Program.objects.filter(status=Program.Status.ACTIVE)
    sponsored = running.values_list("sponsor_id", "pk")
    coordinated = Program.coordinators.through.objects.filter(
        program__status=Program.Status.ACTIVE
    ).values_list("member_id", "program_id")
    if member_ids is not None:
        sponsored = sponsored.filter(sponsor_id__in=member_ids)
        coordinated = coordinated.filter(member_id__in=member_ids)
    found: dict[int, set[int]] = defaultdict(set)
    for member_id, program_id in [*sponsored, *coordinated]:
        found[member_id].add(program_id)
    return found


def _flags_by_program(
    program_ids: Iterable[int], *, today: dt.date
) -> dict[int, list[tuple[Circle, list[Flag]]]]:
    """Each program's flagged circles, most serious first then by name (the flags' queries and
    one for the circles)."""
    circles = list(Circle.objects.filter(program_id__in=set(program_ids)).select_related("program"))
    flags = circle_flags([c.pk for c in circles], today=today)
    found: dict[int, list[tuple[Circle, list[Flag]]]] = defaultdict(list)
    for circle in circles:
        if circle.pk in flags:
            found[circle.program_id].append((circle, flags[circle.pk]))
    for flagged in found.values():
        flagged.sort(key=lambda pair: (min(f.rank for f in pair[1]), pair[0].name))
    return found


def _wants_digest() -> Q:
    """Everyone who has not turned the weekly email off (no choice yet: on)."""
    off = NotificationPreference.objects.filter(health_digest=False).values("member_id")
    return ~Q(pk__in=off)


def health_digest_plan(*, now: dt.datetime | None = None) -> int:
    """Plan next Monday's email for every active coordinator and sponsor of a running program
    who wants it, whose Monday 08:00 is within PLAN_AHEAD, and whose programs have a circle
    flagged now. Idempotent (one row per person and Monday). Returns how many rows were new."""
    now = now or timezone.now()
    overseers = _overseers()
    people = list(
        Member.objects.filter(pk__in=list(overseers), is_active=True, user__is_active=True)
        .filter(_wants_digest())
        .values_list("pk", "time_zone")
    )
    due: dict[int, tuple[dt.date, dt.datetime]] = {}
    for member_id, time_zone in people:
        monday, at = weekly_due(now=now, time_zone=time_zone)
        if at - now <= PLAN_AHEAD:
            due[member_id] = (monday, at)
    if not due:
        return 0
    flagged = _flags_by_program(
        {pk for member_id in due for pk in overseers[member_id]}, today=now.date()
    )
    rows = [
        Notification(kind=Kind.HEALTH_WEEKLY, member_id=member_id, digest_on=monday, due_at=at)
        for member_id, (monday, at) in due.items()
        if any(flagged.get(pk) for pk in overseers[member_id])
    ]
    planned = set(
        Notification.objects.filter(
            kind=Kind.HEALTH_WEEKLY, member_id__in=[row.member_id for row in rows]
        ).values_list("member_id", "digest_on")
    )
    new = [row for row in rows if (row.member_id, row.digest_on) not in planned]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def health_digest_programs(*, member: Member, today: dt.date) -> list[FlaggedProgram]:
    """What the member's email lists: each running program they sponsor or coordinate that has
    a flagged circle, with those circles, their flags and links."""
    program_ids = _overseers([member.pk]).get(member.pk, set())
    flagged = _flags_by_program(program_ids, today=today)
    programs = []
    for circles in flagged.values():
        program = circles[0][0].program
        programs.append(
            FlaggedProgram(
                program=program,
                circles=[
                    FlaggedCircle(
                        circle=circle,
                        flags=flags,
                        url=settings.SITE_URL + reverse("insights:circle_health", args=[circle.pk]),
                    )
                    for circle, flags in circles
                ],
                dashboard_url=settings.SITE_URL
                + reverse("insights:program_dashboard", args=[program.pk]),
            )
        )
    return sorted(programs, key=lambda p: p.program.name)


def _render(notification: Notification, now: dt.datetime) -> EmailMessage | str:
    member = notification.member
    if member is None or not (member.is_active and member.user.is_active):
        return MEMBER_GONE
    if NotificationPreference.objects.filter(member=member, health_digest=False).exists():
        return TURNED_OFF
    zone = ZoneInfo(member.time_zone)
    today = now.astimezone(zone).date()
    if not _overseers([member.pk]):
        return NOT_OVERSEEING
    programs = health_digest_programs(member=member, today=today)
    if not programs:
        return NOTHING_FLAGGED
    count = sum(len(p.circles) for p in programs)
    context = {
        "member": member,
        "programs": programs,
        "count": count,
        "monday": notification.digest_on,
        "preferences_url": settings.SITE_URL + reverse("orgs:profile") + "#health-emails",
    }
    with timezone.override(zone):
        text = render_to_string("insights/email/health_weekly.txt", context)
        html = render_to_string("insights/email/health_weekly.html", context)
    subject = f"{count} circle{'s' if count != 1 else ''} flagged at risk this week"
    message = EmailMultiAlternatives(subject=subject, body=text, to=[member.user.email])
    message.attach_alternative(html, "text/html")
    return message


def _sent(notification: Notification, now: dt.datetime) -> None:
    """Nothing to record: the row itself says it went out."""


def health_digest_register() -> None:
    """Hand notifications the renderer of the weekly email (from InsightsConfig.ready())."""
    email_kind_register(Kind.HEALTH_WEEKLY, render=_render, sent=_sent)
