"""The peer lead's toolkit: the 4C connection model for someone who leads peers who do not report
to them.

- Mindset: an onboarding for each new lead (`LeadOnboarding`) and the circle's mission, written
  together: members propose lines (`MissionLine`), the lead assembles a version (`Mission`),
  members acknowledge it (`MissionAcknowledgement`).
- Internal clarity: the lead's dated reflections (`Reflection`) and how often to revisit them
  (`ReflectionCadence`).
- External clarity: the lead's note on each peer (`PeerNote`) beside what the peer chose to share
  with their circles (`SharedProfile`).
- Behaviour choice: a support plan per peer (`SupportPlan`) with a next step and a review date.
- The friends challenge: the circle's working agreement (`WorkingAgreement`), in versions
  (`AgreementVersion`) each member acknowledges (`AgreementAcknowledgement`), changed through
  amendments any member may propose (`AgreementAmendment`).
- Making people look good: recognition of a peer's contribution (`Recognition`).

Reflections, peer notes and support plans are private: readable by their author alone, their text
encrypted at rest (`EncryptedTextField`), never registered in the admin site, never exported or
emailed. A lead who stops leading keeps their own (read only); the next lead starts blank.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from roundtable.core.crypto import EncryptedTextField
from roundtable.core.models import TimeStampedModel

# --- mindset ---------------------------------------------------------------------------------


class LeadOnboarding(TimeStampedModel):
    """A lead's way through the onboarding of one circle: where they are, and whether they
    finished or skipped it (either way it stays open to revisit)."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(default=0)
    finished_on = models.DateField(null=True, blank=True)
    skipped_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("circle", "lead", name="lead_onboarding_once_per_lead"),
        ]

    def __str__(self) -> str:
        return f"Onboarding of {self.lead} for {self.circle}"


class MissionLine(TimeStampedModel):
    """A line a member proposes for the circle's mission statement."""

    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="mission_lines"
    )
    author = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(max_length=300)
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class Mission(TimeStampedModel):
    """One version of the circle's mission statement, as the lead assembled it."""

    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="missions")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=1500)
    assembled_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lines = models.ManyToManyField(MissionLine, blank=True, related_name="missions")

    class Meta:
        ordering = ["circle", "-number"]
        constraints = [
            models.UniqueConstraint("circle", "number", name="mission_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Mission of {self.circle} (v{self.number})"


class MissionAcknowledgement(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="acknowledgements")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("mission", "member", name="mission_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} acknowledged {self.mission}"


# --- internal clarity (private) -----------------------------------------------------------------


class Reflection(TimeStampedModel):
    """A lead's dated reflection on leading one circle. Private to its author."""

    author = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    written_on = models.DateField()
    leader = EncryptedTextField(blank=True, help_text="The leader I want to be.")
    goals = EncryptedTextField(blank=True, help_text="My goals.")
    outcomes = EncryptedTextField(blank=True, help_text="The outcomes I want for the circle.")

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["author", "circle"], name="reflection_author_circle")]

    def __str__(self) -> str:
        return f"Reflection of {self.written_on}"


class ReflectionCadence(TimeStampedModel):
    """How often the lead wants to be prompted to revisit their reflections on a circle."""

    author = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    every_weeks = models.PositiveSmallIntegerField(default=4)  # 0: never prompt
    next_prompt_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("author", "circle", name="reflection_cadence_once"),
            models.CheckConstraint(
                condition=Q(every_weeks__lte=52), name="reflection_cadence_at_most_yearly"
            ),
        ]

    def __str__(self) -> str:
        return f"Every {self.every_weeks} weeks"


# --- external clarity ----------------------------------------------------------------------------


class PeerNote(TimeStampedModel):
    """The lead's private note on one peer of a circle. Private to its author."""

    author = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    goals = EncryptedTextField(blank=True, help_text="Their goals: a promotion, a skill.")
    needs = EncryptedTextField(blank=True, help_text="Their needs and wants.")
    load = EncryptedTextField(blank=True, help_text="Their current load and other deadlines.")
    support = EncryptedTextField(blank=True, help_text="How they like to be supported.")

    class Meta:
        constraints = [
            models.UniqueConstraint("author", "circle", "peer", name="peer_note_once"),
            models.CheckConstraint(condition=~Q(author=models.F("peer")), name="peer_note_other"),
        ]

    def __str__(self) -> str:
        return "Peer note"


class SharedProfile(TimeStampedModel):
    """What a member chooses to share with their circles, in their own words."""

    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="shared_profile"
    )
    goals = models.TextField(max_length=1000, blank=True)
    can_help_with = models.TextField(max_length=1000, blank=True)
    share_busy_periods = models.BooleanField(
        default=False, help_text="Show my busy periods to the circles I am in."
    )

    def __str__(self) -> str:
        return f"What {self.member} shares"


# --- behaviour choice (private) ------------------------------------------------------------------


class SupportPlan(TimeStampedModel):
    """How the lead means to support one peer, and when to look again. Private to its author:
    the approach is encrypted too, since it says something about the peer."""

    class Approach(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        COACH = "coach", "Coach"
        COLLABORATE = "collaborate", "Collaborate"
        DELEGATE = "delegate", "Delegate"
        STRETCH = "stretch", "Stretch assignment"

    author = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey("circles.Circle", on_delete=models.CASCADE, related_name="+")
    peer = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    approach = EncryptedTextField()  # one of Approach's values, checked by the services
    next_step = EncryptedTextField()
    review_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["author", "circle"], name="support_plan_author_circle")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(author=models.F("peer")), name="support_plan_other"
            ),
        ]

    def __str__(self) -> str:
        return "Support plan"


# --- working agreements -------------------------------------------------------------------------


class WorkingAgreement(TimeStampedModel):
    """A circle's working agreement: its versions, and when to revisit it."""

    circle = models.OneToOneField(
        "circles.Circle", on_delete=models.CASCADE, related_name="working_agreement"
    )
    revisit_months = models.PositiveSmallIntegerField(default=3)
    revisit_on = models.DateField(null=True, blank=True)
    revisit_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(revisit_months__gte=1, revisit_months__lte=12),
                name="agreement_revisit_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Working agreement of {self.circle}"


class AgreementVersion(TimeStampedModel):
    """One version of the agreement: its sections, each a title and text
    (`[{"key": ..., "title": ..., "text": ...}]`), who wrote it and what changed."""

    agreement = models.ForeignKey(
        WorkingAgreement, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    sections = models.JSONField(default=list)
    written_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    change_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint("agreement", "number", name="agreement_version_unique"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class AgreementAcknowledgement(models.Model):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("version", "member", name="agreement_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} acknowledged {self.version}"


class AgreementAmendment(TimeStampedModel):
    """A change to the agreement any member may propose; the lead (or a coordinator) accepts it,
    which makes a new version, or declines it with a reason."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    agreement = models.ForeignKey(
        WorkingAgreement, on_delete=models.CASCADE, related_name="amendments"
    )
    based_on = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sections = models.JSONField(default=list)
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    resulting_version = models.ForeignKey(
        AgreementVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "declined", "withdrawn"]),
                name="agreement_amendment_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment to {self.agreement}"


# --- recognition ----------------------------------------------------------------------------------


class Recognition(TimeStampedModel):
    """A peer credits someone's contribution in their circle. The circle sees it; the person's
    manager too, once the person agrees (`shared_with_manager`, theirs alone to set)."""

    class Kind(models.TextChoices):
        IDEA_ADOPTED = "idea_adopted", "An adopted idea"
        COMMITMENT_DELIVERED = "commitment_delivered", "A delivered commitment"
        MEETING_LED = "meeting_led", "A meeting they led"
        CRITIQUE = "critique", "A critique that changed a decision"
        OTHER = "other", "Something else"

    circle = models.ForeignKey(
        "circles.Circle", on_delete=models.CASCADE, related_name="recognitions"
    )
    given_by = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, related_name="recognitions_given"
    )
    recipient = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="recognitions_received"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    message = models.TextField(max_length=1000)
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    critique = models.ForeignKey(
        "ideas.Critique", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_with_manager = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "idea_adopted",
                        "commitment_delivered",
                        "meeting_led",
                        "critique",
                        "other",
                    ]
                ),
                name="recognition_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(given_by=models.F("recipient")), name="recognition_of_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"Recognition of {self.recipient}"
