"""Writes of the circle's mission, written together: members and the lead propose lines (and may
withdraw their own), the lead assembles a new version from the lines they choose, members
acknowledge the current version. Each refusal says why and changes nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from roundtable.circles.models import Circle, CircleMembership
from roundtable.core.errors import DomainError
from roundtable.leadership.models import Mission, MissionAcknowledgement, MissionLine
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

LINE_MAX = MissionLine._meta.get_field("text").max_length or 300
MISSION_MAX = 1500


def mission_url(circle: Circle) -> str:
    return reverse("leadership:mission", args=[circle.pk])


def _takes_part(circle: Circle, member: Member) -> bool:
    return (
        circle.lead_id == member.pk
        or CircleMembership.objects.filter(
            circle=circle, member=member, left_on__isnull=True
        ).exists()
    )


def _lock(circle: Circle) -> None:
    """Versions of one circle are numbered one after another: writers take turns."""
    Circle.objects.select_for_update(of=("self",)).filter(pk=circle.pk).first()


@transaction.atomic
def mission_line_propose(*, circle: Circle, author: Member, text: str) -> MissionLine:
    """A member or the lead proposes a line; the lead is told (unless they wrote it)."""
    text = " ".join(text.split())
    if not text:
        raise DomainError("Write the line you propose for the mission.", field="text")
    if len(text) > LINE_MAX:
        raise DomainError(
            f"Keep a line to {LINE_MAX} characters (this one has {len(text)}).", field="text"
        )
    if not _takes_part(circle, author):
        raise DomainError(f"Only the people in {circle.name} propose lines for its mission.")
    _lock(circle)
    if MissionLine.objects.filter(
        circle=circle, withdrawn_on__isnull=True, text__iexact=text
    ).exists():
        raise DomainError("That line is already proposed.", field="text")
    line = MissionLine(circle=circle, author=author, text=text)
    line.full_clean()
    line.save()
    lead = circle.lead
    if lead is not None and lead.pk != author.pk:
        notice_send(
            member=lead,
            kind=NoticeKind.MISSION_CHANGED,
            title=f"{author.name} proposed a line for the mission of {circle.name}",
            body=Truncator(text).chars(200),
            url=mission_url(circle),
            key=f"mission-line-{line.pk}",
        )
    return line


@transaction.atomic
def mission_line_withdraw(*, line: MissionLine, member: Member) -> MissionLine:
    """Its author takes a line back. Versions already assembled keep their text."""
    line = MissionLine.objects.select_for_update().get(pk=line.pk)
    if line.author_id != member.pk:
        raise DomainError("Only the person who proposed a line may withdraw it.")
    if line.withdrawn_on is not None:
        raise DomainError("You already withdrew that line.")
    line.withdrawn_on = timezone.localdate()
    line.save(update_fields=["withdrawn_on", "updated_at"])
    return line


@transaction.atomic
def mission_assemble(
    *,
    circle: Circle,
    assembled_by: Member,
    lines: Sequence[MissionLine],
    text: str,
    based_on: int | None,
) -> Mission:
    """A new version of the mission from the chosen lines, edited into its final text (the
    chosen lines as they are, one per line, when the text is left empty). `based_on` is the
    version the author saw as current (None: none yet): if someone assembled another version
    meanwhile, this one is refused so that nobody overwrites it unseen. The circle's members
    are told, the author excepted; each acknowledges the new version afresh."""
    _lock(circle)
    latest = Mission.objects.filter(circle=circle).aggregate(n=Max("number"))["n"]
    if latest != based_on:
        raise DomainError(
            f"Version {latest} of the mission was assembled while you were writing: "
            "read it, then assemble yours from there."
        )
    # Read again under the lock: a line withdrawn since the form was shown is not used.
    chosen = {line.pk for line in lines}
    lines = list(
        MissionLine.objects.filter(pk__in=chosen, circle=circle, withdrawn_on__isnull=True)
    )
    if len(lines) != len(chosen):
        raise DomainError("Choose among the lines proposed and not withdrawn.", field="lines")
    lines.sort(key=lambda line: (line.created_at, line.pk))
    text = "\n".join(part.strip() for part in text.strip().splitlines())
    if not text:
        text = "\n".join(line.text for line in lines)
    if not text:
        raise DomainError(
            "Choose the lines to put together, or write the mission's text.", field="text"
        )
    if len(text) > MISSION_MAX:
        raise DomainError(
            f"Keep the mission to {MISSION_MAX} characters (this has {len(text)}).", field="text"
        )
    if latest is not None:
        current = Mission.objects.get(circle=circle, number=latest)
        if current.text == text:
            raise DomainError(
                f"That is version {latest} word for word: change something to make a new one.",
                field="text",
            )
    mission = Mission(circle=circle, number=(latest or 0) + 1, text=text, assembled_by=assembled_by)
    mission.full_clean()
    mission.save()
    mission.lines.set(lines)
    members = Member.objects.filter(
        circle_memberships__circle=circle, circle_memberships__left_on__isnull=True
    ).select_related("user")
    for member in members.exclude(pk=assembled_by.pk).distinct():
        notice_send(
            member=member,
            kind=NoticeKind.MISSION_CHANGED,
            title=f"Version {mission.number} of the mission of {circle.name}: read and "
            "acknowledge it",
            url=mission_url(circle),
            key=f"mission-{mission.pk}",
        )
    return mission


@transaction.atomic
def mission_acknowledge(*, circle: Circle, member: Member, number: int) -> MissionAcknowledgement:
    """A member acknowledges version `number`, which must be the current one: a member who read
    an older version has not read what the circle now says."""
    if not _takes_part(circle, member):
        raise DomainError(f"Only the people in {circle.name} acknowledge its mission.")
    _lock(circle)
    current = Mission.objects.filter(circle=circle).order_by("-number").first()
    if current is None:
        raise DomainError(f"{circle.name} has no mission to acknowledge yet.")
    if number != current.number:
        raise DomainError(
            f"Version {number} is not the current mission: version {current.number} is. "
            "Read it, then acknowledge that one.",
            field="number",
        )
    if MissionAcknowledgement.objects.filter(mission=current, member=member).exists():
        raise DomainError(f"You already acknowledged version {current.number}.")
    try:
        with transaction.atomic():
            return MissionAcknowledgement.objects.create(
                mission=current, member=member, acknowledged_at=timezone.now()
            )
    except IntegrityError:
        raise DomainError(f"You already acknowledged version {current.number}.") from None
