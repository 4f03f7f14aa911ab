"""The one permission policy: who may see and do what. Views, API and templates ask it.

Personas: organisation admin (everything in their organisation); coordinator (the programs they
coordinate); sponsor (their programs, read only); lead (their circle); member (their circles and
programs); outsider (nothing: getters raise Http404, so existence is not revealed).
"""

from __future__ import annotations

import operator
from enum import StrEnum
from functools import reduce
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import BooleanField, Exists, IntegerField, Model, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from roundtable.core.roles import Role

if TYPE_CHECKING:
    from roundtable.circles.models import Circle
    from roundtable.orgs.models import Member, Organization
    from roundtable.programs.models import Program

M = TypeVar("M", bound=Model)


def memberships(user: Any) -> dict[int, Member]:
    """The user's active memberships keyed by organisation id: one query, cached on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_roundtable_memberships", None)
    if cached is None:
        cached = {
            m.organization_id: m
            for m in user.memberships.filter(is_active=True).select_related("organization", "user")
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


def _has_role(member: Member | None, *roles: Role) -> bool:
    return member is not None and member.role in roles


def _member_ids(user: Any) -> list[int]:
    return [m.pk for m in memberships(user).values()]


# --- organisation -------------------------------------------------------------------------


def can_view_organization(user: Any, organization: Organization) -> bool:
    return member_in(user, organization.pk) is not None


def can_administer_organization(user: Any, organization: Organization) -> bool:
    return _has_role(member_in(user, organization.pk), Role.ADMIN)


def can_invite_members(user: Any, organization: Organization) -> bool:
    return _has_role(member_in(user, organization.pk), Role.ADMIN, Role.COORDINATOR)


can_import_members = can_invite_members
can_create_program = can_invite_members


def can_edit_member(user: Any, member: Member) -> bool:
    me = member_in(user, member.organization_id)
    return me is not None and (me.pk == member.pk or me.role == Role.ADMIN)


def _sees_everything_of(user: Any, member: Member) -> bool:
    me = member_in(user, member.organization_id)
    return me is not None and (me.pk == member.pk or me.role == Role.ADMIN)


def _coordinated(user: Any, organization_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """The programs the user coordinates in the organisation, and the members taking part in
    them (enrolled, or in one of their circles): one query each, cached on the user, so that a
    list of members costs no query per member."""
    me = member_in(user, organization_id)
    if me is None:
        return frozenset(), frozenset()
    cache = me.__dict__.setdefault("_roundtable_coordinated", {})
    if organization_id not in cache:
        programs = frozenset(me.coordinated_programs.values_list("pk", flat=True))
        people = frozenset(
            type(me)
            .objects.filter(
                Q(enrolments__program__in=programs, enrolments__withdrawn_on__isnull=True)
                | Q(
                    circle_memberships__circle__program__in=programs,
                    circle_memberships__left_on__isnull=True,
                )
            )
            .values_list("pk", flat=True)
            if programs
            else ()
        )
        cache[organization_id] = (programs, people)
    result: tuple[frozenset[int], frozenset[int]] = cache[organization_id]
    return result


def can_see_member_private_fields(user: Any, member: Member) -> bool:
    """Hire date, manager and weekly availability (what circle formation needs): the person,
    admins, and the coordinators of a program the member takes part in (enrolled, or in one of
    its circles)."""
    if _sees_everything_of(user, member):
        return True
    return member.pk in _coordinated(user, member.organization_id)[1]


def member_attendance_programs(user: Any, member: Member) -> frozenset[int] | None:
    """The programs whose attendance record of the member the user may see: all of them
    (None) for the person and admins; for a coordinator, the programs they coordinate, when the
    member takes part in one of them; nothing (an empty set) for anyone else."""
    if _sees_everything_of(user, member):
        return None
    programs, people = _coordinated(user, member.organization_id)
    return programs if member.pk in people else frozenset()


# --- capacities: what the user is to a program or a circle ---------------------------------


class Capacity(StrEnum):
    """What someone is to a program or circle; the policy's answers are made of these."""

    ADMIN = "admin"  # organisation admin
    COORDINATOR = "coordinator"
    SPONSOR = "sponsor"
    PARTICIPANT = "participant"  # enrolled in the program or in one of its circles
    LEAD = "lead"
    MEMBER = "member"  # a current member of the circle


OVERSEERS = frozenset({Capacity.ADMIN, Capacity.COORDINATOR, Capacity.SPONSOR})
MANAGERS = frozenset({Capacity.ADMIN, Capacity.COORDINATOR})

# The viewer's relations are joined once into the queryset as these annotations (one EXISTS
# subquery each), so that asking the policy about a list of objects costs no query per object.
_PROGRAM_FLAGS = {
    "viewer_coordinates": "coordinators__in",
    "viewer_enrolled": ("enrolments__member_id__in", {"enrolments__withdrawn_on__isnull": True}),
    "viewer_in_a_circle": (
        "circles__memberships__member_id__in",
        {"circles__memberships__left_on__isnull": True},
    ),
}
_CIRCLE_FLAGS = {
    "viewer_coordinates": "program__coordinators__in",
    "viewer_enrolled": (
        "program__enrolments__member_id__in",
        {"program__enrolments__withdrawn_on__isnull": True},
    ),
    "viewer_in_a_circle": (
        "program__circles__memberships__member_id__in",
        {"program__circles__memberships__left_on__isnull": True},
    ),
    "viewer_is_member": ("memberships__member_id__in", {"memberships__left_on__isnull": True}),
}


def _flag_expressions(model: Any, flags: dict[str, Any], ids: list[int]) -> dict[str, Any]:
    expressions: dict[str, Any] = {}
    for name, spec in flags.items():
        lookup, extra = (spec, {}) if isinstance(spec, str) else spec
        if not ids:
            expressions[name] = Value(False, output_field=BooleanField())
            continue
        expressions[name] = Exists(
            model.objects.filter(pk=OuterRef("pk"), **{lookup: ids}, **extra)
        )
    return expressions


def with_viewer_capacities(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """Program or Circle rows annotated with the user's relations to each, for the policy."""
    flags = _CIRCLE_FLAGS if hasattr(queryset.model, "lead_id") else _PROGRAM_FLAGS
    return queryset.annotate(
        viewer_user_id=Value(getattr(user, "pk", None) or 0, output_field=IntegerField()),
        **_flag_expressions(queryset.model, flags, _member_ids(user)),
    )


def _flags(obj: Any, user: Any, flags: dict[str, Any]) -> dict[str, bool]:
    """The annotations when the object came through `with_viewer_capacities` for this user;
    otherwise one query for this object alone."""
    if getattr(obj, "viewer_user_id", None) == (getattr(user, "pk", None) or 0) and all(
        hasattr(obj, name) for name in flags
    ):
        return {name: bool(getattr(obj, name)) for name in flags}
    row = (
        type(obj)
        .objects.filter(pk=obj.pk)
        .values(**_flag_expressions(type(obj), flags, _member_ids(user)))
        .first()
    )
    values = {name: bool(row and row[name]) for name in flags}
    obj.__dict__.update(values, viewer_user_id=getattr(user, "pk", None) or 0)
    return values


# --- programs -----------------------------------------------------------------------------


def _admin_orgs_and_ids(user: Any) -> tuple[list[int], list[int]]:
    members = memberships(user).values()
    return [m.organization_id for m in members if m.role == Role.ADMIN], [m.pk for m in members]


def program_scope(user: Any) -> Q:
    """Programs the user may see: admin's organisation, coordinated, sponsored, taking part."""
    parts = program_scope_parts(user)
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def program_scope_parts(user: Any) -> list[Q]:
    """`program_scope`'s conditions one by one (none for someone in no organisation). ORed in
    one query, their joins multiply each program's coordinators, enrolments, circles and
    circle memberships (millions of rows for programs of 200 circles); a caller that filters
    on each part alone (`pk__in` one subquery per part) keeps every join small."""
    admin_orgs, ids = _admin_orgs_and_ids(user)
    if not ids:
        return []
    return [
        Q(organization_id__in=admin_orgs),
        Q(coordinators__in=ids),
        Q(sponsor_id__in=ids),
        Q(enrolments__member_id__in=ids, enrolments__withdrawn_on__isnull=True),
        Q(circles__memberships__member_id__in=ids, circles__memberships__left_on__isnull=True),
    ]


def _capacities(
    member: Member | None, *, sponsor_id: int | None, flags: dict[str, bool]
) -> set[Capacity]:
    if member is None:
        return set()
    found: set[Capacity] = set()
    if member.role == Role.ADMIN:
        found.add(Capacity.ADMIN)
    if sponsor_id == member.pk:
        found.add(Capacity.SPONSOR)
    if flags["viewer_coordinates"]:
        found.add(Capacity.COORDINATOR)
    if flags["viewer_enrolled"] or flags["viewer_in_a_circle"]:
        found.add(Capacity.PARTICIPANT)
    return found


def program_roles(user: Any, program: Program) -> set[Capacity]:
    member = member_in(user, program.organization_id)
    if member is None:
        return set()
    return _capacities(
        member, sponsor_id=program.sponsor_id, flags=_flags(program, user, _PROGRAM_FLAGS)
    )


def can_view_program(user: Any, program: Program) -> bool:
    return bool(program_roles(user, program))


def can_view_program_overview(user: Any, program: Program) -> bool:
    """All circles, enrolments and figures: the people who run or answer for the program."""
    return bool(program_roles(user, program) & OVERSEERS)


def can_manage_program(user: Any, program: Program) -> bool:
    return bool(program_roles(user, program) & MANAGERS)


# --- circles ------------------------------------------------------------------------------


def circle_scope(user: Any) -> Q:
    """Circles the user may see: those of programs they oversee, and those they lead or are in."""
    admin_orgs, ids = _admin_orgs_and_ids(user)
    if not ids:
        return Q(pk__in=[])
    return (
        Q(program__organization_id__in=admin_orgs)
        | Q(program__coordinators__in=ids)
        | Q(program__sponsor_id__in=ids)
        | Q(lead_id__in=ids)
        | Q(memberships__member_id__in=ids, memberships__left_on__isnull=True)
    )


def circle_roles(user: Any, circle: Circle) -> set[Capacity]:
    """The program-level capacities that reach into every circle (admin, coordinator, sponsor),
    plus lead and member of this circle. Needs `circle.program` (select_related by selectors)."""
    member = member_in(user, circle.program.organization_id)
    if member is None:
        return set()
    flags = _flags(circle, user, _CIRCLE_FLAGS)
    found = _capacities(member, sponsor_id=circle.program.sponsor_id, flags=flags) & OVERSEERS
    if circle.lead_id == member.pk:
        found.add(Capacity.LEAD)
    if flags["viewer_is_member"]:
        found.add(Capacity.MEMBER)
    return found


def can_view_circle(user: Any, circle: Circle) -> bool:
    return bool(circle_roles(user, circle))


def can_manage_circle(user: Any, circle: Circle) -> bool:
    """Lead, coordinators and admins change a circle's details; sponsors only read."""
    return bool(circle_roles(user, circle) & (MANAGERS | {Capacity.LEAD}))


def can_change_circle_members(user: Any, circle: Circle) -> bool:
    """Who is in which circle is the program's business: coordinators and admins."""
    return bool(circle_roles(user, circle) & MANAGERS)


# --- meetings -----------------------------------------------------------------------------


def can_take_part_in_circle(user: Any, circle: Circle) -> bool:
    """Members and the lead add agenda items, write notes, report attendance, give feedback."""
    return bool(circle_roles(user, circle) & {Capacity.MEMBER, Capacity.LEAD})


def can_change_agenda_item(user: Any, circle: Circle, added_by_id: int | None) -> bool:
    """Edit, reorder or remove an agenda item: whoever added it (while in the circle), and the
    lead, coordinators and admins."""
    roles = circle_roles(user, circle)
    if roles & (MANAGERS | {Capacity.LEAD}):
        return True
    me = member_in(user, circle.program.organization_id)
    return Capacity.MEMBER in roles and me is not None and me.pk == added_by_id


def can_edit_meeting_notes(user: Any, circle: Circle) -> bool:
    return bool(circle_roles(user, circle) & (MANAGERS | {Capacity.MEMBER, Capacity.LEAD}))


def can_form_circles(user: Any, program: Program) -> bool:
    """Propose, edit and publish circles for a program: its coordinators and org admins."""
    return can_manage_program(user, program)


# --- ideas: decisions ---------------------------------------------------------------------


def can_decide_idea(user: Any, circle: Circle) -> bool:
    """Move an idea along its stages, start its trial, reveal or hide its temperature results:
    the circle's lead, and the program's coordinators and admins. Sponsors only read."""
    return bool(circle_roles(user, circle) & (MANAGERS | {Capacity.LEAD}))


def can_record_trial_outcome(user: Any, circle: Circle, owner_id: int | None) -> bool:
    """Record how a trial went against its measure: whoever may decide, and the trial's owner
    while they are in the circle."""
    roles = circle_roles(user, circle)
    if roles & (MANAGERS | {Capacity.LEAD}):
        return True
    me = member_in(user, circle.program.organization_id)
    return Capacity.MEMBER in roles and me is not None and me.pk == owner_id


# --- ideas: challenges, ideas and critiques --------------------------------------------------


def can_pose_circle_challenge(user: Any, circle: Circle) -> bool:
    """Pose a challenge to one circle, and change or close it: its lead, the program's
    coordinators and the organisation's admins (the sponsor reads)."""
    return can_manage_circle(user, circle)


def can_pose_program_challenge(user: Any, program: Program) -> bool:
    """Pose a challenge to every circle of a program, and change or close it: the program's
    coordinators and the organisation's admins (a lead speaks for one circle only)."""
    return can_manage_program(user, program)


def can_take_part_in_ideas(user: Any, circle: Circle) -> bool:
    """Propose ideas, critique, reply and endorse in a circle: its members and its lead."""
    return can_take_part_in_circle(user, circle)


def can_moderate_ideas(user: Any, circle: Circle) -> bool:
    """Hide an abusive idea or critique (with a reason) and set the circle's guideline and
    anonymity: the lead, coordinators and admins."""
    return can_manage_circle(user, circle)


def can_view_challenge(user: Any, challenge: Any) -> bool:
    """A circle's challenge: whoever sees the circle; a program-wide one: whoever sees the
    program (each circle's ideas stay visible only to those who see that circle)."""
    if challenge.circle_id is not None:
        return can_view_circle(user, challenge.circle)
    return can_view_program(user, challenge.program)


def can_manage_challenge(user: Any, challenge: Any) -> bool:
    """Edit, close and reopen a challenge: whoever may pose it where it is posed."""
    if challenge.circle_id is not None:
        return can_pose_circle_challenge(user, challenge.circle)
    return can_pose_program_challenge(user, challenge.program)


# --- ideas: points of view, agenda, voice ----------------------------------------------------


def can_view_points_of_view(user: Any, challenge: Any) -> bool:
    """The points-of-view page of a program-wide challenge: whoever sees the program. Each
    circle's ideas show in full to those who see that circle (`can_view_circle`); the other
    circles' show in summary, without names, so that circles learn from each other."""
    return challenge.circle_id is None and can_view_program(user, challenge.program)


def can_adopt_idea_into(user: Any, circle: Circle) -> bool:
    """Propose another circle's adopted idea to this circle: its members and its lead, as for
    proposing any idea there."""
    return can_take_part_in_ideas(user, circle)


def can_put_on_agenda(user: Any, circle: Circle) -> bool:
    """Add an idea or a challenge to the circle's next meeting: whoever adds agenda items."""
    return can_take_part_in_circle(user, circle)


def can_see_voice(user: Any, circle: Circle) -> bool:
    """Who has spoken up in the circle's ideas lately (named contributions only): the circle's
    lead alone, to invite quieter people in; not coordinators, admins or sponsors, for whom it
    would read as a performance score."""
    return Capacity.LEAD in circle_roles(user, circle)


# --- commitments ----------------------------------------------------------------------------


def can_view_commitments_board(user: Any, circle: Circle) -> bool:
    """A circle's commitments and their board: its members and its lead; the program's
    coordinators, admins and sponsor, who only read."""
    return can_view_circle(user, circle)


def can_view_commitment(user: Any, commitment: Any) -> bool:
    """One commitment: its owner always (even after leaving the circle), and whoever sees its
    circle's board. Needs `commitment.circle.program`."""
    me = member_in(user, commitment.circle.program.organization_id)
    if me is not None and me.pk == commitment.owner_id:
        return True
    return can_view_commitments_board(user, commitment.circle)


def can_ask_for_commitment(user: Any, circle: Circle) -> bool:
    """Ask someone in the circle for a commitment: its members and its lead (peers ask peers),
    and the program's coordinators and admins. The sponsor reads only."""
    return bool(circle_roles(user, circle) & (MANAGERS | {Capacity.LEAD, Capacity.MEMBER}))


def can_take_on_commitment(user: Any, circle: Circle) -> bool:
    """Take a commitment on oneself, with one's own date: the circle's members and its lead."""
    return can_take_part_in_circle(user, circle)


def can_link_commitments(user: Any, commitment: Any) -> bool:
    """Say what a commitment waits on, or that it no longer does: its owner, and whoever runs
    the circle (the lead, coordinators and admins)."""
    me = member_in(user, commitment.circle.program.organization_id)
    if me is not None and me.pk == commitment.owner_id:
        return True
    return can_manage_circle(user, commitment.circle)


# --- commitments: escalations ---------------------------------------------------------------
# Escalation takes an overdue or often-moved commitment to the program's sponsor. The owner is
# told first and has a period to add their side: until `owner_period_ends_at` passes, nobody above
# the circle (sponsor, coordinators, admins) sees the escalation at all.


def _escalation_period_over(escalation: Any) -> bool:
    return bool(escalation.owner_period_ends_at <= timezone.now())


def can_escalate_commitment(user: Any, commitment: Any) -> bool:
    """Take a commitment to the program's sponsor: the circle's lead alone (the issue's "the
    lead may escalate"); coordinators and admins set the thresholds but do not escalate."""
    return Capacity.LEAD in circle_roles(user, commitment.circle)


def can_view_escalation(user: Any, escalation: Any) -> bool:
    """The escalation and its documentation: the commitment's owner and the circle's lead (and
    whoever raised it) at once; the program's sponsor, coordinators and admins only once the
    owner's period has passed. Needs `escalation.commitment.circle.program`."""
    commitment = escalation.commitment
    me = member_in(user, commitment.circle.program.organization_id)
    if me is None:
        return False
    if me.pk in (commitment.owner_id, escalation.raised_by_id):
        return True
    roles = circle_roles(user, commitment.circle)
    if Capacity.LEAD in roles:
        return True
    return bool(roles & OVERSEERS) and _escalation_period_over(escalation)


def can_add_owner_side(user: Any, escalation: Any) -> bool:
    """Add or rewrite one's side of the story: the commitment's owner alone."""
    me = member_in(user, escalation.commitment.circle.program.organization_id)
    return me is not None and me.pk == escalation.commitment.owner_id


def can_resolve_escalation(user: Any, escalation: Any) -> bool:
    """Comment on and resolve an escalation: the program's sponsor, once the owner's period has
    passed (coordinators and admins read it; the sponsor answers for the program)."""
    roles = circle_roles(user, escalation.commitment.circle)
    return Capacity.SPONSOR in roles and _escalation_period_over(escalation)


def can_change_commitment_settings(user: Any, program: Program) -> bool:
    """A program's escalation thresholds and the owner's period: its coordinators and admins."""
    return can_manage_program(user, program)


def can_manage_busy_period(user: Any, period: Any) -> bool:
    """A busy period is its member's own: only they see, change or move by it."""
    me = member_in(user, period.member.organization_id)
    return me is not None and me.pk == period.member_id


# --- leadership: the lead's toolkit ---------------------------------------------------------------
# Reflections, peer notes and support plans are their author's alone: no admin, coordinator,
# sponsor or later lead reads them. A lead who stops leading keeps reading their own (read only).


def can_use_lead_toolkit(user: Any, circle: Circle) -> bool:
    """The onboarding, and writing reflections, peer notes and support plans for a circle: its
    current lead alone."""
    return Capacity.LEAD in circle_roles(user, circle)


def can_read_private_note(user: Any, note: Any) -> bool:
    """A reflection, peer note or support plan: its author, and nobody else, ever."""
    me = member_in(user, note.circle.program.organization_id)
    return me is not None and me.pk == note.author_id


def can_change_private_note(user: Any, note: Any) -> bool:
    """Its author, while they still lead the circle; afterwards they read it only."""
    return can_read_private_note(user, note) and can_use_lead_toolkit(user, note.circle)


def can_propose_mission_line(user: Any, circle: Circle) -> bool:
    """Propose a line for the circle's mission and acknowledge a version: members and the lead."""
    return can_take_part_in_circle(user, circle)


def can_assemble_mission(user: Any, circle: Circle) -> bool:
    """Assemble a new version of the mission from the proposed lines: the lead, and the
    program's coordinators and admins (for a circle without a lead)."""
    return can_manage_circle(user, circle)


def can_view_shared_profile(user: Any, member: Member, *, shares_a_circle: bool) -> bool:
    """What a member shares with their circles: the member, and the people in a circle with them
    now (its members and lead). `shares_a_circle` comes from one query in the selector."""
    me = member_in(user, member.organization_id)
    if me is None:
        return False
    return me.pk == member.pk or shares_a_circle


def can_draft_agreement(user: Any, circle: Circle) -> bool:
    """Write the circle's working agreement (from templates, or a new version directly), decide
    an amendment, set the revisit: the lead, coordinators and admins."""
    return can_manage_circle(user, circle)


def can_take_part_in_agreement(user: Any, circle: Circle) -> bool:
    """Acknowledge the current version and propose an amendment: members and the lead."""
    return can_take_part_in_circle(user, circle)


def can_recognise_in(user: Any, circle: Circle) -> bool:
    """Credit a peer's contribution in a circle: its members and lead, and the program's
    coordinators and admins."""
    return bool(circle_roles(user, circle) & (MANAGERS | {Capacity.LEAD, Capacity.MEMBER}))


def can_view_recognition(user: Any, recognition: Any) -> bool:
    """Whoever sees the circle; the recipient's manager too once the recipient agreed."""
    if can_view_circle(user, recognition.circle):
        return True
    me = member_in(user, recognition.circle.program.organization_id)
    return (
        me is not None
        and recognition.shared_with_manager
        and recognition.recipient.manager_id == me.pk
    )


def can_share_recognition(user: Any, recognition: Any) -> bool:
    """Show it to one's manager, or stop: the recipient alone."""
    me = member_in(user, recognition.circle.program.organization_id)
    return me is not None and me.pk == recognition.recipient_id


def can_download_experience_record(user: Any, member: Member) -> bool:
    """A member's experience record is theirs to download: the member alone."""
    me = member_in(user, member.organization_id)
    return me is not None and me.pk == member.pk


def can_set_meeting_rotation(user: Any, circle: Circle) -> bool:
    """Turn on, order or stop the rotation of who runs each meeting: lead, coordinators, admins."""
    return can_manage_circle(user, circle)


def can_volunteer_to_run(user: Any, circle: Circle) -> bool:
    """Volunteer to run a meeting (or step back): the circle's members and lead."""
    return can_take_part_in_circle(user, circle)


# --- insights: health figures, pulses, exports, people's own data ---------------------------


def can_view_circle_health(user: Any, circle: Circle) -> bool:
    """A circle's health page (figures, never people's answers): everyone who may see the circle.
    Its members see how their own circle is doing; overseers see every circle's."""
    return can_view_circle(user, circle)


def can_view_program_dashboard(user: Any, program: Program) -> bool:
    """Every circle's health and the at-risk flags: admins, coordinators and the sponsor."""
    return can_view_program_overview(user, program)


def can_set_pulse_schedule(user: Any, program: Program) -> bool:
    """Turn the program's pulse on or off and set its cadence: coordinators and admins."""
    return can_manage_program(user, program)


def can_answer_pulse(user: Any, circle: Circle) -> bool:
    """Answer a circle's pulse: its current members and lead, nobody else."""
    return can_take_part_in_circle(user, circle)


def can_export_program(user: Any, program: Program) -> bool:
    """The program's CSV exports and printable report: admins, coordinators and the sponsor."""
    return can_view_program_overview(user, program)


def can_download_own_data(user: Any, member: Member) -> bool:
    """Everything Roundtable holds about a member, as a download: that member alone."""
    me = member_in(user, member.organization_id)
    return me is not None and me.pk == member.pk


def can_erase_member(user: Any, member: Member) -> bool:
    """Erase a member's personal data: an admin of the member's organisation (the service also
    refuses to erase the organisation's last admin)."""
    return can_administer_organization(user, member.organization)
