"""Sign-in, password reset, invitations (sending, sign-in invitations for members who never
signed in, accepting) and personal API tokens. Emails are queued for the worker through
notifications' services, never sent during the request."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from roundtable.accounts import selectors
from roundtable.accounts.forms import (
    ApiTokenForm,
    InvitationAcceptForm,
    InvitationForm,
    SignInForm,
)
from roundtable.accounts.models import Invitation
from roundtable.accounts.services import (
    InvitationInvalid,
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_accept_signed_in,
    invitation_account,
    invitation_from_token,
    invitation_needs_sign_in,
    invitation_revoke,
    password_set,
)
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error
from roundtable.notifications.account_emails import (
    invitation_send,
    invitations_send_never_signed_in,
    password_reset_send,
)
from roundtable.orgs.models import Organization
from roundtable.orgs.selectors import member_get_for_user, organization_get_for_user


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The reset email is queued for the worker (also for members imported without a
    password); the page answers the same whether or not the address has an account."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        password_reset_send(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from an emailed link. Like a change, it revokes the person's API
    tokens and signs out every session that used the old password."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        password_set(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


def _revoked_tokens(count: int) -> str:
    if count == 0:
        return ""
    return f" and your {count} API token{'s were' if count > 1 else ' was'} revoked"


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password knowing the current one; this session stays signed in, every
    other one is signed out and the API tokens stop working."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoked = password_set(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, form.user)
        messages.success(
            request,
            "Your password is changed. You stay signed in here; your other sessions were signed "
            f"out{_revoked_tokens(revoked)}.",
        )
        return redirect("accounts:password_change")
    return render(
        request, "accounts/password_change.html", {"form": form, "nav_section": "profile"}
    )


def _inviting_org(request: HttpRequest, org_slug: str) -> Organization:
    organization = organization_get_for_user(user=request.user, slug=org_slug)
    if not permissions.can_invite_members(request.user, organization):
        raise Http404
    return organization


@login_required
def invitation_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _inviting_org(request, org_slug)
    can_invite_admins = permissions.can_administer_organization(request.user, organization)
    form = InvitationForm(request.POST or None, can_invite_admins=can_invite_admins)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_send(
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
            "never_signed_in": selectors.members_never_signed_in(organization=organization).count(),
            "nav_section": "members",
        },
    )


@login_required
@require_POST
def invitation_never_signed_in(request: HttpRequest, org_slug: str) -> HttpResponse:
    """One click: a sign-in invitation to every member who has never signed in."""
    organization = _inviting_org(request, org_slug)
    count = invitations_send_never_signed_in(
        organization=organization,
        invited_by=request.user,  # type: ignore[arg-type]
    )
    if count:
        messages.success(request, f"Sign-in invitations are on their way to {count} people.")
    else:
        messages.info(request, "Everyone has signed in already: no invitation was sent.")
    return redirect("accounts:invitation_list", org_slug=organization.slug)


@login_required
@require_POST
def invitation_member(request: HttpRequest, pk: int) -> HttpResponse:
    """A sign-in invitation to one member who has never signed in (their page's button)."""
    member = member_get_for_user(user=request.user, pk=pk)
    if not permissions.can_invite_members(request.user, member.organization):
        raise Http404
    form_action(
        request,
        forms.Form(request.POST),
        save=lambda _data: invitation_send(
            organization=member.organization,
            email=member.user.email,
            invited_by=request.user,  # type: ignore[arg-type]
            role=member.role,
        ),
        invalid="",
        success=f"A sign-in invitation is on its way to {member.user.email}.",
    )
    return redirect("orgs:member_detail", pk=member.pk)


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    organization = _inviting_org(request, org_slug)
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


def _invitation_invalid(request: HttpRequest, exc: InvitationInvalid, status: int) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_invalid.html",
        {"message": exc.message, "reason": exc.reason},
        status=status,
    )


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """A new address chooses a name and password; an address that already has an account is
    asked to sign in (or reset its password by email) and then joins with one click."""
    try:
        invitation = invitation_from_token(token=token)
    except InvitationInvalid as exc:
        return _invitation_invalid(
            request, exc, 410 if exc.reason in {"expired", "used", "revoked"} else 404
        )
    account = invitation_account(invitation=invitation)
    if invitation_needs_sign_in(invitation=invitation, account=account):
        return _invitation_accept_signed_in(request, token, invitation)
    form = InvitationAcceptForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            member = invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except InvitationInvalid as exc:
            return _invitation_invalid(request, exc, 410)
        except DomainError as exc:
            form.add_error("password" if exc.field == "password" else None, exc.message)
        else:
            login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {member.organization}!")
            return redirect("home:home")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _invitation_accept_signed_in(
    request: HttpRequest, token: str, invitation: Invitation
) -> HttpResponse:
    user = request.user
    signed_in_as_invitee = user.is_authenticated and user.email.lower() == invitation.email.lower()
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and signed_in_as_invitee and form.is_valid():
        try:
            member = invitation_accept_signed_in(token=token, user=user)  # type: ignore[arg-type]
        except InvitationInvalid as exc:
            return _invitation_invalid(request, exc, 410)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Welcome to {member.organization}!")
            return redirect("home:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "needs_sign_in": True,
            "signed_in_as_invitee": signed_in_as_invitee,
            "accept_path": request.path,
        },
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
