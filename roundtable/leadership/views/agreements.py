"""The working agreement's pages: the agreement (current version, who agreed, what changed),
an earlier version, drafting a version, proposing an amendment and deciding it. Someone who
may not see the circle gets a 404; a refused action on a visible one, a message saying why."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from roundtable.circles.models import Circle
from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error, service_action
from roundtable.leadership.agreement_templates import AGREEMENT_TEMPLATES
from roundtable.leadership.forms.agreements import (
    AmendmentForm,
    DeclineForm,
    DraftForm,
    RevisitForm,
    sections_formset,
    sections_from,
)
from roundtable.leadership.models import AgreementAmendment
from roundtable.leadership.selectors.agreements import (
    agreement_circle_get_for_user,
    agreement_current_version,
    agreement_page,
    agreement_previous_version,
    agreement_version_get,
    amendment_get_for_user,
    circle_agreement,
    sections_changes,
    version_made_on,
)
from roundtable.leadership.services import agreements as services

TAKE_PART_ONLY = "Only the circle's members and its lead agree to its agreement: you can read it."
DRAFTERS_ONLY = "Only the circle's lead, the program's coordinators and admins decide this."


def _agreement_url(circle: Circle) -> str:
    return reverse("leadership:agreement", args=[circle.pk])


def _amendment_url(circle: Circle, amendment: AgreementAmendment) -> str:
    return reverse("leadership:agreement_amendment", args=[circle.pk, amendment.pk])


def _me(request: HttpRequest, circle: Circle) -> Any:
    return permissions.acting_member(request.user, circle.program.organization_id)


# --- reading ------------------------------------------------------------------------------------


@login_required
@require_GET
def agreement_detail(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(user=request.user, circle_pk=circle_pk)
    page = agreement_page(circle=circle, user=request.user)
    can_draft = permissions.can_draft_agreement(request.user, circle)
    takes_part = permissions.can_take_part_in_agreement(request.user, circle)
    return render(
        request,
        "leadership/agreement_detail.html",
        {
            "circle": circle,
            "program": circle.program,
            "page": page,
            "can_draft": can_draft,
            "takes_part": takes_part,
            # Who has agreed, by name: for the people in the circle and those who run it.
            "show_names": can_draft or takes_part,
            "revisit_form": RevisitForm(initial={"revisit_months": page.agreement.revisit_months})
            if page.agreement is not None
            else None,
            "nav_section": "programs",
        },
    )


@login_required
@require_GET
def agreement_version(request: HttpRequest, circle_pk: int, number: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(user=request.user, circle_pk=circle_pk)
    agreement = circle_agreement(circle=circle)
    if agreement is None:
        raise Http404("No such version.")
    version = agreement_version_get(agreement=agreement, number=number)
    previous = agreement_previous_version(version=version)
    current = agreement_current_version(agreement=agreement)
    return render(
        request,
        "leadership/agreement_version.html",
        {
            "circle": circle,
            "program": circle.program,
            "version": version,
            "made_on": version_made_on(version, circle),
            "previous": previous,
            "changes": sections_changes(previous.sections, version.sections)
            if previous is not None
            else [],
            "current": current,
            "nav_section": "programs",
        },
    )


# --- drafting -----------------------------------------------------------------------------------


def _sections_error(form: Any, exc: DomainError) -> str:
    """Where a service's refusal shows: next to its field, or above the sections."""
    if exc.field in form.fields:
        form_error(form, exc)
        return ""
    return exc.message


@login_required
def agreement_draft(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(
        user=request.user, circle_pk=circle_pk, can=permissions.can_draft_agreement
    )
    agreement = circle_agreement(circle=circle)
    current = agreement_current_version(agreement=agreement) if agreement is not None else None
    data = request.POST if request.method == "POST" else None
    formset = sections_formset(data, sections=current.sections if current else None)
    form = DraftForm(
        data,
        first=current is None,
        initial={"revisit_months": agreement.revisit_months if agreement else 3},
    )
    sections_error = ""
    if data is not None and formset.is_valid() and form.is_valid():
        try:
            version = services.agreement_version_create(
                circle=circle,
                author=_me(request, circle),
                sections=sections_from(formset),
                change_note=form.cleaned_data.get("change_note") or "",
                revisit_months=form.cleaned_data["revisit_months"],
            )
        except DomainError as exc:
            sections_error = _sections_error(form, exc)
        else:
            messages.success(
                request,
                f"Version {version.number} saved. Everyone in the circle is asked to read it "
                "and agree, you too.",
            )
            return redirect(_agreement_url(circle))
    first = current is None
    return render(
        request,
        "leadership/agreement_form.html",
        {
            "circle": circle,
            "program": circle.program,
            "formset": formset,
            "form": form,
            "sections_error": sections_error,
            "title": "Draft your working agreement"
            if first
            else f"Write version {current.number + 1 if current else 1}",
            "subtitle": (
                "Start from these sections: untick what does not fit, rewrite the rest in your "
                "own words, add your own. Make explicit what is fine and what is not."
                if first
                else "Edit the sections, add or remove one. Everyone agrees to the new version "
                "afresh."
            ),
            "submit_label": "Save version 1" if first else "Save the new version",
            "templates": AGREEMENT_TEMPLATES if first else (),
            "nav_section": "programs",
        },
        status=400 if sections_error or form.errors else 200,
    )


@login_required
@require_POST
def agreement_revisit(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(user=request.user, circle_pk=circle_pk)
    form = RevisitForm(request.POST)

    def act() -> Any:
        permission_require(permissions.can_draft_agreement(request.user, circle), DRAFTERS_ONLY)
        if not form.is_valid():
            raise DomainError("Revisit the agreement every 1 to 12 months.")
        return services.agreement_revisit_set(
            circle=circle, months=form.cleaned_data["revisit_months"]
        )

    service_action(
        request,
        act,
        success=lambda a: (
            f"The circle revisits its agreement every {a.revisit_months} "
            f"month{'s' if a.revisit_months != 1 else ''}: next on {a.revisit_on:%-d %B %Y}."
        ),
    )
    return redirect(_agreement_url(circle))


# --- acknowledging ------------------------------------------------------------------------------


@login_required
@require_POST
def agreement_acknowledge(request: HttpRequest, circle_pk: int, number: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(user=request.user, circle_pk=circle_pk)

    def act() -> Any:
        permission_require(
            permissions.can_take_part_in_agreement(request.user, circle), TAKE_PART_ONLY
        )
        return services.agreement_acknowledge(
            circle=circle, member=_me(request, circle), number=number
        )

    service_action(
        request, act, success=lambda ack: f"You agreed to version {ack.version.number}. Thank you."
    )
    return redirect(_agreement_url(circle))


# --- amendments ---------------------------------------------------------------------------------


@login_required
def amendment_propose(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(
        user=request.user, circle_pk=circle_pk, can=permissions.can_take_part_in_agreement
    )
    agreement = circle_agreement(circle=circle)
    current = agreement_current_version(agreement=agreement) if agreement is not None else None
    if agreement is None or current is None:
        messages.error(request, "There is no agreement yet to change.")
        return redirect(_agreement_url(circle))
    data = request.POST.copy() if request.method == "POST" else None
    formset = sections_formset(data, sections=current.sections)
    form = AmendmentForm(data, initial={"based_on": current.number})
    sections_error, changed_since, since_number = "", [], None
    if data is not None and formset.is_valid() and form.is_valid():
        based_on = form.cleaned_data["based_on"]
        try:
            amendment = services.amendment_propose(
                circle=circle,
                member=_me(request, circle),
                based_on_number=based_on,
                sections=sections_from(formset),
                reason=form.cleaned_data.get("reason") or "",
            )
        except DomainError as exc:
            if exc.field != "based_on":
                sections_error = _sections_error(form, exc)
            else:
                sections_error = exc.message
                # Show what changed since the version they started from, and let them send
                # their text again on the current one.
                started = agreement.versions.filter(number=based_on).first()
                if started is not None:
                    changed_since = sections_changes(started.sections, current.sections)
                    since_number = started.number
                data["based_on"] = str(current.number)
                form = AmendmentForm(data)
                form.is_valid()
        else:
            messages.success(request, "Amendment proposed: the lead will decide on it.")
            return redirect(_amendment_url(circle, amendment))
    return render(
        request,
        "leadership/agreement_form.html",
        {
            "circle": circle,
            "program": circle.program,
            "formset": formset,
            "form": form,
            "sections_error": sections_error,
            "changed_since": changed_since,
            "since_number": since_number,
            "current": current,
            "title": f"Propose a change to version {current.number}",
            "subtitle": "Edit the sections as you would have them, and say why. The lead "
            "accepts or declines it, with a reason.",
            "submit_label": "Propose this change",
            "templates": (),
            "nav_section": "programs",
        },
        status=400 if sections_error or form.errors else 200,
    )


@login_required
@require_GET
def amendment_detail(request: HttpRequest, circle_pk: int, pk: int) -> HttpResponse:
    circle = agreement_circle_get_for_user(user=request.user, circle_pk=circle_pk)
    amendment = amendment_get_for_user(user=request.user, circle=circle, pk=pk)
    current = agreement_current_version(agreement=amendment.agreement)
    is_open = amendment.status == AgreementAmendment.Status.PROPOSED
    outdated = is_open and current is not None and current.pk != amendment.based_on_id
    me = permissions.member_in(request.user, circle.program.organization_id)
    return render(
        request,
        "leadership/agreement_amendment.html",
        {
            "circle": circle,
            "program": circle.program,
            "amendment": amendment,
            "current": current,
            "is_open": is_open,
            "outdated": outdated,
            "changes": sections_changes(amendment.based_on.sections, amendment.sections),
            "changed_since": sections_changes(amendment.based_on.sections, current.sections)
            if outdated and current is not None
            else [],
            "can_decide": is_open and permissions.can_draft_agreement(request.user, circle),
            "can_withdraw": is_open and me is not None and me.pk == amendment.proposed_by_id,
            "decline_form": DeclineForm(),
            "nav_section": "programs",
        },
    )


def _amendment_action(
    request: HttpRequest,
    circle_pk: int,
    pk: int,
    action: Any,
    success: str,
    *,
    then_agreement: bool = False,
) -> HttpResponse:
    """One button on an amendment: the agreement page once it made a new version, else back to
    the amendment (with the reason for a refusal)."""
    circle = agreement_circle_get_for_user(user=request.user, circle_pk=circle_pk)
    amendment = amendment_get_for_user(user=request.user, circle=circle, pk=pk)
    done = service_action(request, lambda: action(circle, amendment), success=success)
    if done and then_agreement:
        return redirect(_agreement_url(circle))
    return redirect(_amendment_url(circle, amendment))


@login_required
@require_POST
def amendment_accept(request: HttpRequest, circle_pk: int, pk: int) -> HttpResponse:
    def act(circle: Circle, amendment: AgreementAmendment) -> Any:
        permission_require(permissions.can_draft_agreement(request.user, circle), DRAFTERS_ONLY)
        return services.amendment_accept(amendment=amendment, decided_by=_me(request, circle))

    return _amendment_action(
        request,
        circle_pk,
        pk,
        act,
        "Amendment accepted: it is the new version, and everyone is asked to agree to it.",
        then_agreement=True,
    )


@login_required
@require_POST
def amendment_decline(request: HttpRequest, circle_pk: int, pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)

    def act(circle: Circle, amendment: AgreementAmendment) -> Any:
        permission_require(permissions.can_draft_agreement(request.user, circle), DRAFTERS_ONLY)
        reason = form.cleaned_data.get("reason") or "" if form.is_valid() else ""
        return services.amendment_decline(
            amendment=amendment, decided_by=_me(request, circle), reason=reason
        )

    return _amendment_action(
        request, circle_pk, pk, act, "Amendment declined; its proposer is told why."
    )


@login_required
@require_POST
def amendment_withdraw(request: HttpRequest, circle_pk: int, pk: int) -> HttpResponse:
    def act(circle: Circle, amendment: AgreementAmendment) -> Any:
        return services.amendment_withdraw(amendment=amendment, member=_me(request, circle))

    return _amendment_action(request, circle_pk, pk, act, "Amendment withdrawn.")
