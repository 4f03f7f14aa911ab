"""Programs (peer-to-peer training programs or peer-led projects) and member enrolment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from roundtable.core.models import TimeStampedModel


class Program(TimeStampedModel):
    class Kind(models.TextChoices):
        TRAINING = "training", "Peer-to-peer training program"
        PROJECT = "project", "Peer-led project"

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TRAINING)
    purpose = models.TextField(help_text="The common problem or goal the circles work on.")
    sponsor = models.ForeignKey(
        "orgs.Member",
        on_delete=models.PROTECT,
        related_name="sponsored_programs",
        help_text="The person ultimately responsible for the program.",
    )
    coordinators = models.ManyToManyField(
        "orgs.Member", related_name="coordinated_programs", blank=True
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    target_circle_size = models.PositiveSmallIntegerField(
        default=5,
        validators=[
            MinValueValidator(2, "A circle needs at least 2 people."),
            MaxValueValidator(20, "Circles stay small: 20 people at most."),
        ],
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(target_circle_size__gte=2, target_circle_size__lte=20),
                name="program_circle_size_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "active", "ended"]),
                name="program_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence__in=["weekly", "biweekly", "monthly"]),
                name="program_cadence_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if (
            self.sponsor_id
            and self.organization_id
            and self.sponsor.organization_id != self.organization_id
        ):
            raise ValidationError({"sponsor": "The sponsor must belong to the organisation."})


class Enrolment(TimeStampedModel):
    """A member taking part in a program. Withdrawal is recorded, never deleted."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="enrolments")
    enrolled_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member__user__full_name"]
        constraints = [
            models.UniqueConstraint("program", "member", name="enrolment_unique"),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("enrolled_on")),
                name="enrolment_withdrawn_after_enrolled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.program}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None
