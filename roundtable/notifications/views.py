"""A member chooses which emails they receive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.core import permissions
from roundtable.notifications.forms import PreferencesForm
from roundtable.notifications.services import notification_preferences_set


@login_required
@require_POST
def preferences_save(request: HttpRequest) -> HttpResponse:
    members = list(permissions.memberships(request.user).values())
    if not members:
        raise Http404
    form = PreferencesForm(request.POST)
    form.is_valid()  # booleans: every input is valid
    for member in members:
        notification_preferences_set(member=member, **form.cleaned_data)
    messages.success(request, "Email choices saved.")
    return redirect(reverse("orgs:profile") + "#emails")
