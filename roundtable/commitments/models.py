"""Commitments: what someone will do, by a date only they choose.

A lead or a peer asks (a request has no date); the owner answers with a date, declines or proposes
something different, with a reason. Only the owner sets or moves the date, each move with a reason
(`DateChange`). A commitment can wait on others. A member's busy periods flag the commitments that
fall inside them. Past a program's thresholds the lead may escalate to the sponsor; the owner is
told first and has a period to add their side. Everything that happens is appended to `Activity`,
which the database refuses to update or delete.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from roundtable.core.models import TimeStampedModel


class CommitmentSettings(models.Model):
    """A program's escalation rules (defaults apply while a program has no row)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="commitment_settings"
    )
    overdue_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days overdue after which the lead may escalate."
    )
    moves = models.PositiveSmallIntegerField(
        default=3, help_text="Date changes after which the lead may escalate."
    )
    owner_period_days = models.PositiveSmallIntegerField(
        default=2,
        help_text="Working days the owner has to add their side before the sponsor sees it.",
    )

    class Meta:
        verbose_name_plural = "commitment settings"

    def __str__(self) -> str:
        return f"Commitment settings of {self.program}"


class Commitment(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked, waiting for an answer"
        COUNTERED = "countered", "Owner proposed something different"
        DECLINED = "declined", "Declined"
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="commitments"
    )
    owner = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="commitments")
    asked_by = models.ForeignKey(
        "orgs.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments_asked",
        help_text="Who asked for it; empty when the owner took it on by themselves.",
    )
    title = models.CharField("What", max_length=200)
    details = models.TextField(max_length=2000, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        help_text="The meeting it was made in, if any.",
    )
    trial = models.ForeignKey(
        "ideas.Trial",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        help_text="The idea's trial it serves, if any.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="The owner's chosen local date and time, as an instant."
    )
    due_time_zone = models.CharField(
        max_length=64, blank=True, help_text="The owner's time zone when they chose the date."
    )
    answer = models.TextField(
        max_length=2000,
        blank=True,
        help_text="The owner's reason for declining, or what they propose instead.",
    )
    done_note = models.TextField(max_length=2000, blank=True)
    done_link = models.URLField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    dropped_reason = models.TextField(max_length=2000, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    waits_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="waited_on_by",
        help_text="Commitments that must be done before this one can be.",
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "countered", "declined"])
                | Q(due_at__isnull=False),
                name="commitment_open_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="commitment_done_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="commitment_dropped_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="commitment_due")]

    def __str__(self) -> str:
        return self.title


class DateChange(models.Model):
    """The owner set or moved the date: the first answer (`from_due_at` empty) and every
    renegotiation after it, with its reason."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="date_changes"
    )
    from_due_at = models.DateTimeField(null=True, blank=True)
    to_due_at = models.DateTimeField()
    reason = models.TextField(max_length=1000, blank=True)
    busy_period = models.ForeignKey(
        "BusyPeriod", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_due_at__isnull=True) | ~Q(reason=""),
                name="date_move_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_due_at} → {self.to_due_at}"


class BusyPeriod(TimeStampedModel):
    """A stretch when a member has less room (a launch, a holiday season), in their own days."""

    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="busy_periods")
    label = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="busy_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Escalation(TimeStampedModel):
    """A lead took an overdue or often-moved commitment to the program's sponsor. The owner sees
    it first and may add their side until `owner_period_ends_at`; then it is in the sponsor's
    queue until they resolve it."""

    class Resolution(models.TextChoices):
        NEW_DATE = "new_date", "A new date was agreed"
        REASSIGNED = "reassigned", "Reassigned"
        DROPPED = "dropped", "Dropped"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="escalations")
    raised_by = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField()
    reason = models.TextField(max_length=2000)
    owner_period_ends_at = models.DateTimeField()
    owner_side = models.TextField(max_length=5000, blank=True)
    owner_side_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "commitment",
                condition=Q(resolved_at__isnull=True),
                name="one_unresolved_escalation",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="escalation_resolved_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation of {self.commitment}"


class Activity(models.Model):
    """One thing that happened to a commitment or its escalation: append-only. The database
    refuses UPDATE and DELETE on this table (triggers in the migrations), and the rows keep
    plain ids, not foreign keys that a deletion would cascade to: the record outlives what it
    describes."""

    class Kind(models.TextChoices):
        ASKED = "asked", "Asked"
        CREATED = "created", "Taken on"
        DATED = "dated", "Date chosen"
        DECLINED = "declined", "Declined"
        COUNTERED = "countered", "Proposed something different"
        ACCEPTED = "accepted", "Counter-proposal accepted"
        REPLIED = "replied", "Replied"
        MOVED = "moved", "Date moved"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"
        REMINDED = "reminded", "Reminder sent"
        NUDGED = "nudged", "Nudge sent"
        WAITING = "waiting", "Now waits on another"
        ESCALATED = "escalated", "Escalated"
        OWNER_SIDE = "owner_side", "Owner added their side"
        SPONSOR_COMMENT = "sponsor_comment", "Sponsor commented"
        RESOLVED = "resolved", "Escalation resolved"

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="activity",
    )
    escalation = models.ForeignKey(
        Escalation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="activity",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        "orgs.Member",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it; empty for what the system did (reminders, nudges).",
    )
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
