"""Notification rows: each email is a row with when it is due and when it was sent, claimed by
one worker at a time so it goes out exactly once; and each member's choice of what to receive."""

from __future__ import annotations

from django.db import models

from roundtable.core.models import TimeStampedModel


class Notification(TimeStampedModel):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Meeting reminder"
        CHANGE = "change", "Meeting moved or cancelled"
        WRAPUP = "wrapup", "Wrap-up for the lead"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="notifications"
    )
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="notifications"
    )
    # The meeting's SEQUENCE this notice is about: one change notice per change.
    meeting_sequence = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                "kind", "meeting", "member", "meeting_sequence", name="notification_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["reminder", "change", "wrapup"]),
                name="notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="notification_due",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.member} for {self.meeting}"


class NotificationPreference(TimeStampedModel):
    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminders = models.BooleanField(default=True, help_text="A reminder before each meeting.")
    changes = models.BooleanField(default=True, help_text="When a meeting moves or is cancelled.")
    wrapups = models.BooleanField(
        default=True, help_text="After a meeting you lead: attendance and notes."
    )

    def __str__(self) -> str:
        return f"Email choices of {self.member}"
