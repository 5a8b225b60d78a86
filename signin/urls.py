"""URLs of signing in and out, and of locked accounts."""

from django.urls import path

from signin import views

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-in/nekad/", views.refused, name="signin_refused"),
    path("logga-in/sparrar/", views.locks, name="signin_locks"),
    # mozilla-django-oidc's URL names, which it reverses itself. Register
    # https://<host>/oidc/callback/ as the redirect URI at the identity provider.
    path("oidc/authenticate/", views.SingleSignOnStart.as_view(), name="oidc_authentication_init"),
    path(
        "oidc/callback/", views.SingleSignOnCallback.as_view(), name="oidc_authentication_callback"
    ),
]
