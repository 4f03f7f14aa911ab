"""Reads of the circle's working agreement: the agreement page (current version, who agreed,
what changed, earlier versions, open amendments), an amendment with what changed since it was
written, and the line (or box) the circle page shows. Each costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse

from roundtable.circles.models import Circle, CircleMembership
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.ideas.diffs import Segment, words_diff
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    AgreementVersion,
    WorkingAgreement,
)
from roundtable.orgs.models import Member

# --- what changed between two versions (pure) --------------------------------------------------


@dataclass(frozen=True)
class SectionChange:
    """One section compared between two versions: `kind` is "same", "changed", "added" or
    "removed"; `segments` show the text word by word (all added, or all removed, for a section
    that came or went)."""

    key: str
    title: str
    kind: str
    segments: list[Segment]
    title_before: str = ""

    @property
    def retitled(self) -> bool:
        return bool(self.title_before) and self.title_before != self.title


def sections_changes(
    before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]
) -> list[SectionChange]:
    """`after`'s sections compared with `before`'s, matched by key, in `after`'s order, with the
    sections `before` had and `after` dropped at the end."""
    old = {s["key"]: s for s in before}
    new_keys = {s["key"] for s in after}
    changes: list[SectionChange] = []
    for section in after:
        was = old.get(section["key"])
        if was is None:
            changes.append(
                SectionChange(
                    section["key"], section["title"], "added", [Segment("added", section["text"])]
                )
            )
            continue
        same = was["text"] == section["text"] and was["title"] == section["title"]
        changes.append(
            SectionChange(
                section["key"],
                section["title"],
                "same" if same else "changed",
                words_diff(was["text"], section["text"]),
                title_before=was["title"],
            )
        )
    for section in before:
        if section["key"] not in new_keys:
            changes.append(
                SectionChange(
                    section["key"],
                    section["title"],
                    "removed",
                    [Segment("removed", section["text"])],
                )
            )
    return changes


def sections_differ(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]) -> bool:
    return [(s["key"], s["title"], s["text"]) for s in before] != [
        (s["key"], s["title"], s["text"]) for s in after
    ]


# --- access --------------------------------------------------------------------------------


def agreement_circle_get_for_user(
    *, user: Any, circle_pk: int, can: Callable[[Any, Circle], bool] = permissions.can_view_circle
) -> Circle:
    """The circle whose agreement the user asks about, when the policy lets them see it (or do
    `can` with it); else Http404."""
    return circle_get_for_user(user=user, pk=circle_pk, can=can)


def circle_agreement(*, circle: Circle) -> WorkingAgreement | None:
    return WorkingAgreement.objects.filter(circle=circle).first()


def amendment_get_for_user(
    *,
    user: Any,
    circle: Circle,
    pk: int,
    can: Callable[[Any, Circle], bool] = permissions.can_view_circle,
) -> AgreementAmendment:
    """An amendment to the agreement of a circle fetched with access; anything else is a 404."""
    queryset = AgreementAmendment.objects.select_related(
        "agreement", "based_on", "proposed_by__user", "decided_by__user", "resulting_version"
    )
    return object_get_or_404(
        queryset,
        pk=pk,
        agreement__circle=circle,
        can=lambda _amendment: can(user, circle),
        message="No such amendment.",
    )


def agreement_version_get(*, agreement: WorkingAgreement, number: int) -> AgreementVersion:
    return object_get_or_404(
        AgreementVersion.objects.select_related("written_by__user"),
        agreement=agreement,
        number=number,
        message="No such version.",
    )


# --- the people the agreement is for ------------------------------------------------------------


def _current_memberships(circle: Circle) -> list[CircleMembership]:
    """The circle's current memberships: prefetched by `circle_get_for_user`, else one query."""
    prefetched = getattr(circle, "current_memberships", None)
    if prefetched is not None:
        return list(prefetched)
    return list(
        CircleMembership.objects.filter(circle=circle, left_on__isnull=True)
        .select_related("member__user")
        .order_by("member__user__full_name")
    )


def agreement_people(*, circle: Circle) -> list[Member]:
    """Who the agreement asks to agree: the circle's current members and its lead."""
    people = {m.member_id: m.member for m in _current_memberships(circle)}
    if circle.lead_id is not None and circle.lead_id not in people and circle.lead is not None:
        people[circle.lead_id] = circle.lead
    return sorted(people.values(), key=lambda m: m.name.lower())


def version_made_on(version: AgreementVersion, circle: Circle) -> dt.date:
    """The day a version was made, in the circle's time zone."""
    return version.created_at.astimezone(ZoneInfo(circle.time_zone)).date()


# --- the agreement page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreed:
    member: Member
    at: dt.datetime | None


@dataclass
class AgreementPage:
    circle: Circle
    agreement: WorkingAgreement | None
    current: AgreementVersion | None = None
    made_on: dt.date | None = None
    previous_number: int | None = None
    changes: list[SectionChange] = field(default_factory=list)
    earlier: list[AgreementVersion] = field(default_factory=list)
    people: list[Agreed] = field(default_factory=list)
    agreed_count: int = 0
    my_agreed_at: dt.datetime | None = None
    i_am_asked: bool = False
    amendments: list[AgreementAmendment] = field(default_factory=list)

    @property
    def everyone_agreed(self) -> bool:
        return bool(self.people) and self.agreed_count == len(self.people)


def _versions(agreement: WorkingAgreement) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(agreement=agreement).select_related("written_by__user")


def agreement_page(*, circle: Circle, user: Any) -> AgreementPage:
    """Everything the agreement page shows, in a fixed number of queries however many members,
    versions and amendments there are."""
    agreement = circle_agreement(circle=circle)
    page = AgreementPage(circle=circle, agreement=agreement)
    if agreement is None:
        return page
    two = list(_versions(agreement).order_by("-number")[:2])
    if not two:
        return page
    current = two[0]
    page.current = current
    page.made_on = version_made_on(current, circle)
    if len(two) > 1:
        page.previous_number = two[1].number
        page.changes = sections_changes(two[1].sections, current.sections)
    page.earlier = list(
        _versions(agreement).filter(number__lt=current.number).defer("sections").order_by("-number")
    )
    acknowledged = {
        ack.member_id: ack.acknowledged_at
        for ack in AgreementAcknowledgement.objects.filter(version=current)
    }
    people = agreement_people(circle=circle)
    page.people = [Agreed(member, acknowledged.get(member.pk)) for member in people]
    page.agreed_count = sum(1 for p in page.people if p.at is not None)
    me = permissions.member_in(user, circle.program.organization_id)
    if me is not None:
        page.i_am_asked = any(member.pk == me.pk for member in people)
        page.my_agreed_at = acknowledged.get(me.pk)
    page.amendments = list(
        AgreementAmendment.objects.filter(
            agreement=agreement, status=AgreementAmendment.Status.PROPOSED
        )
        .select_related("proposed_by__user", "based_on")
        .order_by("created_at", "id")
    )
    return page


def agreement_current_version(*, agreement: WorkingAgreement) -> AgreementVersion | None:
    return _versions(agreement).order_by("-number").first()


def agreement_previous_version(*, version: AgreementVersion) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.filter(
            agreement_id=version.agreement_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


# --- the circle page ----------------------------------------------------------------------------


def agreement_for_circle_page(*, circle: Circle, user: Any) -> Any:
    """What the circle page shows of the agreement (None: nothing). A member or lead who has
    not agreed to the current version (someone who just joined, say) gets a box asking them to
    read it; everyone else who sees the circle gets one line with how many agreed; with no
    agreement yet, those who draft get an invitation. Two queries at most."""
    version = (
        AgreementVersion.objects.filter(agreement__circle=circle)
        .only("pk", "number", "agreement_id")
        .order_by("-number")
        .first()
    )
    url = reverse("leadership:agreement", args=[circle.pk])
    if version is None:
        if not permissions.can_draft_agreement(user, circle):
            return None
        return {
            "state": "invite",
            "draft_url": reverse("leadership:agreement_draft", args=[circle.pk]),
            "is_lead": permissions.Capacity.LEAD in permissions.circle_roles(user, circle),
        }
    people = agreement_people(circle=circle)
    people_ids = {m.pk for m in people}
    agreed = set(
        AgreementAcknowledgement.objects.filter(
            version_id=version.pk, member_id__in=people_ids
        ).values_list("member_id", flat=True)
    )
    me = permissions.member_in(user, circle.program.organization_id)
    to_agree = me is not None and me.pk in people_ids and me.pk not in agreed
    return {
        "state": "to_agree" if to_agree else "line",
        "number": version.number,
        "agreed": len(agreed),
        "total": len(people),
        "everyone": bool(people) and len(agreed) == len(people),
        "url": url,
    }
