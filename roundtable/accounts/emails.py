"""The emails accounts send (an invitation, a password reset), rendered when the worker sends
them: a reset link is made at that moment, so it is fresh however long the email waited."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from roundtable.accounts.models import Invitation, User
from roundtable.accounts.services import invitation_url


def invitation_email(*, invitation: Invitation) -> EmailMessage | None:
    """The invitation email, or None when the invitation no longer waits (used, withdrawn,
    expired): a link that cannot work is not sent."""
    if not invitation.is_pending:
        return None
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation=invitation),
        "inviter": invitation.invited_by,
    }
    return EmailMessage(
        subject=f"You are invited to join {invitation.organization} on Roundtable",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
    )


def password_reset_email(*, user: User) -> EmailMessage | None:
    """The reset email with a one-time link, or None for an account that was deactivated."""
    if not user.is_active:
        return None
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "url": settings.SITE_URL + path}
    subject = render_to_string("accounts/email/password_reset_subject.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string("accounts/email/password_reset.txt", context),
        to=[user.email],
    )
