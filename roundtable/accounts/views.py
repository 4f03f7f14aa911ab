"""Sign-in, invitations (sending and accepting) and personal API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.accounts import selectors
from roundtable.accounts.forms import (
    ApiTokenForm,
    InvitationAcceptForm,
    InvitationForm,
    SignInForm,
)
from roundtable.accounts.services import (
    InvitationInvalid,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
)
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error
from roundtable.orgs.selectors import organization_get_for_user


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@login_required
def invitation_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_get_for_user(user=request.user, slug=org_slug)
    if not permissions.can_invite_members(request.user, organization):
        raise Http404
    can_invite_admins = permissions.can_administer_organization(request.user, organization)
    form = InvitationForm(request.POST or None, can_invite_admins=can_invite_admins)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                organization=organization,
                invited_by=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:invitation_list", org_slug=organization.slug)
    invitations = selectors.invitation_list(organization=organization)
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "organization": organization,
            "form": form,
            "invitations": invitations,
            "nav_section": "members",
        },
    )


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    organization = organization_get_for_user(user=request.user, slug=org_slug)
    if not permissions.can_invite_members(request.user, organization):
        raise Http404
    invitation = selectors.invitation_get_for_user(
        user=request.user, organization=organization, pk=pk
    )
    form_action(
        request,
        forms.Form(request.POST),
        save=lambda _data: invitation_revoke(invitation=invitation),
        invalid="",
        success=f"The invitation to {invitation.email} was withdrawn.",
    )
    return redirect("accounts:invitation_list", org_slug=organization.slug)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_from_token(token=token)
    except InvitationInvalid as exc:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"message": exc.message, "reason": exc.reason},
            status=410 if exc.reason in {"expired", "used", "revoked"} else 404,
        )
    form = InvitationAcceptForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            member = invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except InvitationInvalid as exc:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"message": exc.message, "reason": exc.reason},
                status=410,
            )
        except DomainError as exc:
            form.add_error("password" if exc.field == "password" else None, exc.message)
        else:
            login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {member.organization}!")
            return redirect("home:home")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            form = ApiTokenForm()
    tokens = selectors.api_token_list(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret, "nav_section": "profile"},
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_for_user(user=request.user, pk=pk)
    form_action(
        request,
        forms.Form(request.POST),
        save=lambda _data: api_token_revoke(token=token),
        invalid="",
        success=f"Token “{token.name}” revoked; it no longer works.",
    )
    return redirect("accounts:api_tokens")
