"""A program's escalation settings: after how many days overdue, or how many date changes, the
lead may escalate, and how many working days the owner has to add their side. Coordinators and
admins change them; for anyone else the page does not exist, as editing the program does not."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from roundtable.commitments.selectors.escalations import (
    commitment_settings_of,
    program_get_for_settings,
)
from roundtable.commitments.services.escalations import SETTINGS_MAX, commitment_settings_set
from roundtable.core import permissions
from roundtable.core.form_pages import form_page


class CommitmentSettingsForm(forms.Form):
    overdue_days = forms.IntegerField(
        label="Days overdue before the lead may escalate",
        min_value=0,
        max_value=SETTINGS_MAX["overdue_days"],
    )
    moves = forms.IntegerField(
        label="Date changes the owner may make before the lead may escalate",
        help_text="The lead may escalate once the date has been moved more than this many times.",
        min_value=0,
        max_value=SETTINGS_MAX["moves"],
    )
    owner_period_days = forms.IntegerField(
        label="Working days the owner has to add their side",
        help_text="Monday to Friday, on the owner's calendar; then the sponsor sees it.",
        min_value=0,
        max_value=SETTINGS_MAX["owner_period_days"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_settings_page(request: HttpRequest, program_pk: int) -> HttpResponse:
    # Like editing the program itself: Http404 for whoever may not manage it.
    program = program_get_for_settings(
        user=request.user, pk=program_pk, can=permissions.can_change_commitment_settings
    )
    current = commitment_settings_of(program=program)
    form = CommitmentSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "overdue_days": current.overdue_days,
            "moves": current.moves,
            "owner_period_days": current.owner_period_days,
        },
    )
    back = reverse("programs:detail", args=[program.pk])
    return form_page(
        request,
        form,
        save=lambda data: commitment_settings_set(program=program, **data),
        success="Escalation settings saved.",
        then=back,
        title="Escalation settings",
        subtitle=program.name,
        submit_label="Save",
        cancel_url=back,
    )
