"""Reads for circle formation: the runs and pair rules a coordinator may reach (the one access
path), the people to place, where they are now, and what the pages list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

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


def formation_proposal_people(
    *, run: FormationRun, ids: Iterable[str] | None = None
) -> dict[str, Member]:
    """Member id (as the proposal keys it) -> member, for `ids` (default: everyone in the
    proposal)."""
    wanted = [int(p) for p in (run.assignment if ids is None else ids)]
    return {str(m.pk): m for m in Member.objects.filter(pk__in=wanted).select_related("user")}


PROPOSAL_PAGE_SIZE = 24  # circles per page of a proposal
SEARCH_LIMIT = 20  # people listed for a search
MOVED_LISTED = 50  # people named in "would change circle"; the rest are counted


def formation_proposal_search(*, run: FormationRun, query: str) -> list[Member]:
    """People of the proposal whose name or email contains `query` (in name order, at most
    SEARCH_LIMIT), found by the database among the program's enrolled members."""
    query = query.strip()
    if not query:
        return []
    found = (
        Member.objects.filter(
            enrolments__program_id=run.program_id, enrolments__withdrawn_on__isnull=True
        )
        .filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
        .select_related("user")
        .order_by("user__full_name", "pk")
        .distinct()
    )
    return [m for m in found[: SEARCH_LIMIT * 2] if str(m.pk) in run.assignment][:SEARCH_LIMIT]


def formation_proposal_page(
    *, run: FormationRun, page: int = 1, query: str = "", compact: bool = False
) -> dict[str, Any]:
    """What one page of a proposal shows, in a fixed number of queries whatever its size:
    PROPOSAL_PAGE_SIZE circles with their people, the people a search finds (the page then
    opens on the first one's circle, unless a page was asked for) and the first MOVED_LISTED
    people who would change circle. `page` 0 means "where the search leads", else page 1."""
    proposal = run.proposal or {}
    entries = proposal.get("circles", [])
    position = {c["key"]: i for i, c in enumerate(entries)}
    found = formation_proposal_search(run=run, query=query)
    found_keys = {run.assignment[str(m.pk)] for m in found}
    pages = max(1, -(-len(entries) // PROPOSAL_PAGE_SIZE))
    if page < 1:
        first = next((position[run.assignment[str(m.pk)]] for m in found), 0)
        page = first // PROPOSAL_PAGE_SIZE + 1
    page = min(page, pages)
    shown = entries[(page - 1) * PROPOSAL_PAGE_SIZE : page * PROPOSAL_PAGE_SIZE]
    moved = list(proposal.get("moved", []))
    people = formation_proposal_people(
        run=run, ids={p for c in shown for p in c["members"]} | set(moved[:MOVED_LISTED])
    )
    pinned = {str(p) for p in run.pinned}
    moved_set, found_ids = set(moved), {str(m.pk) for m in found}
    circles = [
        {
            **c,
            "size": len(c["members"]),
            "found": c["key"] in found_keys,
            "people": sorted(
                (
                    {
                        "member": people[p],
                        "pinned": p in pinned,
                        "moved": p in moved_set,
                        "found": p in found_ids,
                    }
                    for p in c["members"]
                    if p in people
                ),
                key=lambda person: person["member"].name.lower(),
            ),
        }
        for c in shown
    ]
    leads = formation_circle_leads(program=run.program)
    names = {c["key"]: c["name"] for c in entries}
    return {
        "circles": circles,
        "circle_choices": [(c["key"], c["name"]) for c in entries],
        "circle_count": len(entries),
        "people_count": len(run.assignment),
        "page": page,
        "pages": pages,
        "page_numbers": _page_numbers(page, pages),
        "query": query.strip(),
        "compact": compact,
        "found": [
            {
                "member": m,
                "circle": names[run.assignment[str(m.pk)]],
                "key": run.assignment[str(m.pk)],
                "page": position[run.assignment[str(m.pk)]] // PROPOSAL_PAGE_SIZE + 1,
            }
            for m in found
        ],
        "everyone": sorted(
            (person["member"] for c in circles for person in c["people"]),
            key=lambda m: m.name.lower(),
        ),
        "moved_people": [
            {"member": people[p], "leads": leads.get(p)}
            for p in moved[:MOVED_LISTED]
            if p in people
        ],
        "moved_more": max(0, len(moved) - MOVED_LISTED),
    }


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """Page links to show: the first, the last and two either side of `page`; None is a gap."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def formation_circle_leads(*, program: Program) -> dict[str, str]:
    """Member id -> name of the circle they lead now, for the program's circles."""
    return {str(c.lead_id): c.name for c in program.circles.all() if c.lead_id}
