from django.contrib.auth import views as auth_views
from django.urls import path

from roundtable.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("o/<slug:org_slug>/invitations/", views.invitation_list, name="invitation_list"),
    path(
        "o/<slug:org_slug>/invitations/never-signed-in/",
        views.invitation_never_signed_in,
        name="invitation_never_signed_in",
    ),
    path("members/<int:pk>/sign-in-invitation/", views.invitation_member, name="invitation_member"),
    path(
        "o/<slug:org_slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
