"""Writes for organisations and members. Every change to a member goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from roundtable.core.errors import DomainError
from roundtable.core.permissions import forget_memberships
from roundtable.core.validation import full_clean_or_raise
from roundtable.orgs.models import PROFILE_FIELDS, AvailabilitySlot, Member, Organization, Role, Tag
from roundtable.orgs.selectors import account_shared_elsewhere
from roundtable.timeslots import WeeklySlot, merge_weekly_slots


@transaction.atomic
def organization_create(*, name: str, time_zone: str = "UTC", slug: str = "") -> Organization:
    base = slug or slugify(name)[:50] or "organisation"
    candidate, n = base, 2
    while Organization.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    org = Organization(name=name.strip(), slug=candidate, time_zone=time_zone)
    full_clean_or_raise(org)
    org.save()
    return org


def tag_name_clean(raw: str) -> str:
    """A tag as stored: inner spaces collapsed, at most 60 characters."""
    return " ".join(raw.split())[:60]


def tags_by_name(*, organization: Organization, kind: str, names: Iterable[str]) -> dict[str, Tag]:
    """The tags named, keyed by their lower-cased name: existing ones matched ignoring case,
    the rest created in one insert (so a whole import costs two queries per kind)."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = tag_name_clean(raw)
        if name:
            wanted.setdefault(name.lower(), name)
    if not wanted:
        return {}
    found: dict[str, Tag] = {
        tag.name.lower(): tag
        for tag in Tag.objects.annotate(lower_name=Lower("name")).filter(
            organization=organization, kind=kind, lower_name__in=list(wanted)
        )
    }
    missing = [
        Tag(organization=organization, kind=kind, name=name)
        for key, name in wanted.items()
        if key not in found
    ]
    for tag in Tag.objects.bulk_create(missing):
        found[tag.name.lower()] = tag
    return found


def tags_resolve(*, organization: Organization, kind: str, names: Iterable[str]) -> list[Tag]:
    """Existing tags matched case-insensitively, new ones created; order kept, duplicates out."""
    names = list(names)
    found = tags_by_name(organization=organization, kind=kind, names=names)
    keys = dict.fromkeys(tag_name_clean(n).lower() for n in names if tag_name_clean(n))
    return [found[key] for key in keys]


@transaction.atomic
def member_create(
    *,
    organization: Organization,
    email: str,
    full_name: str,
    role: str = Role.MEMBER,
    password: str | None = None,
    job_title: str = "",
    department: str = "",
    location: str = "",
    hire_date: dt.date | None = None,
    years_experience: Decimal | float | None = None,
    time_zone: str | None = None,
    manager: Member | None = None,
    skills: Sequence[str] = (),
    approaches: Sequence[str] = (),
) -> Member:
    """Add a person to an organisation, creating their account when they have none. An existing
    account joins only with its owner's consent: callers are the acceptance of an invitation
    (accounts.services) and the demo and test seeding; imports and admins send invitations."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip()).lower()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model(email=email, full_name=full_name.strip())
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        full_clean_or_raise(user)
        user.save()
    elif Member.objects.filter(organization=organization, user=user).exists():
        raise DomainError(f"{email} is already a member of {organization}.", field="email")
    member = Member(
        organization=organization,
        user=user,
        role=role,
        job_title=job_title.strip(),
        department=department.strip(),
        location=location.strip(),
        hire_date=hire_date,
        years_experience=Decimal(str(years_experience)) if years_experience is not None else None,
        time_zone=time_zone or organization.time_zone,
        manager=manager,
    )
    full_clean_or_raise(member)
    member.save()
    # A new member has no tags yet: add what was given (set() would first read the empty list).
    if skills:
        member.skills.add(
            *tags_resolve(organization=organization, kind=Tag.Kind.SKILL, names=skills)
        )
    if approaches:
        member.approaches.add(
            *tags_resolve(organization=organization, kind=Tag.Kind.APPROACH, names=approaches)
        )
    forget_memberships(user)
    return member


@transaction.atomic
def member_update(
    *,
    member: Member,
    full_name: str | None = None,
    skills: Sequence[str] | None = None,
    approaches: Sequence[str] | None = None,
    by_self: bool = False,
    **fields: object,
) -> Member:
    """Change profile fields; only the names given are touched. The name is the account's: an
    organisation changes it only while the account is theirs alone (`by_self`: the person)."""
    allowed = {*PROFILE_FIELDS, "manager", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"Unknown member fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(member, name, value)
    if full_name is not None and full_name.strip() != member.user.full_name:
        if not by_self and account_shared_elsewhere(member=member):
            raise DomainError(
                f"{member.user.full_name}'s account is also in another organisation, so only "
                "they can change their name (on their own profile page).",
                field="full_name",
            )
        member.user.full_name = full_name.strip()
        full_clean_or_raise(member.user)
        member.user.save(update_fields=["full_name"])
    full_clean_or_raise(member)
    member.save()
    if skills is not None:
        member.skills.set(
            tags_resolve(organization=member.organization, kind=Tag.Kind.SKILL, names=skills)
        )
    if approaches is not None:
        member.approaches.set(
            tags_resolve(organization=member.organization, kind=Tag.Kind.APPROACH, names=approaches)
        )
    forget_memberships(member.user)
    return member


def availability_rows(*, member: Member, slots: Iterable[WeeklySlot]) -> list[AvailabilitySlot]:
    """A member's weekly windows as unsaved rows, overlapping or touching windows merged."""
    return [
        AvailabilitySlot(
            member=member, weekday=s.weekday, start_time=s.start_time, end_time=s.end_time
        )
        for s in merge_weekly_slots(slots)
    ]


@transaction.atomic
def member_set_availability(
    *, member: Member, slots: Sequence[tuple[int, dt.time, dt.time]]
) -> list[AvailabilitySlot]:
    """Replace a member's weekly availability; overlapping or touching windows are merged."""
    weekly = []
    for weekday, start, end in slots:
        if not 0 <= weekday <= 6:
            raise DomainError("The weekday must be between Monday and Sunday.")
        if end <= start:
            raise DomainError(
                f"A window must end after it starts ({start:%H:%M}–{end:%H:%M} does not)."
            )
        weekly.append(WeeklySlot.from_times(weekday, start, end))
    member.availability.all().delete()
    return AvailabilitySlot.objects.bulk_create(availability_rows(member=member, slots=weekly))
