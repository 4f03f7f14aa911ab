"""Who runs each meeting when a circle rotates the role: setting the rotation (its mode and turn
order), dealing turns to the coming meetings, volunteering and stepping back.

In order, each coming meeting gets the next person. Volunteers first, members take a meeting
themselves; one still without a runner `volunteer_days` before it (or before its reminder goes
out, whichever is earlier) gets the next person in order. A meeting keeps its runner when the
schedule adds meetings; the turns of someone who left pass on to the people after them. Turning
the rotation off clears the runners of coming meetings only: those of meetings held stay, as the
circle's history. `rotation_assign` is idempotent and runs whenever the series is brought in line
(the worker's roll forward, every quarter of an hour), so turns are dealt without anyone
clicking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle, CircleMembership
from roundtable.core.errors import DomainError
from roundtable.core.validation import full_clean_or_raise
from roundtable.meetings.models import Meeting, MeetingRotation
from roundtable.meetings.selectors import circle_schedule, rotation_deadline
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

__all__ = [
    "NOTICE_AHEAD",
    "meeting_step_back",
    "meeting_volunteer",
    "rotation_assign",
    "rotation_people",
    "rotation_reorder",
    "rotation_set",
]

# The person down to run a meeting hears about it this long before (or at once, if nearer).
NOTICE_AHEAD = dt.timedelta(days=7)

Mode = MeetingRotation.Mode


def rotation_people(*, circle: Circle) -> list[int]:
    """The ids of who takes turns: the circle's current, active members, in the order they
    joined."""
    return list(
        CircleMembership.objects.filter(circle=circle, left_on__isnull=True, member__is_active=True)
        .order_by("joined_on", "id")
        .values_list("member_id", flat=True)
    )


def _next_present(order: Sequence[int], start: int, present: set[int]) -> int | None:
    """The first person of `order`, from position `start` round, who is still in the circle."""
    for step in range(len(order)):
        person = order[(start + step) % len(order)]
        if person in present:
            return person
    return None


def _upcoming(circle: Circle, now: dt.datetime) -> list[Meeting]:
    return list(
        Meeting.objects.select_for_update()
        .filter(circle=circle, status=Meeting.Status.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at", "pk")
    )


def _deal(
    rotation: MeetingRotation,
    *,
    now: dt.datetime,
    skip: dict[int, int] | None = None,
) -> list[Meeting]:
    """Bring the order in line with the circle and give every coming meeting that needs one a
    runner. `skip` maps a meeting to a person who must not get it (they just stepped back).
    Returns the meetings whose runner changed. The rotation is saved."""
    circle = rotation.circle
    people = rotation_people(circle=circle)
    present = set(people)
    old_order = [int(p) for p in rotation.order]
    order = [p for p in old_order if p in present] + [p for p in people if p not in old_order]
    upcoming = _upcoming(circle, now)
    ids = {m.pk for m in upcoming}
    volunteered = {int(pk) for pk in rotation.volunteered if int(pk) in ids}
    changed: list[Meeting] = []
    index = 0
    if order:
        first = _next_present(old_order, rotation.next_index, present) if old_order else None
        index = order.index(first) if first is not None else 0
    deadline = rotation_deadline(rotation=rotation, schedule=circle_schedule(circle=circle))
    redealing = False
    for meeting in upcoming:
        runner_stays = meeting.runner_id in present
        if meeting.pk in volunteered:
            if runner_stays:
                continue
            volunteered.discard(meeting.pk)  # the volunteer left the circle
        elif runner_stays and not redealing:
            continue
        elif meeting.runner_id is not None and not runner_stays and not redealing:
            # Someone who left: from here on the turns pass to the people after them.
            redealing = True
            if meeting.runner_id in old_order and order:
                after = old_order.index(meeting.runner_id) + 1
                successor = _next_present(old_order, after, present)
                index = order.index(successor) if successor is not None else index
        runner: int | None = None
        waits = rotation.mode == Mode.VOLUNTEERS_FIRST and meeting.starts_at - now > deadline
        if order and not waits:
            runner = order[index % len(order)]
            if skip and skip.get(meeting.pk) == runner and len(order) > 1:
                index += 1
                runner = order[index % len(order)]
            index += 1
        if meeting.runner_id != runner:
            meeting.runner_id = runner
            meeting.save(update_fields=["runner", "updated_at"])
            changed.append(meeting)
    rotation.order = order
    rotation.next_index = index % len(order) if order else 0
    rotation.volunteered = sorted(volunteered)
    rotation.save()
    _runners_tell(circle=circle, meetings=upcoming, volunteered=volunteered, now=now)
    return changed


def _runners_tell(
    *, circle: Circle, meetings: list[Meeting], volunteered: set[int], now: dt.datetime
) -> None:
    """Tell each person dealt a meeting in the coming week that it is theirs to run (once per
    meeting and person; a volunteer chose it and needs no telling)."""
    due = [
        m
        for m in meetings
        if m.runner_id and m.pk not in volunteered and m.starts_at - now <= NOTICE_AHEAD
    ]
    if not due:
        return
    runners = Member.objects.select_related("user").in_bulk({m.runner_id for m in due})
    zone = ZoneInfo(circle.time_zone)
    for meeting in due:
        runner = runners[meeting.runner_id]
        notice_send(
            member=runner,
            kind=NoticeKind.MEETING_RUNNER,
            title=f"You run {circle.name}'s meeting on "
            f"{timezone.localtime(meeting.starts_at, zone):%A %-d %B at %H:%M}",
            url=reverse("meetings:detail", args=[meeting.pk]),
            key=f"meeting-{meeting.pk}-member-{runner.pk}",
            now=now,
        )


def _rotation_locked(circle: Circle) -> MeetingRotation:
    MeetingRotation.objects.get_or_create(circle=circle)
    return MeetingRotation.objects.select_for_update().select_related("circle").get(circle=circle)


def _clear_coming(rotation: MeetingRotation, *, now: dt.datetime, keep_volunteers: bool) -> None:
    """The runners of meetings not yet started go (those of meetings held stay: history)."""
    coming = Meeting.objects.filter(circle=rotation.circle, starts_at__gte=now)
    if keep_volunteers:
        coming = coming.exclude(pk__in=[int(pk) for pk in rotation.volunteered])
    else:
        rotation.volunteered = []
    coming.exclude(runner=None).update(runner=None, updated_at=now)


@transaction.atomic
def rotation_set(
    *,
    circle: Circle,
    mode: str,
    volunteer_days: int = 3,
    order: Sequence[int] | None = None,
    now: dt.datetime | None = None,
) -> MeetingRotation:
    """Turn the rotation on (in order, or volunteers first), change it, or turn it off. A new
    mode or order deals the coming meetings again from the top of the order (volunteers keep
    theirs); off clears the runners of coming meetings and the lead runs them."""
    now = now or timezone.now()
    if mode not in Mode.values:
        raise DomainError("Choose how the role rotates.", field="mode")
    Circle.objects.select_for_update().filter(pk=circle.pk).first()  # one change at a time
    rotation = _rotation_locked(circle)
    people = rotation_people(circle=circle)
    if order is not None:
        chosen = [int(p) for p in order]
        if len(set(chosen)) != len(chosen) or set(chosen) != set(people):
            raise DomainError(
                "The order must name everyone in the circle once; someone joined or left "
                "meanwhile, so check the order again.",
                field="order",
            )
    else:
        chosen = [int(p) for p in rotation.order]
    previous = (rotation.mode, list(rotation.order))
    rotation.mode = mode
    rotation.volunteer_days = volunteer_days
    rotation.order = chosen
    full_clean_or_raise(rotation)
    if mode == Mode.OFF:
        _clear_coming(rotation, now=now, keep_volunteers=False)
        rotation.save()
        return rotation
    if previous != (mode, chosen):
        _clear_coming(rotation, now=now, keep_volunteers=mode == Mode.VOLUNTEERS_FIRST)
        rotation.next_index = 0
    _deal(rotation, now=now)
    return rotation


def rotation_reorder(
    *, circle: Circle, order: Sequence[int], now: dt.datetime | None = None
) -> MeetingRotation:
    """A new turn order; the coming meetings are dealt again from its top."""
    rotation = MeetingRotation.objects.filter(circle=circle).first()
    if rotation is None or not rotation.is_on:
        raise DomainError("Turn the rotation on before ordering it.")
    return rotation_set(
        circle=circle, mode=rotation.mode, volunteer_days=rotation.volunteer_days, order=order,
        now=now,
    )  # fmt: skip


def rotation_assign(*, circle: Circle, now: dt.datetime | None = None) -> list[Meeting]:
    """Deal the turns the circle's coming meetings need (new meetings, meetings of someone who
    left, meetings nobody volunteered for in time). Idempotent; nothing when the rotation is
    off. Returns the meetings whose runner changed."""
    now = now or timezone.now()
    if not MeetingRotation.objects.filter(circle=circle).exclude(mode=Mode.OFF).exists():
        return []
    with transaction.atomic():
        rotation = (
            MeetingRotation.objects.select_for_update().select_related("circle").get(circle=circle)
        )
        return _deal(rotation, now=now)


def _volunteer_check(meeting: Meeting, now: dt.datetime) -> MeetingRotation:
    rotation = MeetingRotation.objects.select_for_update().filter(circle=meeting.circle).first()
    if rotation is None or rotation.mode != Mode.VOLUNTEERS_FIRST:
        raise DomainError(
            "This circle does not take volunteers to run meetings; the lead or the turn order "
            "decides."
        )
    if meeting.is_cancelled:
        raise DomainError("This meeting is cancelled.")
    if meeting.starts_at < now:
        raise DomainError("This meeting has already started.")
    rotation.circle = meeting.circle
    return rotation


@transaction.atomic
def meeting_volunteer(
    *, meeting: Meeting, member: Member, now: dt.datetime | None = None
) -> Meeting:
    """`member` runs this coming meeting; nobody else is down for it yet."""
    now = now or timezone.now()
    rotation = _volunteer_check(meeting, now)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if member.pk not in rotation_people(circle=rotation.circle):
        raise DomainError("Only the circle's members run its meetings.")
    if meeting.runner_id == member.pk:
        raise DomainError("You are already down to run this meeting.")
    if meeting.runner_id is not None:
        raise DomainError("Someone is already down to run this meeting.")
    meeting.runner = member
    meeting.save(update_fields=["runner", "updated_at"])
    rotation.volunteered = sorted({*map(int, rotation.volunteered), meeting.pk})
    rotation.save(update_fields=["volunteered", "updated_at"])
    return meeting


@transaction.atomic
def meeting_step_back(
    *, meeting: Meeting, member: Member, now: dt.datetime | None = None
) -> Meeting:
    """`member` no longer runs this coming meeting. It is open to volunteers again, or, this
    close to it, goes to the next person in order (never straight back to them)."""
    now = now or timezone.now()
    rotation = _volunteer_check(meeting, now)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.runner_id != member.pk:
        raise DomainError("You are not down to run this meeting.")
    meeting.runner = None
    meeting.save(update_fields=["runner", "updated_at"])
    rotation.volunteered = [pk for pk in map(int, rotation.volunteered) if pk != meeting.pk]
    _deal(rotation, now=now, skip={meeting.pk: member.pk})
    meeting.refresh_from_db(fields=["runner"])
    return meeting
