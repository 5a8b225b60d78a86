"""Accounts under /konto/: password change and reset (Django's views, Swedish templates) and
accepting an invitation. The URL names are Django's own, which its views reverse."""

from django.contrib.auth import views as auth_views
from django.urls import path

from funds.onboarding.views_members import invitation_accept_view
from signin.ratelimit import LimitedPasswordResetForm

urlpatterns = [
    path("losenord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "losenord/klart/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path(
        "aterstall/",
        auth_views.PasswordResetView.as_view(
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            form_class=LimitedPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "aterstall/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "inbjudan/<str:token>/",
        invitation_accept_view,
        name="invitation_accept",
    ),
]
