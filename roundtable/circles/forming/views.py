"""Circle formation pages: criteria and pair rules, a proposal with its balance chart, moves and
pins (htmx), publish. Every business rule lives in `forming.services` and `forming.pairs`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.forming import pairs, selectors, services
from roundtable.circles.forming.criteria import CRITERIA
from roundtable.circles.forming.forms import (
    FormationButtonForm,
    FormationPinForm,
    FormationProposalViewForm,
    FormationPublishForm,
    FormationRelaxForm,
)
from roundtable.circles.forming.proposal import formation_balance_chart
from roundtable.circles.forms import FormationForm, FormationMoveForm, PairRuleForm
from roundtable.circles.models import FormationRun
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error
from roundtable.programs.models import Program

Status = FormationRun.Status


@login_required
def formation_start_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.formation_program_get_for_user(user=request.user, pk=program_pk)
    initial = selectors.formation_form_initial(program=program)
    form = FormationForm(request.POST or None, criteria=CRITERIA, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.formation_start(
                program=program,
                by=permissions.acting_member(request.user, program.organization_id),
                settings=form.settings(),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("circles:formation_run", program_pk=program.pk, run_pk=run.pk)
    return render(
        request,
        "circles/formation_start.html",
        {
            "program": program,
            "form": form,
            "pair_form": PairRuleForm(program=program),
            "rules": selectors.pair_rule_list(program=program),
            "people": selectors.formation_member_count(program=program),
            "has_circles": program.circles.exists(),
            "runs": selectors.formation_run_list_recent(program=program),
            "nav_section": "programs",
        },
    )


def _proposal_context(program: Program, run: FormationRun, request: HttpRequest) -> dict[str, Any]:
    """One page of the proposal as the query string asks (page, search, compact rows); moves
    and pins post to URLs that carry the same query string, so their fragment stays put."""
    state = FormationProposalViewForm(request.GET).state()
    proposal = run.proposal or {}
    page = selectors.formation_proposal_page(run=run, **state)
    keep = {"q": page["query"], "view": "compact" if page["compact"] else ""}
    keep = {k: v for k, v in keep.items() if v}
    return {
        **page,
        "program": program,
        "run": run,
        "proposal": proposal,
        "balance_chart": formation_balance_chart(proposal.get("balance", [])),
        "checks": services.formation_check(run=run),
        "keep_query": urlencode(keep),
        "here_query": urlencode({**keep, "page": page["page"]}),
        "cards_query": urlencode({k: v for k, v in keep.items() if k != "view"}),
        "compact_query": urlencode({**keep, "view": "compact"}),
    }


@login_required
def formation_run_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    program = run.program
    context = _proposal_context(program, run, request) if run.status == Status.READY else {}
    if context and request.headers.get("HX-Request"):  # search and paging swap the proposal
        return render(request, "circles/_formation_proposal.html", context)
    context.update(
        {"program": program, "run": run, "nav_section": "programs", "polling": run.is_open}
    )
    return render(request, "circles/formation_run.html", context)


@login_required
def formation_progress_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    """Polled by htmx while the engine works; reloads the page once there is an answer."""
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    if run.status not in {Status.QUEUED, Status.RUNNING}:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "circles/_formation_progress.html", {"program": run.program, "run": run})


def _after_edit(request: HttpRequest, run: FormationRun) -> HttpResponse:
    """The proposal fragment for htmx, else back to the proposal page."""
    if request.headers.get("HX-Request"):
        run.refresh_from_db()
        return render(
            request,
            "circles/_formation_proposal.html",
            _proposal_context(run.program, run, request),
        )
    url = reverse("circles:formation_run", args=[run.program_id, run.pk])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@login_required
@require_POST
def formation_move_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    form_action(
        request,
        FormationMoveForm(request.POST),
        save=lambda data: services.formation_move(
            run=run, member_id=data["member"], circle_key=data["circle"]
        ),
        invalid="Choose a person and a circle.",
    )
    return _after_edit(request, run)


@login_required
@require_POST
def formation_pin_view(
    request: HttpRequest, program_pk: int, run_pk: int, member_pk: int
) -> HttpResponse:
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    form_action(
        request,
        FormationPinForm(request.POST),
        save=lambda data: services.formation_pin(
            run=run, member_id=member_pk, pinned=bool(data["pin"])
        ),
        invalid="Choose to pin or to unpin.",
    )
    return _after_edit(request, run)


@login_required
@require_POST
def formation_rerun_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    form_action(
        request,
        FormationButtonForm(request.POST),
        save=lambda _: services.formation_rerun(run=run),
        invalid="",
    )
    return redirect("circles:formation_run", program_pk=run.program_id, run_pk=run.pk)


@login_required
@require_POST
def formation_publish_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    program = run.program

    def publish(data: dict[str, Any]) -> None:
        circles = services.formation_publish(
            run=run,
            by=permissions.acting_member(request.user, program.organization_id),
            confirm_moves=data["confirm_moves"],
        )
        messages.success(request, f"Published {len(circles)} circles.")

    if form_action(request, FormationPublishForm(request.POST), save=publish, invalid=""):
        return redirect("programs:detail", pk=program.pk)
    return redirect("circles:formation_run", program_pk=program.pk, run_pk=run.pk)


@login_required
@require_POST
def formation_relax_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    """Form the circles again with one relaxation the engine found to work."""
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    program = run.program
    relaxed: list[FormationRun] = []

    def relax(data: dict[str, Any]) -> None:
        relaxed.append(
            services.formation_relax(
                run=run,
                by=permissions.acting_member(request.user, program.organization_id),
                choice=data["choice"],
            )
        )

    form_action(
        request,
        FormationRelaxForm(request.POST),
        save=relax,
        invalid="Choose one of the offered ways to form the circles.",
    )
    target = relaxed[0] if relaxed else run
    return redirect("circles:formation_run", program_pk=program.pk, run_pk=target.pk)


@login_required
@require_POST
def formation_discard_view(request: HttpRequest, program_pk: int, run_pk: int) -> HttpResponse:
    run = selectors.formation_run_get_for_user(user=request.user, program_pk=program_pk, pk=run_pk)
    form_action(
        request,
        FormationButtonForm(request.POST),
        save=lambda _: services.formation_discard(run=run),
        invalid="",
        success="Proposal discarded; no circle changed.",
    )
    return redirect("circles:formation_start", program_pk=run.program_id)


@login_required
@require_POST
def pair_rule_add_view(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.formation_program_get_for_user(user=request.user, pk=program_pk)

    def add(data: dict[str, Any]) -> None:
        rule = pairs.pair_rule_add(program=program, **data)
        messages.success(request, f"Added: {rule}.")

    form_action(
        request,
        PairRuleForm(request.POST, program=program),
        save=add,
        invalid="Choose two enrolled people and a rule.",
    )
    return redirect(reverse("circles:formation_start", args=[program.pk]) + "#pairs")


@login_required
@require_POST
def pair_rule_remove_view(request: HttpRequest, program_pk: int, rule_pk: int) -> HttpResponse:
    rule = selectors.pair_rule_get_for_user(user=request.user, program_pk=program_pk, pk=rule_pk)
    pairs.pair_rule_remove(rule=rule)
    messages.success(request, f"Removed: {rule}.")
    return redirect(reverse("circles:formation_start", args=[program_pk]) + "#pairs")
