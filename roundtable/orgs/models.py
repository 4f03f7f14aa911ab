"""Organisations and their members: role, job, tenure, skills, time zone and weekly availability."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from roundtable.core.models import TimeStampedModel
from roundtable.core.roles import Role
from roundtable.timeslots import WEEKDAY_NAMES


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(f"“{value}” is not a known time zone (use e.g. Europe/London).")


_TIME_ZONES: frozenset[str] | None = None


def available_time_zones() -> frozenset[str]:
    global _TIME_ZONES  # computed once: the set never changes at run time
    if _TIME_ZONES is None:
        _TIME_ZONES = frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return _TIME_ZONES


class Organization(TimeStampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A skill or an approach, shared within one organisation."""

    class Kind(models.TextChoices):
        SKILL = "skill", "Skill"
        APPROACH = "approach", "Approach"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                "organization", "kind", Lower("name"), name="tag_unique_per_org_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The member's own profile fields, set by the profile form, the services and the CSV import alike
# (the name lives on the account; tags, availability and the manager have their own steps).
PROFILE_FIELDS = (
    "role",
    "job_title",
    "department",
    "location",
    "hire_date",
    "years_experience",
    "time_zone",
)


class Member(TimeStampedModel):
    """A person in an organisation, with the profile peer programs are formed from."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    job_title = models.CharField("job role", max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    years_experience = models.DecimalField(
        "years of experience", max_digits=4, decimal_places=1, null=True, blank=True
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    skills = models.ManyToManyField(Tag, blank=True, related_name="skilled_members")
    approaches = models.ManyToManyField(Tag, blank=True, related_name="approach_members")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint("organization", "user", name="member_unique_per_org"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="member_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(years_experience__isnull=True)
                | models.Q(years_experience__gte=0, years_experience__lte=70),
                name="member_years_experience_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="member_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def tenure_years(self) -> float | None:
        if self.hire_date is None:
            return None
        return round((timezone.localdate() - self.hire_date).days / 365.25, 1)

    def clean(self) -> None:
        if self.manager_id is not None and self.manager_id == self.pk:
            raise ValidationError({"manager": "A member cannot be their own manager."})
        if self.manager is not None and self.manager.organization_id != self.organization_id:
            raise ValidationError({"manager": "The manager must belong to the same organisation."})
        if self.hire_date and self.hire_date > timezone.localdate():
            raise ValidationError({"hire_date": "The hire date cannot be in the future."})


class AvailabilitySlot(models.Model):
    """A weekly window in which a member can meet, in the member's own time zone."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=list(enumerate(WEEKDAY_NAMES)))
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="availability_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6),
                name="availability_weekday_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.end_time) - dt.datetime.combine(
            dt.date.min, self.start_time
        )


class MemberErasure(models.Model):
    """The log of one erasure of a member's personal data (`insights.services.erasure`): who
    erased, when, the member's key, the reason given and how many rows each rule removed or
    anonymised. It holds no personal data of the member: no name, email or text of theirs."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="erasures"
    )
    member_pk = models.PositiveBigIntegerField(help_text="The erased member's key.")
    erased_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erased_at = models.DateTimeField()
    reason = models.CharField(
        max_length=300, help_text="Why, in a few words; no personal data (no names)."
    )
    counts = models.JSONField(
        default=dict, help_text="What was removed or anonymised: {what: how many rows}."
    )

    class Meta:
        ordering = ["-erased_at", "-id"]
        constraints = [
            models.UniqueConstraint("organization", "member_pk", name="member_erased_once"),
        ]

    def __str__(self) -> str:
        return f"Erasure of member {self.member_pk} on {self.erased_at:%Y-%m-%d}"
