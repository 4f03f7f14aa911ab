"""The one-form page most edit views are: validate, call one service, say so and redirect; or
show the form again with the service's reason next to the field it concerns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from roundtable.core.errors import DomainError


def form_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str] | str,
    then: Callable[[Any], str] | str,
    title: str,
    subtitle: str,
    submit_label: str,
    cancel_url: str,
    nav_section: str = "programs",
    template: str = "form_page.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """`save` gets the cleaned data and calls the service; `success` (the message) and `then`
    (where to go next) are strings or functions of what `save` returned."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then(result) if callable(then) else then)
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "subtitle": subtitle,
            "submit_label": submit_label,
            "cancel_url": cancel_url,
            "nav_section": nav_section,
            **(extra or {}),
        },
    )


def service_action(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: Callable[[Any], str] | str = "",
) -> bool:
    """Run one service call for a button: say what happened, or why the service refused.
    True when it was done."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return True


def form_action(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], Any],
    invalid: str,
    success: Callable[[Any], str] | str = "",
) -> bool:
    """A small POST action (one button or field): check the form, then as `service_action`."""
    if not form.is_valid():
        messages.error(request, invalid)
        return False
    return service_action(request, lambda: save(form.cleaned_data), success=success)
