"""Writes of the circle's working agreement: drafting a version (from templates, or a new one
directly), acknowledging the current version, amendments any member proposes and the lead
decides, the revisit period and its reminder. Who may do what is the views' to ask of the
policy; the rules of the agreement itself are here, with a sentence a person can read when one
is broken (and then nothing changed)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from roundtable.circles.models import Circle
from roundtable.core.errors import DomainError
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    AgreementVersion,
    WorkingAgreement,
)
from roundtable.leadership.selectors.agreements import (
    agreement_people,
    sections_differ,
    version_made_on,
)
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member

MAX_SECTIONS = 20
TITLE_MAX = 120
TEXT_MAX = 3000
_KEY = re.compile(r"^[a-z0-9_-]{1,40}$")


def _agreement_url(circle: Circle) -> str:
    return reverse("leadership:agreement", args=[circle.pk])


def sections_clean(sections: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """The sections as stored: each a key, a title and a text, trimmed; a section without a
    usable key gets a new one. Refuses an agreement without sections, a section without a title
    or text, and more than MAX_SECTIONS."""
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for section in sections:
        title = str(section.get("title") or "").strip()
        text = str(section.get("text") or "").strip()
        if not title:
            raise DomainError(
                "A section has no title: give each section a short one.", field="sections"
            )
        if not text:
            raise DomainError(
                f"The section “{title}” is empty: write what it says, or leave it out.",
                field="sections",
            )
        if len(title) > TITLE_MAX:
            raise DomainError(
                f"The title “{Truncator(title).chars(40)}” is too long: "
                f"{TITLE_MAX} characters at most.",
                field="sections",
            )
        if len(text) > TEXT_MAX:
            raise DomainError(
                f"The section “{title}” is too long: {TEXT_MAX} characters at most.",
                field="sections",
            )
        key = str(section.get("key") or "")
        if not _KEY.match(key) or key in seen:
            key = f"own-{secrets.token_hex(4)}"
        seen.add(key)
        cleaned.append({"key": key, "title": title, "text": text})
    if not cleaned:
        raise DomainError(
            "An agreement needs at least one section: keep a template or write your own.",
            field="sections",
        )
    if len(cleaned) > MAX_SECTIONS:
        raise DomainError(
            f"That is more than {MAX_SECTIONS} sections: an agreement people remember is short.",
            field="sections",
        )
    return cleaned


def _revisit_months_check(months: int) -> int:
    if not 1 <= months <= 12:
        raise DomainError("Revisit the agreement every 1 to 12 months.", field="revisit_months")
    return months


def _locked_agreement(circle: Circle) -> WorkingAgreement | None:
    return WorkingAgreement.objects.select_for_update().filter(circle=circle).first()


def _latest(agreement: WorkingAgreement) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()


def _revisit_on(agreement: WorkingAgreement, version: AgreementVersion) -> dt.date:
    """The date of the latest version plus the revisit period, in the circle's time zone."""
    return version_made_on(version, agreement.circle) + relativedelta(
        months=agreement.revisit_months
    )


def _tell_circle_of_version(
    *, circle: Circle, version: AgreementVersion, made_by: Member, now: dt.datetime
) -> int:
    """AGREEMENT_CHANGED to each current member and the lead, except whoever made the version."""
    told = 0
    first = version.number == 1
    for member in agreement_people(circle=circle):
        if member.pk == made_by.pk:
            continue
        sent = notice_send(
            member=member,
            kind=NoticeKind.AGREEMENT_CHANGED,
            title=(
                f"{circle.name} has a working agreement: read it and agree"
                if first
                else f"{circle.name}'s working agreement changed: version {version.number}"
            ),
            body=(
                "How the circle means to work together. Read it, and agree or propose a change."
                if first
                else "See what changed, then agree to the new version or propose a change."
            ),
            url=_agreement_url(circle),
            key=f"agreement-version:{version.pk}",
            now=now,
        )
        told += sent is not None
    return told


def _version_add(
    *,
    agreement: WorkingAgreement,
    sections: list[dict[str, str]],
    written_by: Member | None,
    change_note: str,
    made_by: Member,
    now: dt.datetime,
) -> AgreementVersion:
    latest = _latest(agreement)
    version = AgreementVersion(
        agreement=agreement,
        number=(latest.number + 1) if latest is not None else 1,
        sections=sections,
        written_by=written_by,
        change_note=Truncator(change_note.strip()).chars(500),
    )
    version.full_clean(validate_constraints=False)
    version.save()
    # created_at comes from the clock; the revisit counts from the version's day.
    agreement.revisit_on = _revisit_on(agreement, version)
    agreement.revisit_reminded_on = None
    agreement.save(update_fields=["revisit_on", "revisit_reminded_on", "updated_at"])
    _tell_circle_of_version(circle=agreement.circle, version=version, made_by=made_by, now=now)
    return version


# --- drafting -----------------------------------------------------------------------------------


@transaction.atomic
def agreement_version_create(
    *,
    circle: Circle,
    author: Member,
    sections: Sequence[dict[str, Any]],
    change_note: str = "",
    revisit_months: int | None = None,
) -> AgreementVersion:
    """Save the circle's agreement: version 1 from the templates the author picked and edited,
    or later a new version directly, with a line on what changed. Nobody's agreement is
    assumed, the author's included: everyone agrees to the new version themselves."""
    cleaned = sections_clean(sections)
    now = timezone.now()
    agreement = _locked_agreement(circle)
    if agreement is None:
        agreement = WorkingAgreement(circle=circle)
        if revisit_months is not None:
            agreement.revisit_months = _revisit_months_check(revisit_months)
        agreement.full_clean(validate_constraints=False)
        agreement.save()
    elif revisit_months is not None:
        agreement.revisit_months = _revisit_months_check(revisit_months)
        agreement.save(update_fields=["revisit_months", "updated_at"])
    agreement.circle = circle
    latest = _latest(agreement)
    if latest is not None:
        if not sections_differ(latest.sections, cleaned):
            raise DomainError(
                f"Nothing changed from version {latest.number}: edit a section, add or remove "
                "one, then save.",
                field="sections",
            )
        if not change_note.strip():
            raise DomainError(
                "Say in a line what changed and why, so the circle can follow.",
                field="change_note",
            )
    return _version_add(
        agreement=agreement,
        sections=cleaned,
        written_by=author,
        change_note=change_note,
        made_by=author,
        now=now,
    )


@transaction.atomic
def agreement_revisit_set(*, circle: Circle, months: int) -> WorkingAgreement:
    """How often the circle revisits its agreement (1 to 12 months): the next revisit is that
    long after the latest version's day."""
    _revisit_months_check(months)
    agreement = _locked_agreement(circle)
    if agreement is None:
        raise DomainError("There is no agreement yet: draft one first.")
    agreement.circle = circle
    latest = _latest(agreement)
    agreement.revisit_months = months
    fields = ["revisit_months", "updated_at"]
    if latest is not None:
        revisit_on = _revisit_on(agreement, latest)
        if revisit_on != agreement.revisit_on:
            agreement.revisit_on = revisit_on
            agreement.revisit_reminded_on = None
            fields += ["revisit_on", "revisit_reminded_on"]
    agreement.save(update_fields=fields)
    return agreement


# --- acknowledging ------------------------------------------------------------------------------


@transaction.atomic
def agreement_acknowledge(
    *, circle: Circle, member: Member, number: int
) -> AgreementAcknowledgement:
    """`member` agrees to version `number`, which must be the current one: agreeing to an
    older version is refused (the agreement changed since they read it). Agreeing twice keeps
    the first."""
    agreement = _locked_agreement(circle)
    latest = _latest(agreement) if agreement is not None else None
    if latest is None:
        raise DomainError("There is no agreement to agree to yet.")
    if number != latest.number:
        raise DomainError(
            f"You read version {number}, but the agreement is now at version {latest.number}. "
            f"Read version {latest.number} (what changed is shown) and agree to that one.",
            field="version",
        )
    if member.pk not in {m.pk for m in agreement_people(circle=circle)}:
        raise DomainError("Only the circle's members and its lead agree to its agreement.")
    ack, _ = AgreementAcknowledgement.objects.get_or_create(
        version=latest, member=member, defaults={"acknowledged_at": timezone.now()}
    )
    return ack


# --- amendments ---------------------------------------------------------------------------------


def _outdated_message(based_on: int, current: int) -> str:
    return (
        f"The agreement changed meanwhile: this amendment was written on version {based_on}, "
        f"and version {current} is now current. What changed since is shown below; the change "
        f"needs proposing again on version {current}."
    )


@transaction.atomic
def amendment_propose(
    *,
    circle: Circle,
    member: Member,
    based_on_number: int,
    sections: Sequence[dict[str, Any]],
    reason: str,
) -> AgreementAmendment:
    """A member proposes a change: the whole agreement as they would have it, and why. It must
    start from the current version; the lead is told."""
    reason = reason.strip()
    agreement = _locked_agreement(circle)
    latest = _latest(agreement) if agreement is not None else None
    if agreement is None or latest is None:
        raise DomainError("There is no agreement yet to change.")
    agreement.circle = circle
    if based_on_number != latest.number:
        raise DomainError(
            f"The agreement changed while you were writing: you started from version "
            f"{based_on_number}, and version {latest.number} is now current. What changed is "
            f"shown above; your text is kept, so check it against version {latest.number} "
            "and propose it again.",
            field="based_on",
        )
    cleaned = sections_clean(sections)
    if not sections_differ(latest.sections, cleaned):
        raise DomainError(
            f"This changes nothing in version {latest.number}: edit a section, add or remove one.",
            field="sections",
        )
    if not reason:
        raise DomainError("Say why you propose this change, in a line or two.", field="reason")
    if len(reason) > 500:
        raise DomainError("The reason is too long: 500 characters at most.", field="reason")
    amendment = AgreementAmendment(
        agreement=agreement,
        based_on=latest,
        proposed_by=member,
        sections=cleaned,
        reason=reason,
    )
    amendment.full_clean(validate_constraints=False)
    amendment.save()
    lead = circle.lead
    if lead is not None and lead.pk != member.pk:
        notice_send(
            member=lead,
            kind=NoticeKind.AGREEMENT_AMENDMENT,
            title=f"{member.name} proposes a change to {circle.name}'s working agreement",
            body=reason,
            url=reverse("leadership:agreement_amendment", args=[circle.pk, amendment.pk]),
            key=f"amendment:{amendment.pk}:proposed",
        )
    return amendment


def _locked_amendment(amendment: AgreementAmendment) -> AgreementAmendment:
    locked = (
        AgreementAmendment.objects.select_for_update(of=("self",))
        .select_related("agreement__circle", "proposed_by__user", "based_on")
        .get(pk=amendment.pk)
    )
    if locked.status != AgreementAmendment.Status.PROPOSED:
        raise DomainError(
            f"This amendment was already {locked.get_status_display().lower()}: nothing changed."
        )
    return locked


def _tell_proposer(
    amendment: AgreementAmendment, *, decided_by: Member, title: str, body: str
) -> None:
    proposer = amendment.proposed_by
    if proposer is None or proposer.pk == decided_by.pk:
        return
    circle = amendment.agreement.circle
    notice_send(
        member=proposer,
        kind=NoticeKind.AGREEMENT_AMENDMENT,
        title=title,
        body=body,
        url=reverse("leadership:agreement_amendment", args=[circle.pk, amendment.pk]),
        key=f"amendment:{amendment.pk}:decided",
    )


@transaction.atomic
def amendment_accept(*, amendment: AgreementAmendment, decided_by: Member) -> AgreementVersion:
    """Accept a proposed amendment: its sections become the next version, which everyone
    agrees to afresh (its proposer too). Refused when it was written on a version that is no
    longer current: the agreement changed meanwhile."""
    amendment = _locked_amendment(amendment)
    agreement = WorkingAgreement.objects.select_for_update().get(pk=amendment.agreement_id)
    agreement.circle = amendment.agreement.circle
    latest = _latest(agreement)
    if latest is None or latest.pk != amendment.based_on_id:
        raise DomainError(
            _outdated_message(amendment.based_on.number, latest.number if latest else 0)
        )
    now = timezone.now()
    version = _version_add(
        agreement=agreement,
        sections=sections_clean(amendment.sections),
        written_by=amendment.proposed_by,
        change_note=amendment.reason,
        made_by=decided_by,
        now=now,
    )
    amendment.status = AgreementAmendment.Status.ACCEPTED
    amendment.decided_by = decided_by
    amendment.decided_at = now
    amendment.resulting_version = version
    amendment.save(
        update_fields=["status", "decided_by", "decided_at", "resulting_version", "updated_at"]
    )
    _tell_proposer(
        amendment,
        decided_by=decided_by,
        title=f"Your change to {agreement.circle.name}'s working agreement was accepted",
        body=f"It is version {version.number}. Read it and agree to it, as everyone will.",
    )
    return version


@transaction.atomic
def amendment_decline(
    *, amendment: AgreementAmendment, decided_by: Member, reason: str
) -> AgreementAmendment:
    """Decline a proposed amendment, with a reason its proposer reads."""
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "Say why you decline it: whoever proposed it deserves a reason.", field="reason"
        )
    if len(reason) > 500:
        raise DomainError("The reason is too long: 500 characters at most.", field="reason")
    amendment = _locked_amendment(amendment)
    amendment.status = AgreementAmendment.Status.DECLINED
    amendment.decided_by = decided_by
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason
    amendment.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"]
    )
    _tell_proposer(
        amendment,
        decided_by=decided_by,
        title=f"Your change to {amendment.agreement.circle.name}'s working agreement was declined",
        body=reason,
    )
    return amendment


@transaction.atomic
def amendment_withdraw(*, amendment: AgreementAmendment, member: Member) -> AgreementAmendment:
    """The proposer takes their amendment back, while it is still open."""
    if amendment.proposed_by_id != member.pk:
        raise DomainError("Only the person who proposed this amendment can withdraw it.")
    amendment = _locked_amendment(amendment)
    amendment.status = AgreementAmendment.Status.WITHDRAWN
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decided_at", "updated_at"])
    return amendment


# --- the revisit reminder -----------------------------------------------------------------------


def agreements_revisit_remind(*, now: dt.datetime) -> int:
    """Tell each circle's lead, once, that the day to revisit their agreement has come (in the
    circle's time zone). A circle without a lead tells nobody, and its reminder counts as done.
    Each agreement is claimed with a conditional update in its own transaction, so a reminder
    is never sent twice and a failed send is tried again next time. Returns how many were told."""
    latest_possible_day = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    due = (
        WorkingAgreement.objects.filter(
            revisit_on__isnull=False, revisit_on__lte=latest_possible_day
        )
        .filter(Q(revisit_reminded_on__isnull=True) | Q(revisit_reminded_on__lt=F("revisit_on")))
        .select_related("circle__lead__user", "circle__program")
        .order_by("pk")
    )
    told = 0
    for agreement in due:
        circle = agreement.circle
        today = now.astimezone(ZoneInfo(circle.time_zone)).date()
        revisit_on = agreement.revisit_on
        if revisit_on is None or revisit_on > today:
            continue
        with transaction.atomic():
            claimed = (
                WorkingAgreement.objects.filter(pk=agreement.pk, revisit_on=revisit_on)
                .filter(
                    Q(revisit_reminded_on__isnull=True) | Q(revisit_reminded_on__lt=F("revisit_on"))
                )
                .update(revisit_reminded_on=today)
            )
            if not claimed or circle.lead is None:
                continue
            sent = notice_send(
                member=circle.lead,
                kind=NoticeKind.AGREEMENT_REVISIT_DUE,
                title=f"Time to revisit {circle.name}'s working agreement",
                body=(
                    f"It is {agreement.revisit_months} month"
                    f"{'s' if agreement.revisit_months != 1 else ''} since the latest version. "
                    "Read it together: does it still say how you work?"
                ),
                url=_agreement_url(circle),
                key=f"agreement-revisit:{agreement.pk}:{revisit_on.isoformat()}",
                now=now,
            )
            told += sent is not None
    return told
