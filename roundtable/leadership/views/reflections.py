"""The lead's reflections on a circle: a new dated entry with the previous answers beside each
question, the earlier entries, and how often to be prompted to revisit them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error
from roundtable.leadership.forms.private import (
    QUESTIONS,
    ReflectionCadenceForm,
    ReflectionForm,
)
from roundtable.leadership.selectors.reflections import reflection_cadence_for, reflections_for
from roundtable.leadership.selectors.toolkit import toolkit_author, toolkit_circle_get
from roundtable.leadership.services import reflections as services
from roundtable.leadership.views.toolkit import PRIVACY_LINE


@login_required
def reflections(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = toolkit_circle_get(user=request.user, pk=circle_pk)
    lead = toolkit_author(user=request.user, circle=circle)
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_write(circle=circle, author=lead, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Saved, with today's date. Only you can read it.")
            return redirect(reverse("leadership:reflections", args=[circle.pk]))
    entries = list(reflections_for(circle=circle, author=lead))
    latest = entries[0] if entries else None
    cadence = reflection_cadence_for(circle=circle, author=lead)
    questions = [
        {
            "field": form[name],
            "question": text,
            "previous": getattr(latest, name) if latest else "",
        }
        for name, text in QUESTIONS.items()
    ]
    return render(
        request,
        "leadership/reflections.html",
        {
            "circle": circle,
            "program": circle.program,
            "form": form,
            "questions": questions,
            "latest": latest,
            "earlier": entries,
            "cadence": cadence,
            "cadence_form": ReflectionCadenceForm(
                initial={"every_weeks": cadence.every_weeks if cadence else 4}
            ),
            "privacy_line": PRIVACY_LINE,
            "nav_section": "programs",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def reflection_cadence(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = toolkit_circle_get(user=request.user, pk=circle_pk)
    lead = toolkit_author(user=request.user, circle=circle)
    form_action(
        request,
        ReflectionCadenceForm(request.POST),
        save=lambda data: services.reflection_cadence_set(
            circle=circle, author=lead, every_weeks=data["every_weeks"]
        ),
        invalid="Choose a number of weeks between 0 and 52.",
        success=lambda cadence: (
            f"We will remind you on {cadence.next_prompt_on:%d %b %Y}, then every "
            f"{cadence.every_weeks} week{'s' if cadence.every_weeks != 1 else ''}."
            if cadence.every_weeks
            else "No more reminders to revisit."
        ),
    )
    return redirect(reverse("leadership:reflections", args=[circle.pk]))
