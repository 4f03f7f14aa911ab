"""Writes of the lead's onboarding: welcoming a new lead, and keeping their place in the short
introduction (which screen they reached; finished or skipped, it stays open to revisit)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.leadership.models import LeadOnboarding
from roundtable.leadership.selectors.mission import ONBOARDING_SCREENS
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

SCREEN_COUNT = len(ONBOARDING_SCREENS)


def lead_welcome(circle: Circle, previous_lead_id: int | None) -> None:
    """Registered with circles' lead hooks: tell a circle's new lead about the introduction,
    once the change is committed and if they still lead the circle then (a lead set and changed
    again in one go welcomes only the last). Once per circle and lead, however often they stop
    and start leading it again."""
    lead = circle.lead
    if lead is None or lead.pk == previous_lead_id:
        return
    circle_pk, circle_name, lead_pk = circle.pk, circle.name, lead.pk

    def send() -> None:
        if not Circle.objects.filter(pk=circle_pk, lead_id=lead_pk).exists():
            return
        notice_send(
            member=Member.objects.select_related("user").get(pk=lead_pk),
            kind=NoticeKind.LEAD_WELCOME,
            title=f"You now lead {circle_name}: a short introduction to leading your peers",
            url=reverse("leadership:onboarding", args=[circle_pk]),
            key=f"circle-{circle_pk}-lead-{lead_pk}",
        )

    transaction.on_commit(send)


def _check_lead(circle: Circle, lead: Member) -> None:
    if circle.lead_id != lead.pk:
        raise DomainError(f"The introduction for leads is for the lead of {circle.name}.")


def _onboarding_for_update(circle: Circle, lead: Member) -> LeadOnboarding:
    _check_lead(circle, lead)
    onboarding, _ = LeadOnboarding.objects.get_or_create(circle=circle, lead=lead)
    return LeadOnboarding.objects.select_for_update().get(pk=onboarding.pk)


@transaction.atomic
def lead_onboarding_move(*, circle: Circle, lead: Member, screen: int) -> LeadOnboarding:
    """Keep the lead's place: the screen (1 to the last) they moved to."""
    if not 1 <= screen <= SCREEN_COUNT:
        raise DomainError(f"The introduction has screens 1 to {SCREEN_COUNT}.", field="screen")
    onboarding = _onboarding_for_update(circle, lead)
    onboarding.step = screen
    onboarding.save(update_fields=["step", "updated_at"])
    return onboarding


@transaction.atomic
def lead_onboarding_skip(*, circle: Circle, lead: Member) -> LeadOnboarding:
    """Set the introduction aside for now; the place reached is kept for a later visit."""
    onboarding = _onboarding_for_update(circle, lead)
    if onboarding.finished_on is None and onboarding.skipped_on is None:
        onboarding.skipped_on = timezone.localdate()
        onboarding.save(update_fields=["skipped_on", "updated_at"])
    return onboarding


@transaction.atomic
def lead_onboarding_finish(*, circle: Circle, lead: Member) -> LeadOnboarding:
    """The lead went through to the end. The first finish is the date kept."""
    onboarding = _onboarding_for_update(circle, lead)
    onboarding.step = SCREEN_COUNT
    if onboarding.finished_on is None:
        onboarding.finished_on = timezone.localdate()
    onboarding.save(update_fields=["step", "finished_on", "updated_at"])
    return onboarding
