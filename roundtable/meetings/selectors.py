"""Reads for meetings: permission-scoped getters for a meeting and its children, what the meeting
page shows, feeds, and the circle's and member's history as plain data for templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.meetings.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Feedback,
    FeedbackReceipt,
    Meeting,
    MeetingRotation,
    NotesRevision,
    Rsvp,
    Schedule,
)
from roundtable.orgs.models import Member
from roundtable.programs.models import Program
from roundtable.timeslots import WeeklySlot
from roundtable.timeslots.common import MemberAvailability, SlotCandidate, find_common_slots

# --- permission-scoped getters: a meeting and its children ---------------------------------


def meeting_get_for_user(*, user: Any, pk: int) -> Meeting:
    """The meeting with its circle, program and organisation: what the policy needs, and no
    children (agenda, attendance): checking access costs the same however full the meeting is.
    The page reads its children with `meeting_agenda` and `meeting_roster`."""
    return object_get_or_404(
        Meeting.objects.select_related(
            "circle__program__organization", "circle__lead__user", "schedule", "runner__user"
        ),
        pk=pk,
        can=lambda meeting: permissions.can_view_circle(user, meeting.circle),
        message="No such meeting.",
    )


def agenda_item_get_for_user(*, user: Any, meeting: Meeting, pk: int) -> AgendaItem:
    """One agenda item of a meeting the user may see (Http404 otherwise)."""
    return object_get_or_404(
        AgendaItem.objects.select_related("meeting", "added_by__user"),
        meeting=meeting,
        pk=pk,
        can=lambda item: permissions.can_view_circle(user, meeting.circle),
        message="No such agenda item.",
    )


def attendee_get_for_user(*, user: Any, meeting: Meeting, pk: int) -> Member:
    """A member of the meeting's organisation whose attendance may be recorded, for a user who may
    see the meeting; whether they are in the circle is the attendance service's rule."""
    return object_get_or_404(
        Member.objects.select_related("user"),
        organization_id=meeting.circle.program.organization_id,
        pk=pk,
        can=lambda member: permissions.can_view_circle(user, meeting.circle),
        message="No such member.",
    )


def schedule_get_for_user(*, user: Any, circle: Circle) -> Schedule:
    """The circle's schedule; Http404 when it has none or the user may not see the circle."""
    return object_get_or_404(
        Schedule.objects.select_related("circle"),
        circle=circle,
        can=lambda schedule: permissions.can_view_circle(user, circle),
        message="This circle has no schedule yet.",
    )


def circle_schedule(*, circle: Circle) -> Schedule | None:
    """The circle's schedule, or None before one is set."""
    return Schedule.objects.filter(circle=circle).first()


def calendar_feed_url(*, member: Member) -> str | None:
    """The member's secret subscription URL, or None before they made one."""
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is None:
        return None
    return settings.SITE_URL + reverse("meetings:feed", args=[feed.token])


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed:
    """The feed a secret link names, re-checked at every use: Http404 once it was reset, or the
    member or their account is no longer active."""
    return object_get_or_404(
        CalendarFeed.objects.select_related("member__user"),
        token=token,
        member__is_active=True,
        member__user__is_active=True,
        message="This calendar link was reset or never existed.",
    )


# --- the meeting page ------------------------------------------------------------------------


def meeting_roster(*, meeting: Meeting) -> list[tuple[Member, Attendance | None]]:
    """Who was in the circle on the meeting's day, by name, with their attendance if recorded."""
    day = timezone.localdate(meeting.starts_at)
    memberships = (
        meeting.circle.memberships.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .select_related("member__user")
        .order_by("member__user__full_name")
    )
    marks = {a.member_id: a for a in meeting.attendance.all()}  # one query
    return [(m.member, marks.get(m.member_id)) for m in memberships]


def meeting_agenda(*, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in its order, with who added each item."""
    return list(meeting.agenda_items.select_related("added_by__user").order_by("position", "id"))


NOTES_HISTORY_SHOWN = 20


def meeting_notes_history(*, meeting: Meeting) -> list[NotesRevision]:
    """The latest saves of the notes, newest first: who saved them and when."""
    return list(
        meeting.notes_revisions.select_related("author__user").order_by("-version")[
            :NOTES_HISTORY_SHOWN
        ]
    )


def meeting_feedback(*, meeting: Meeting) -> list[Feedback]:
    """By day given, then in no meaningful order (random keys): never the order of giving."""
    return list(meeting.feedback.select_related("member__user").order_by("given_on", "pk"))


def feedback_given_anonymously(*, meeting: Meeting, member: Member) -> bool:
    """Whether `member` holds a receipt for anonymous feedback on `meeting` (only they can ask:
    it takes their id; nothing lists who holds one)."""
    digest = FeedbackReceipt.digest_for(meeting_id=meeting.pk, member_id=member.pk)
    return FeedbackReceipt.objects.filter(digest=digest).exists()


def meeting_replies(*, meeting: Meeting) -> dict[int, str]:
    """Each member's RSVP to the meeting, by member id."""
    return dict(meeting.rsvps.values_list("member_id", "response"))


DEFAULT_AGENDA = (
    ("Check-in", "How is everyone doing; wins since last time."),
    ("Problem of the week", "The common problem the circle attacks today."),
    ("Critique round", "Ideas proposed; reasoned arguments for and against."),
    ("Commitments", "What each person will try, by a date they choose."),
)


def agenda_template_get(*, program: Program) -> list[tuple[str, str]]:
    """The steps every meeting of the program follows: the program's own, or the default."""
    sections = [(s.title, s.description) for s in program.agenda_sections.all()]
    return sections or list(DEFAULT_AGENDA)


# --- lists and feeds -------------------------------------------------------------------------


def circle_upcoming_meetings(*, circle: Circle, now: dt.datetime | None = None, limit: int = 6
) -> QuerySet[Meeting]:  # fmt: skip
    now = now or timezone.now()
    return (
        circle.meetings.filter(starts_at__gte=now - dt.timedelta(hours=3))
        .select_related("runner__user")
        .annotate(item_count=Count("agenda_items"))
        .order_by("starts_at")[:limit]
    )


def circle_meetings(*, circle: Circle, after: dt.datetime | None = None) -> QuerySet[Meeting]:
    """All the circle's meetings, oldest first; `after` keeps those starting from that instant."""
    meetings = circle.meetings.select_related("circle").order_by("starts_at")
    if after is not None:
        meetings = meetings.filter(starts_at__gte=after)
    return meetings


FEED_PAST = dt.timedelta(days=92)


def meetings_for_member_feed(
    *, member: Member, now: dt.datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings of the circles a member is in now: the last three months and all ahead."""
    now = now or timezone.now()
    circle_ids = member.circle_memberships.filter(left_on__isnull=True).values("circle_id")
    return (
        Meeting.objects.filter(circle_id__in=circle_ids, starts_at__gte=now - FEED_PAST)
        .select_related("circle__program")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


def upcoming_meetings_for_user(*, user: Any, limit: int = 5) -> Sequence[Meeting]:
    """The next meetings of the circles the user is in, soonest first (for the home page)."""
    ids = [m.pk for m in permissions.memberships(user).values()]
    meetings = list(
        Meeting.objects.filter(
            circle__memberships__member_id__in=ids,
            circle__memberships__left_on__isnull=True,
            starts_at__gte=timezone.now() - dt.timedelta(hours=1),
        )
        .select_related("circle__program")
        .annotate(item_count=Count("agenda_items", distinct=True))
        .distinct()
        .order_by("starts_at")[:limit]
    )
    replies = dict(
        Rsvp.objects.filter(meeting__in=meetings, member_id__in=ids).values_list(
            "meeting_id", "response"
        )
    )
    for meeting in meetings:
        meeting.my_reply = replies.get(meeting.pk)  # type: ignore[attr-defined]
    return meetings


def circle_slot_suggestions(
    *, circle: Circle, duration_minutes: int = 60, start_date: dt.date | None = None, limit: int = 5
) -> list[SlotCandidate]:
    """The weekly times that suit most current members, from their own availability."""
    memberships = circle.memberships.filter(left_on__isnull=True).select_related("member__user")
    members = [m.member for m in memberships.prefetch_related("member__availability")]
    names = {m.pk: m.name for m in members}
    availability = [
        MemberAvailability(
            member_id=m.pk,
            time_zone=m.time_zone,
            slots=tuple(
                WeeklySlot.from_times(s.weekday, s.start_time, s.end_time)
                for s in m.availability.all()
            ),
        )
        for m in members
    ]
    ranked = find_common_slots(
        availability,
        time_zone=circle.time_zone,
        duration_minutes=duration_minutes,
        start_date=start_date or timezone.localdate(),
        end_date=circle.program.end_date,
        limit=limit,
    )
    return [
        SlotCandidate(
            weekday=c.weekday,
            start=c.start,
            duration_minutes=c.duration_minutes,
            time_zone=c.time_zone,
            occurrences=c.occurrences,
            attendees=tuple(names[i] for i in c.attendees),  # type: ignore[index]
            unavailable=tuple(names[i] for i in c.unavailable),  # type: ignore[index]
            missed=tuple((names[i], k) for i, k in c.missed),  # type: ignore[index]
        )
        for c in ranked
        if c.attendees
    ]


# --- who runs each meeting (the rotating lead) ------------------------------------------------


@dataclass(frozen=True)
class RunnerLine:
    """Who runs a meeting, as pages and emails say it."""

    name: str  # empty when nobody can be named
    how: str  # "rotation", "volunteered", "lead" or "open" (rotating, nobody down for it yet)

    def describe(self) -> str:
        if self.how == "open":
            return "Nobody is down to run it yet: it is open to volunteers"
        if not self.name:
            return ""
        if self.how == "lead":
            return f"Run by the lead, {self.name}"
        return f"Run by {self.name} ({'volunteered' if self.how == 'volunteered' else 'rotation'})"


def circle_rotation(*, circle: Circle) -> MeetingRotation | None:
    """The circle's rotation, or None if it never had one (the lead runs every meeting)."""
    return MeetingRotation.objects.filter(circle=circle).first()


def meeting_runner_line(*, meeting: Meeting, rotation: MeetingRotation | None) -> RunnerLine:
    """Who runs `meeting` (loaded with `runner__user` and `circle__lead__user`); `rotation` is
    the circle's when it is on, else None."""
    if meeting.runner_id is not None and meeting.runner is not None:
        volunteered = rotation is not None and meeting.pk in {int(p) for p in rotation.volunteered}
        return RunnerLine(meeting.runner.name, "volunteered" if volunteered else "rotation")
    if rotation is not None and not meeting.is_cancelled and meeting.starts_at > timezone.now():
        return RunnerLine("", "open")
    lead = meeting.circle.lead
    return RunnerLine(lead.name if lead else "", "lead")


@dataclass(frozen=True)
class RotationOverview:
    rotation: MeetingRotation  # unsaved (off) when the circle never had one
    people: list[Member]  # in turn order: those who left skipped, newcomers at the end
    next_up: Member | None  # whose turn comes next
    upcoming: list[Meeting]  # coming meetings, with `runner_line` and `volunteered` set
    open_for: dt.timedelta | None  # volunteers first: how long before a meeting it is dealt


ROTATION_MEETINGS_SHOWN = 8
# A runner is dealt at least this long before the meeting's reminder is due, so the reminder
# names them although turns are dealt every quarter of an hour.
BEFORE_REMINDER = dt.timedelta(hours=1)


def rotation_deadline(*, rotation: MeetingRotation, schedule: Schedule | None) -> dt.timedelta:
    """Volunteers first: how long before a meeting nobody volunteered for the next person in
    order gets it (`volunteer_days`, or earlier so that the reminder names them)."""
    lead_hours = schedule.reminder_lead_hours if schedule else 24
    return max(
        dt.timedelta(days=rotation.volunteer_days),
        dt.timedelta(hours=lead_hours) + BEFORE_REMINDER,
    )


def rotation_overview(*, circle: Circle, now: dt.datetime | None = None) -> RotationOverview:
    """The rotation page: the turn order, whose turn is next and who runs the coming meetings
    (a fixed number of queries whatever the size of the circle)."""
    now = now or timezone.now()
    rotation = circle_rotation(circle=circle) or MeetingRotation(circle=circle)
    members = list(
        Member.objects.filter(
            circle_memberships__circle=circle,
            circle_memberships__left_on__isnull=True,
            is_active=True,
        )
        .select_related("user")
        .order_by("circle_memberships__joined_on", "circle_memberships__id")
    )
    by_id = {m.pk: m for m in members}
    stored = [int(p) for p in rotation.order]
    order = [by_id[p] for p in stored if p in by_id] + [m for m in members if m.pk not in stored]
    next_up = None
    if rotation.is_on and order:
        ahead = stored[rotation.next_index :] + stored[: rotation.next_index]
        next_up = next((by_id[p] for p in ahead if p in by_id), order[0])
    volunteered = {int(p) for p in rotation.volunteered}
    upcoming = list(
        circle.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gte=now)
        .select_related("runner__user", "circle__lead__user")
        .order_by("starts_at")[:ROTATION_MEETINGS_SHOWN]
    )
    for meeting in upcoming:
        meeting.runner_line = meeting_runner_line(  # type: ignore[attr-defined]
            meeting=meeting, rotation=rotation if rotation.is_on else None
        )
        meeting.volunteered = meeting.pk in volunteered  # type: ignore[attr-defined]
    open_for = None
    if rotation.mode == MeetingRotation.Mode.VOLUNTEERS_FIRST:
        open_for = rotation_deadline(rotation=rotation, schedule=circle_schedule(circle=circle))
    return RotationOverview(rotation, order, next_up, upcoming, open_for)
