"""The one permission policy: who may see and do what. Views, API and templates ask it.

Personas: organisation admin (everything in their organisation); coordinator (the programs they
coordinate); sponsor (their programs, read only); lead (their circle); member (their circles and
programs); outsider (nothing: getters raise Http404, so existence is not revealed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from roundtable.circles.models import Circle
    from roundtable.orgs.models import Member, Organization
    from roundtable.programs.models import Program


def memberships(user: Any) -> dict[int, Member]:
    """The user's active memberships keyed by organisation id, cached on the user object."""
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, "_roundtable_memberships", None)
    if cached is None:
        from roundtable.orgs.models import Member

        cached = {
            m.organization_id: m
            for m in Member.objects.filter(user=user, is_active=True).select_related(
                "organization", "user"
            )
        }
        user._roundtable_memberships = cached
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the cache after a change to the user's memberships."""
    if hasattr(user, "_roundtable_memberships"):
        del user._roundtable_memberships


def member_in(user: Any, organization_id: int) -> Member | None:
    return memberships(user).get(organization_id)


def acting_member(user: Any, organization_id: int) -> Member:
    """The user's own member profile in the organisation an object belongs to: who is acting.
    Http404 for someone who is not a member there (they cannot see the object either)."""
    member = member_in(user, organization_id)
    if member is None:
        raise Http404("Not found.")
    return member


def _is_admin(member: Member | None) -> bool:
    return member is not None and member.role == "admin"


# --- organisation -------------------------------------------------------------------------


def can_view_organization(user: Any, organization: Organization) -> bool:
    return member_in(user, organization.pk) is not None


def can_administer_organization(user: Any, organization: Organization) -> bool:
    return _is_admin(member_in(user, organization.pk))


def can_invite_members(user: Any, organization: Organization) -> bool:
    member = member_in(user, organization.pk)
    return member is not None and member.role in {"admin", "coordinator"}


can_import_members = can_invite_members
can_create_program = can_invite_members


def can_edit_member(user: Any, member: Member) -> bool:
    me = member_in(user, member.organization_id)
    return me is not None and (me.pk == member.pk or me.role == "admin")


def can_see_member_private_fields(user: Any, member: Member) -> bool:
    """Availability, hire date and manager are visible to the person, admins and coordinators."""
    me = member_in(user, member.organization_id)
    return me is not None and (me.pk == member.pk or me.role in {"admin", "coordinator"})


# --- programs -----------------------------------------------------------------------------


def program_scope(user: Any) -> Q:
    """Programs the user may see: admin's organisation, coordinated, sponsored, taking part."""
    members = list(memberships(user).values())
    if not members:
        return Q(pk__in=[])
    admin_orgs = [m.organization_id for m in members if m.role == "admin"]
    ids = [m.pk for m in members]
    return (
        Q(organization_id__in=admin_orgs)
        | Q(coordinators__in=ids)
        | Q(sponsor_id__in=ids)
        | Q(enrolments__member_id__in=ids, enrolments__withdrawn_on__isnull=True)
        | Q(circles__memberships__member_id__in=ids, circles__memberships__left_on__isnull=True)
    )


def _program_roles(user: Any, program: Program) -> set[str]:
    member = member_in(user, program.organization_id)
    if member is None:
        return set()
    roles: set[str] = set()
    if member.role == "admin":
        roles.add("admin")
    if program.sponsor_id == member.pk:
        roles.add("sponsor")
    if program.coordinators.filter(pk=member.pk).exists():
        roles.add("coordinator")
    if (
        program.enrolments.filter(member=member, withdrawn_on__isnull=True).exists()
        or program.circles.filter(
            memberships__member=member, memberships__left_on__isnull=True
        ).exists()
    ):
        roles.add("participant")
    return roles


def _cached_roles(obj: Any, user: Any, compute: Any) -> set[str]:
    """Roles are asked for several times per request; work them out once per user and object."""
    cache: dict[Any, set[str]] = obj.__dict__.setdefault("_roundtable_roles", {})
    key = getattr(user, "pk", None)
    if key not in cache:
        cache[key] = compute(user, obj)
    return cache[key]


def program_roles(user: Any, program: Program) -> set[str]:
    return _cached_roles(program, user, _program_roles)


def can_view_program(user: Any, program: Program) -> bool:
    return bool(program_roles(user, program))


def can_view_program_overview(user: Any, program: Program) -> bool:
    """All circles, enrolments and figures: the people who run or answer for the program."""
    return bool(program_roles(user, program) & {"admin", "coordinator", "sponsor"})


def can_manage_program(user: Any, program: Program) -> bool:
    return bool(program_roles(user, program) & {"admin", "coordinator"})


# --- circles ------------------------------------------------------------------------------


def circle_scope(user: Any) -> Q:
    members = list(memberships(user).values())
    if not members:
        return Q(pk__in=[])
    admin_orgs = [m.organization_id for m in members if m.role == "admin"]
    ids = [m.pk for m in members]
    return (
        Q(program__organization_id__in=admin_orgs)
        | Q(program__coordinators__in=ids)
        | Q(program__sponsor_id__in=ids)
        | Q(lead_id__in=ids)
        | Q(memberships__member_id__in=ids, memberships__left_on__isnull=True)
    )


def _circle_roles(user: Any, circle: Circle) -> set[str]:
    roles = program_roles(user, circle.program) & {"admin", "coordinator", "sponsor"}
    member = member_in(user, circle.program.organization_id)
    if member is None:
        return set()
    if circle.lead_id == member.pk:
        roles.add("lead")
    if circle.memberships.filter(member=member, left_on__isnull=True).exists():
        roles.add("member")
    return roles


def circle_roles(user: Any, circle: Circle) -> set[str]:
    return _cached_roles(circle, user, _circle_roles)


def can_view_circle(user: Any, circle: Circle) -> bool:
    return bool(circle_roles(user, circle))


def can_manage_circle(user: Any, circle: Circle) -> bool:
    """Lead, coordinators and admins change a circle's details; sponsors only read."""
    return bool(circle_roles(user, circle) & {"admin", "coordinator", "lead"})


def can_change_circle_members(user: Any, circle: Circle) -> bool:
    """Who is in which circle is the program's business: coordinators and admins."""
    return can_manage_program(user, circle.program)


# --- meetings -----------------------------------------------------------------------------


def can_take_part_in_circle(user: Any, circle: Circle) -> bool:
    """Members and the lead add agenda items, write notes, report attendance, give feedback."""
    return bool(circle_roles(user, circle) & {"member", "lead"})


def can_edit_meeting_notes(user: Any, circle: Circle) -> bool:
    return bool(circle_roles(user, circle) & {"member", "lead", "admin", "coordinator"})


def can_form_circles(user: Any, program: Program) -> bool:
    """Propose, edit and publish circles for a program: its coordinators and org admins."""
    return can_manage_program(user, program)
