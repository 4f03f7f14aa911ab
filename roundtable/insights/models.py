"""Insights keeps no figures of its own (selectors compute them from meetings, ideas and
commitments); its only records are the pulse: a program's cadence, and anonymous answers with
one-time receipts.

A pulse answer carries its circle and the first day of its period, never a member, a time or an
insertion order (`random_id`). A `PulseReceipt` stops a second answer in the same period without
keeping who answered what: it holds `receipt_digest(f"pulse:{circle}:{period}", member)` alone
(see `roundtable.core.anonymity` for what that protects against and what it does not)."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from roundtable.core.anonymity import random_id, receipt_digest
from roundtable.core.models import TimeStampedModel

# What a pulse asks, in order: (field, statement). Each is answered on a 1-5 scale.
PULSE_STATEMENTS: tuple[tuple[str, str], ...] = (
    ("trust", "I can say what I really think in this circle."),
    ("clarity", "We are clear about what we are working on together."),
    ("participation", "Everyone takes part, not just a few voices."),
    ("usefulness", "Our meetings are worth the time they take."),
    ("progress", "We are making progress on problems that matter to us."),
)
PULSE_FIELDS: tuple[str, ...] = tuple(field for field, _ in PULSE_STATEMENTS)

# Results of a circle's period are shown only once at least this many members answered.
PULSE_MIN_ANSWERS = 3


class PulseSchedule(TimeStampedModel):
    """A program's pulse: whether it runs, and how often a new period opens (counted in whole
    weeks from `starts_on`, a Monday)."""

    class Cadence(models.IntegerChoices):
        FORTNIGHTLY = 2, "Every two weeks"
        MONTHLY = 4, "Every four weeks"
        BIMONTHLY = 8, "Every eight weeks"
        QUARTERLY = 13, "Every quarter (13 weeks)"

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="pulse_schedule"
    )
    active = models.BooleanField(default=True)
    every_weeks = models.PositiveSmallIntegerField(choices=Cadence.choices, default=Cadence.MONTHLY)
    starts_on = models.DateField(help_text="The Monday the first period begins.")

    def __str__(self) -> str:
        return f"Pulse of {self.program}: {self.get_every_weeks_display().lower()}"

    def period_start(self, day: dt.date) -> dt.date | None:
        """The first day of the period `day` falls in (None before the first period)."""
        if day < self.starts_on:
            return None
        length = 7 * self.every_weeks
        return self.starts_on + dt.timedelta(days=((day - self.starts_on).days // length) * length)

    def period_end(self, period_start: dt.date) -> dt.date:
        """The last day of the period that begins on `period_start`."""
        return period_start + dt.timedelta(days=7 * self.every_weeks - 1)


class PulseAnswer(models.Model):
    """One member's answers for one circle and period, with nothing that leads back to them."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="pulse_answers"
    )
    period_start = models.DateField()
    trust = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    clarity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    participation = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    progress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["circle", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    trust__gte=1,
                    trust__lte=5,
                    clarity__gte=1,
                    clarity__lte=5,
                    participation__gte=1,
                    participation__lte=5,
                    usefulness__gte=1,
                    usefulness__lte=5,
                    progress__gte=1,
                    progress__lte=5,
                ),
                name="pulse_answer_scale_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"A pulse answer for {self.circle_id} in the period of {self.period_start}"


class PulseReceipt(models.Model):
    """Proof that someone answered a circle's pulse in a period, never who: `digest` is
    `PulseReceipt.digest_for(circle_id=…, period_start=…, member_id=…)`. No member, no timestamp,
    a random key."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="pulse_receipts"
    )
    period_start = models.DateField()
    digest = models.CharField(max_length=64, unique=True)

    SCOPE = "pulse"

    def __str__(self) -> str:
        return f"A pulse receipt for {self.circle_id} in the period of {self.period_start}"

    @classmethod
    def digest_for(cls, *, circle_id: int, period_start: dt.date, member_id: int) -> str:
        return receipt_digest(f"{cls.SCOPE}:{circle_id}:{period_start.isoformat()}", member_id)
