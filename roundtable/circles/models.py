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
        default=True,
        help_text="Meeting feedback is given without names. A change applies only to feedback "
        "given afterwards: what was given anonymously stays anonymous.",
    )
    feedback_setting_changed_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When `feedback_anonymous` last changed; empty if it never has.",
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


class PairRule(TimeStampedModel):
    """Two members a coordinator asks circle formation to keep apart (close friends who
    asked, say) or together. Managers and their direct reports are kept apart without one."""

    class Kind(models.TextChoices):
        APART = "apart", "Keep apart"
        TOGETHER = "together", "Keep together"

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="pair_rules"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.UniqueConstraint("program", "first", "second", name="pair_rule_unique"),
            models.CheckConstraint(
                condition=~models.Q(first=models.F("second")), name="pair_rule_two_people"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["apart", "together"]), name="pair_rule_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} and {self.second}: {self.get_kind_display().lower()}"


class FormationRun(TimeStampedModel):
    """One proposal of circles for a program: the criteria chosen, the engine's result and the
    coordinator's edits (moves, pins) until it is published or discarded."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Forming circles"
        READY = "ready", "Ready to review"
        FAILED = "failed", "Could not form circles"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="formation_runs"
    )
    created_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    settings = models.JSONField(default=dict)  # criteria, weights, sizes, options
    progress = models.FloatField(default=0.0)
    problems = models.JSONField(default=list)  # why it failed, one plain sentence each
    proposal = models.JSONField(default=dict)  # circles, balance, constraints (see services)
    assignment = models.JSONField(default=dict)  # member id (str) -> circle key
    pinned = models.JSONField(default=list)  # member ids the coordinator pinned
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["queued", "running", "ready", "failed", "published", "discarded"]
                ),
                name="formation_run_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Circles for {self.program} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING, self.Status.READY}
