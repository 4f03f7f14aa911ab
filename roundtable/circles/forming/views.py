"""Circle formation pages: criteria and pair rules, a proposal with its balance chart, moves and
pins (htmx), publish. Every business rule lives in `circles.formation`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles import formation as services
from roundtable.circles.forms import FormationForm, FormationMoveForm, PairRuleForm
from roundtable.circles.models import FormationRun, PairRule
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.orgs.models import Member
from roundtable.programs.models import Program
from roundtable.programs.selectors import program_get_for_user

Status = FormationRun.Status
CHART_WIDTH = 240  # px for 2 SD


def _program(request: HttpRequest, program_pk: int) -> Program:
    program = program_get_for_user(user=request.user, pk=program_pk)
    if not permissions.can_form_circles(request.user, program):
        raise Http404
    return program


def _run(request: HttpRequest, program_pk: int, run_pk: int) -> tuple[Program, FormationRun]:
    program = _program(request, program_pk)
    return program, get_object_or_404(FormationRun, pk=run_pk, program=program)


def _me(request: HttpRequest, program: Program) -> Member | None:
    return permissions.member_in(request.user, program.organization_id)


@login_required
def formation_start_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = _program(request, program_pk)
    defaults = services.formation_default_settings(program)
    initial = {
        **{k: v for k, v in defaults.items() if k != "weights"},
        **{f"weight_{name}": w for name, w in defaults["weights"].items()},
    }
    last = program.formation_runs.exclude(status=Status.DISCARDED).first()
    if last is not None:  # start from the last criteria used
        initial.update({k: v for k, v in last.settings.items() if k in initial})
        initial.update({f"weight_{n}": w for n, w in last.settings.get("weights", {}).items()})
    form = FormationForm(request.POST or None, criteria=services.CRITERIA, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.formation_start(
                program=program, by=_me(request, program), settings=form.settings()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("circles:formation_run", program_pk=program.pk, run_pk=run.pk)
    members = services.formation_members(program)
    return render(
        request,
        "circles/formation_start.html",
        {
            "program": program,
            "form": form,
            "pair_form": PairRuleForm(program=program),
            "rules": program.pair_rules.select_related("first__user", "second__user"),
            "people": len(members),
            "has_circles": program.circles.exists(),
            "runs": program.formation_runs.select_related("created_by__user")[:5],
            "nav_section": "programs",
        },
    )


def _proposal_context(program: Program, run: FormationRun) -> dict[str, Any]:
    proposal = run.proposal or {}
    ids = [int(p) for p in run.assignment]
    people = {
        str(m.pk): m
        for m in Member.objects.filter(pk__in=ids)
        .select_related("user")
        .prefetch_related("skills", "approaches")
    }
    pinned = {str(p) for p in run.pinned}
    leads = {str(c.lead_id): c.name for c in program.circles.all() if c.lead_id}
    moved = set(proposal.get("moved", []))
    circles = [
        {
            **c,
            "people": [
                {"member": people[p], "pinned": p in pinned, "moved": p in moved}
                for p in c["members"]
                if p in people
            ],
        }
        for c in proposal.get("circles", [])
    ]
    rows = []
    for b in proposal.get("balance", []):
        rows.append(
            {
                **b,
                "mean_width": round(min(b["mean_range"], 2.0) / 2.0 * CHART_WIDTH, 1),
                "sd_width": round(min(b["sd_range"], 2.0) / 2.0 * CHART_WIDTH, 1),
            }
        )
    return {
        "program": program,
        "run": run,
        "proposal": proposal,
        "circles": circles,
        "chart": rows,
        "chart_height": len(rows) * 34 + 24,
        "chart_width": CHART_WIDTH,
        "half_sd_x": 150 + CHART_WIDTH / 4,
        "moved_people": [
            {"member": people[p], "leads": leads.get(p)}
            for p in proposal.get("moved", [])
            if p in people
        ],
        "everyone": sorted(people.values(), key=lambda m: m.name),
    }


@login_required
def formation_run_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    program, run = _run(request, program_pk, run_pk)
    context = _proposal_context(program, run) if run.status == Status.READY else {}
    context.update(
        {"program": program, "run": run, "nav_section": "programs", "polling": run.is_open}
    )
    return render(request, "circles/formation_run.html", context)


@login_required
def formation_progress_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    """Polled by htmx while the engine works; reloads the page once there is an answer."""
    program, run = _run(request, program_pk, run_pk)
    if run.status not in {Status.QUEUED, Status.RUNNING}:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "circles/_formation_progress.html", {"program": program, "run": run})


def _after_edit(request: HttpRequest, program: Program, run: FormationRun) -> HttpResponse:
    if request.headers.get("HX-Request"):
        run.refresh_from_db()
        return render(request, "circles/_formation_proposal.html", _proposal_context(program, run))
    return redirect("circles:formation_run", program_pk=program.pk, run_pk=run.pk)


@login_required
@require_POST
def formation_move_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    program, run = _run(request, program_pk, run_pk)
    form = FormationMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a person and a circle.")
    else:
        try:
            services.formation_move(
                run=run,
                member_id=form.cleaned_data["member"],
                circle_key=form.cleaned_data["circle"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return _after_edit(request, program, run)


@login_required
@require_POST
def formation_pin_view(
    request: HttpRequest, program_pk: int, run_pk: int, member_pk: int
) -> HttpResponse:
    program, run = _run(request, program_pk, run_pk)
    try:
        services.formation_pin(run=run, member_id=member_pk, pinned=request.POST.get("pin") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _after_edit(request, program, run)


@login_required
@require_POST
def formation_rerun_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    program, run = _run(request, program_pk, run_pk)
    try:
        services.formation_rerun(run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("circles:formation_run", program_pk=program.pk, run_pk=run.pk)


@login_required
@require_POST
def formation_publish_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    program, run = _run(request, program_pk, run_pk)
    try:
        circles = services.formation_publish(
            run=run,
            by=_me(request, program),
            confirm_moves=request.POST.get("confirm_moves") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("circles:formation_run", program_pk=program.pk, run_pk=run.pk)
    messages.success(request, f"Published {len(circles)} circles.")
    return redirect("programs:detail", pk=program.pk)


@login_required
@require_POST
def formation_discard_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    program, run = _run(request, program_pk, run_pk)
    try:
        services.formation_discard(run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Proposal discarded; no circle changed.")
    return redirect("circles:formation_start", program_pk=program.pk)


@login_required
@require_POST
def pair_rule_add_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = _program(request, program_pk)
    form = PairRuleForm(request.POST, program=program)
    if form.is_valid():
        try:
            rule = services.pair_rule_add(program=program, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Added: {rule}.")
    else:
        messages.error(request, "Choose two enrolled people and a rule.")
    return redirect(reverse("circles:formation_start", args=[program.pk]) + "#pairs")


@login_required
@require_POST
def pair_rule_remove_view(request: HttpRequest, program_pk: int, rule_pk: int) -> HttpResponse:
    program = _program(request, program_pk)
    rule = get_object_or_404(PairRule, pk=rule_pk, program=program)
    services.pair_rule_remove(rule=rule)
    messages.success(request, f"Removed: {rule}.")
    return redirect(reverse("circles:formation_start", args=[program.pk]) + "#pairs")
