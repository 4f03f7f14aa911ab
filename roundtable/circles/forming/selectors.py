"""Reads for circle formation: the runs and pair rules a coordinator may reach (the one access
path), the people to place, where they are now, and what the pages list."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from roundtable.circles.forming.criteria import formation_settings_default
from roundtable.circles.models import CircleMembership, FormationRun, PairRule
from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.orgs.models import AvailabilitySlot, Member
from roundtable.programs.models import Program
from roundtable.programs.selectors import program_get_for_user


def formation_program_get_for_user(*, user: Any, pk: int) -> Program:
    """A program whose circles the user may form (its coordinators and the organisation's
    admins); Http404 for anyone else, who cannot tell it from a program that does not exist."""
    return program_get_for_user(user=user, pk=pk, can=permissions.can_form_circles)


def formation_run_get(*, program: Program, pk: int) -> FormationRun:
    """One proposal of a program the caller was allowed to form circles for; else Http404."""
    return object_get_or_404(
        program.formation_runs.select_related("program__organization"),
        pk=pk,
        message="No such proposal.",
    )


def pair_rule_get(*, program: Program, pk: int) -> PairRule:
    """One pair rule of a program the caller was allowed to form circles for; else Http404."""
    return object_get_or_404(
        program.pair_rules.select_related("program__organization", "first__user", "second__user"),
        pk=pk,
        message="No such pair rule.",
    )


def formation_run_get_for_user(*, user: Any, program_pk: int, pk: int) -> FormationRun:
    """One proposal, for someone who may form the program's circles; Http404 otherwise."""
    program = formation_program_get_for_user(user=user, pk=program_pk)
    return formation_run_get(program=program, pk=pk)


def pair_rule_get_for_user(*, user: Any, program_pk: int, pk: int) -> PairRule:
    """One pair rule, for someone who may form the program's circles; Http404 otherwise."""
    program = formation_program_get_for_user(user=user, pk=program_pk)
    return pair_rule_get(program=program, pk=pk)


def pair_rule_list(*, program: Program) -> QuerySet[PairRule]:
    return program.pair_rules.select_related("first__user", "second__user")


def formation_run_list_recent(*, program: Program, limit: int = 5) -> QuerySet[FormationRun]:
    return program.formation_runs.select_related("created_by__user")[:limit]


def formation_form_initial(*, program: Program) -> dict[str, Any]:
    """The criteria form's starting values: the last criteria used, else the defaults."""
    defaults = formation_settings_default(program=program)
    initial = {
        **{k: v for k, v in defaults.items() if k != "weights"},
        **{f"weight_{name}": w for name, w in defaults["weights"].items()},
    }
    last = program.formation_runs.exclude(status=FormationRun.Status.DISCARDED).first()
    if last is not None:
        initial.update({k: v for k, v in last.settings.items() if k in initial})
        initial.update({f"weight_{n}": w for n, w in last.settings.get("weights", {}).items()})
    return initial


def formation_members(*, program: Program) -> list[Member]:
    """The people to place: active members enrolled (not withdrawn) in the program, with what
    the engine reads of them."""
    return list(
        Member.objects.filter(
            enrolments__program=program, enrolments__withdrawn_on__isnull=True, is_active=True
        )
        .select_related("user")
        .prefetch_related(
            "skills",
            "approaches",
            Prefetch("availability", queryset=AvailabilitySlot.objects.order_by("weekday")),
        )
        .order_by("pk")
        .distinct()
    )


def formation_member_count(*, program: Program) -> int:
    return (
        Member.objects.filter(
            enrolments__program=program, enrolments__withdrawn_on__isnull=True, is_active=True
        )
        .distinct()
        .count()
    )


def formation_placements(*, program: Program) -> tuple[dict[str, str], dict[str, str]]:
    """Member id -> circle key ("c<pk>") for everyone now in one of the program's circles,
    and circle key -> name for every circle of the program."""
    names = {f"c{c.pk}": c.name for c in program.circles.all()}
    current = {
        str(m.member_id): f"c{m.circle_id}"
        for m in CircleMembership.objects.filter(circle__program=program, left_on__isnull=True)
    }
    return current, names


def formation_proposal_people(*, run: FormationRun) -> dict[str, Member]:
    """Member id (as the proposal keys it) -> member, for everyone in the proposal."""
    ids = [int(p) for p in run.assignment]
    return {str(m.pk): m for m in Member.objects.filter(pk__in=ids).select_related("user")}


def formation_circle_leads(*, program: Program) -> dict[str, str]:
    """Member id -> name of the circle they lead now, for the program's circles."""
    return {str(c.lead_id): c.name for c in program.circles.all() if c.lead_id}
