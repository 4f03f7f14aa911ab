"""The commitments' in-app notices: the owner is told of a request and of the asker's answer;
the asker of the owner's; the people waiting (the owners of the commitments that wait on it, and
the asker) of a move, of it being done or dropped. They run inside the caller's transaction
(`notice_send` does), keyed by the activity row, so one event tells each person once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from roundtable.commitments.models import Activity, Commitment
from roundtable.commitments.times import due_local
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member


def commitment_url(commitment: Commitment) -> str:
    return reverse("commitments:detail", args=[commitment.pk])


def _due_text(commitment: Commitment) -> str:
    if commitment.due_at is None:
        return ""
    local = due_local(commitment.due_at, commitment.due_time_zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({commitment.due_time_zone})"


def _send(
    people: Iterable[Member | None],
    *,
    skip: int | None,
    kind: str,
    title: str,
    body: str,
    commitment: Commitment,
    key: str,
    now: dt.datetime,
) -> int:
    told, seen = 0, set()
    for member in people:
        if member is None or member.pk == skip or member.pk in seen:
            continue
        seen.add(member.pk)
        sent = notice_send(
            member=member,
            kind=kind,
            title=title,
            body=body,
            url=commitment_url(commitment),
            key=f"{key}:{member.pk}",
            now=now,
        )
        told += sent is not None
    return told


def commitment_asked(*, commitment: Commitment, asked_by: Member, now: dt.datetime) -> int:
    """Tell the owner someone asks them, and that the date is theirs to choose."""
    return _send(
        [commitment.owner],
        skip=asked_by.pk,
        kind=NoticeKind.COMMITMENT_ASKED,
        title=f"{asked_by} asks: “{commitment.title}”",
        body="When can you have it done? You choose the date, or say no, or propose "
        "something different.",
        commitment=commitment,
        key=f"asked:{commitment.pk}",
        now=now,
    )


def commitment_answered(*, commitment: Commitment, activity: Activity, now: dt.datetime) -> int:
    """Tell the asker what the owner answered: a date, a refusal or a counter-proposal."""
    owner = commitment.owner
    if activity.kind == Activity.Kind.DATED:
        title, body = f"{owner} will do “{commitment.title}”", f"By {_due_text(commitment)}."
    elif activity.kind == Activity.Kind.DECLINED:
        title, body = f"{owner} declined “{commitment.title}”", activity.text
    else:
        title = f"{owner} proposes something different for “{commitment.title}”"
        when = _due_text(commitment)
        body = activity.text + (f" By {when}." if when else "")
    return _send(
        [commitment.asked_by],
        skip=owner.pk,
        kind=NoticeKind.COMMITMENT_ANSWERED,
        title=title,
        body=body,
        commitment=commitment,
        key=f"activity:{activity.pk}",
        now=now,
    )


def commitment_reply_told(*, commitment: Commitment, activity: Activity, now: dt.datetime) -> int:
    """Tell the owner the asker accepted their counter-proposal, or replied to their answer."""
    asker = commitment.asked_by
    if activity.kind == Activity.Kind.ACCEPTED:
        title = f"{asker} accepted your proposal for “{commitment.title}”"
        body = (
            "When can you have it done? Choose the date."
            if activity.data.get("needs_date")
            else (f"It is on, by {_due_text(commitment)}.")
        )
        kind = NoticeKind.COMMITMENT_ANSWERED
    else:
        title, body = f"{asker} replied about “{commitment.title}”", activity.text
        kind = NoticeKind.COMMITMENT_ASKED
    return _send(
        [commitment.owner],
        skip=asker.pk if asker else None,
        kind=kind,
        title=title,
        body=body,
        commitment=commitment,
        key=f"activity:{activity.pk}",
        now=now,
    )


def waiting_people(commitment: Commitment) -> list[Member]:
    """Who waits on the commitment: the owners of the open or pending commitments that wait on
    it, and whoever asked for it."""
    owners = Member.objects.filter(
        commitments__waits_on=commitment,
        commitments__status__in=[
            Commitment.Status.OPEN,
            Commitment.Status.REQUESTED,
            Commitment.Status.COUNTERED,
        ],
    ).select_related("user")
    asker = [commitment.asked_by] if commitment.asked_by is not None else []
    return [*asker, *owners]


def commitment_changed(*, commitment: Commitment, activity: Activity, now: dt.datetime) -> int:
    """Tell the people waiting that its date moved (from, to and why), or that it is done or
    dropped."""
    owner = commitment.owner
    if activity.kind == Activity.Kind.MOVED:
        title = f"{owner} moved “{commitment.title}”"
        body = f"Now by {_due_text(commitment)}. Why: {activity.text}"
    elif activity.kind == Activity.Kind.DONE:
        title = f"{owner} finished “{commitment.title}”"
        body = " ".join(part for part in (commitment.done_note, commitment.done_link) if part)
    else:
        title, body = f"{owner} dropped “{commitment.title}”", f"Why: {activity.text}"
    return _send(
        waiting_people(commitment),
        skip=owner.pk,
        kind=NoticeKind.COMMITMENT_MOVED,
        title=title,
        body=body,
        commitment=commitment,
        key=f"activity:{activity.pk}",
        now=now,
    )
