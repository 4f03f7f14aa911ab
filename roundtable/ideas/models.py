"""Open critique: a common problem (challenge), the tactics proposed for it (ideas, with their
versions), reasoned arguments for and against (critiques), a temperature check, the decisions that
move an idea along and the trial that tests it.

Anonymity: in a circle whose ideas are anonymous, an idea or a critique is stored with no author,
no time finer than its day and a random key (no sequence records the order of writing). The
author keeps a capability (a random token in their browser; only its hash is stored here) that
lets them edit or withdraw it for 24 hours. Named contributions carry their author. Nothing in
these tables carries a time finer than a day for a contribution, named or not: a named row's
exact time next to an anonymous one would narrow down when, and so by whom, it was written.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from roundtable.core.models import TimeStampedModel

GUIDELINE_DEFAULT = (
    "Critique the idea, not the person. Say what you think and why: a claim and a reason, and "
    "evidence where you have it. Questions are welcome."
)


class CircleIdeaSettings(models.Model):
    """How a circle critiques: its guideline, shown where people write, and whether ideas and
    critiques are anonymous. A change of anonymity applies only to what is written afterwards."""

    circle = models.OneToOneField(
        "circles.Circle", on_delete=models.CASCADE, related_name="idea_settings"
    )
    guideline = models.TextField(max_length=1000, default=GUIDELINE_DEFAULT)
    anonymous = models.BooleanField(
        default=False,
        help_text="Ideas and critiques are written without names. Applies to what is written "
        "afterwards: what was written anonymously stays anonymous.",
    )
    anonymous_changed_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "circle idea settings"

    def __str__(self) -> str:
        return f"Idea settings of {self.circle}"


class Challenge(TimeStampedModel):
    """A common problem posed to one circle, or to a whole program (`circle` empty) so that
    several circles attack it, each from its own angle."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="challenges"
    )
    circle = models.ForeignKey(
        "circles.Circle",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="challenges",
        help_text="Empty: posed to every circle of the program.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000)
    context = models.TextField(
        max_length=5000, blank=True, help_text="Numbers, links, what has been tried (Markdown)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(max_length=5000, blank=True, help_text="Written when it closes.")
    closed_on = models.DateField(null=True, blank=True)
    posed_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_on__isnull=False),
                name="challenge_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_program_wide(self) -> bool:
        return self.circle_id is None


class Stage(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DISCUSSING = "discussing", "Discussing"
    TRIAL = "trial", "On trial"
    ADOPTED = "adopted", "Adopted"
    SET_ASIDE = "set_aside", "Set aside"


class Contribution(models.Model):
    """What ideas and critiques share: a random key, an author unless anonymous, the day only,
    the author's edit capability, and the lead's hiding with a reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    created_on = models.DateField()
    edit_key_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the anonymous author's edit capability."
    )
    withdrawn = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)


class Idea(Contribution):
    """A proposed tactic for a challenge, in one circle. Its text lives in versions; `version` is
    the current one's number. `origin`: the idea of another circle it was proposed from."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="ideas")
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="ideas")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    version = models.PositiveIntegerField(default=1)
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed_to"
    )
    results_revealed = models.BooleanField(
        default=True,
        help_text="Temperature check results show to the circle; the lead can hide them until "
        "they choose to reveal them, so that early votes do not anchor the rest.",
    )

    class Meta:
        ordering = ["created_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(author__isnull=True),
                name="idea_anonymous_has_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"Idea v{self.version} in {self.circle_id}"


class IdeaVersion(models.Model):
    """One wording of an idea; the author refines it, every version is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.CharField(max_length=200)
    how = models.TextField(max_length=5000, help_text="How it would work.")
    effect = models.TextField(max_length=2000, help_text="The effect expected.")
    created_on = models.DateField()

    class Meta:
        ordering = ["idea", "number"]
        constraints = [
            models.UniqueConstraint("idea", "number", name="idea_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}: {self.summary}"


class Critique(Contribution):
    """A reasoned argument about an idea: a stance, the reasoning (required) and optional
    evidence; `version` is the version it answered. One level of replies (`parent`)."""

    class Stance(models.TextChoices):
        STRENGTH = "strength", "Strength"
        CONCERN = "concern", "Concern"
        QUESTION = "question", "Question"
        ALTERNATIVE = "alternative", "Alternative"

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="critiques")
    version = models.ForeignKey(IdeaVersion, on_delete=models.RESTRICT, related_name="critiques")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    stance = models.CharField(max_length=12, choices=Stance.choices, blank=True)
    reasoning = models.TextField(max_length=5000)
    evidence = models.TextField(
        max_length=2000, blank=True, help_text="A link, data, or an experience."
    )

    class Meta:
        ordering = ["created_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(author__isnull=True),
                name="critique_anonymous_has_no_author",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, stance__gt="") | Q(parent__isnull=False),
                name="critique_top_level_has_stance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stance or 'reply'} on {self.idea_id}"


class CritiqueEndorsement(models.Model):
    """A member finds an argument convincing: the points-of-view page shows the strongest."""

    critique = models.ForeignKey(Critique, on_delete=models.CASCADE, related_name="endorsements")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("critique", "member", name="endorsement_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"Endorsement of {self.critique_id}"


class Temperature(models.TextChoices):
    AGREE = "agree", "Agree"
    UNSURE = "unsure", "Unsure"
    DISAGREE = "disagree", "Disagree"


class TemperatureVote(TimeStampedModel):
    """A member's current reading of an idea, changeable until the decision. Stored with the
    member (so that they can change it); shown without names in a circle whose ideas are
    anonymous."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=10, choices=Temperature.choices)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("idea", "member", name="vote_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.value} on {self.idea_id}"


class TemperatureVoteChange(models.Model):
    """Every earlier reading of a vote: the history is kept."""

    vote = models.ForeignKey(TemperatureVote, on_delete=models.CASCADE, related_name="changes")
    value = models.CharField(max_length=10, choices=Temperature.choices)
    reason = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.value} until {self.changed_at:%Y-%m-%d}"


class Decision(models.Model):
    """A step of an idea through its stages, with the rationale it requires."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    rationale = models.TextField(max_length=5000)
    decided_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField()
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_decisions",
        help_text="The meeting whose notes recorded it, if any.",
    )

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Trial(TimeStampedModel):
    """An idea tried for a period, with a measure of success and a review date; the circle is
    reminded on that date and records the outcome against the measure."""

    class Result(models.TextChoices):
        MET = "met", "Met the measure"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not_met", "Did not meet it"

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="trial")
    owner = models.ForeignKey("orgs.Member", on_delete=models.RESTRICT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    measure = models.TextField(max_length=2000, help_text="What success looks like, measurably.")
    review_on = models.DateField()
    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    outcome = models.TextField(max_length=5000, blank=True)
    outcome_recorded_on = models.DateField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="trial_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Trial of {self.idea_id}"


class AgendaLink(models.Model):
    """An agenda item of a meeting that takes up an idea or a challenge."""

    agenda_item = models.OneToOneField(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="idea_link"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_links"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_links"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False) | Q(challenge__isnull=False),
                name="agenda_link_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Agenda link of {self.agenda_item_id}"
