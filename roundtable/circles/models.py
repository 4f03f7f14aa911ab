"""Circles (small peer groups in a program) and their membership history."""

from __future__ import annotations

from django.db import models

from roundtable.core.models import TimeStampedModel
from roundtable.orgs.models import validate_time_zone


class Circle(TimeStampedModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="circles"
    )
    name = models.CharField(max_length=120)
    lead = models.ForeignKey(
        "orgs.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_circles",
        help_text="The circle's peer leader (the role may rotate).",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    feedback_anonymous = models.BooleanField(
        default=True, help_text="Meeting feedback is shown without names."
    )

    class Meta:
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint("program", "name", name="circle_name_unique_per_program"),
        ]

    def __str__(self) -> str:
        return self.name


class CircleMembership(TimeStampedModel):
    """A member's time in a circle. Leaving sets `left_on`; rows are never deleted."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="circle_memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                "circle",
                "member",
                condition=models.Q(left_on__isnull=True),
                name="circle_membership_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="circle_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.circle}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None
