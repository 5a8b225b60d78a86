"""The site's URLs: every app's pages, the admin, the health check and error pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import accessibility_statement, health, privacy_notice

admin.site.site_header = "Stimulansmedel psykisk hälsa – administration"
admin.site.site_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("halsa/", health, name="health"),
    path("tillganglighet/", accessibility_statement, name="accessibility_statement"),
    path("personuppgifter/", privacy_notice, name="privacy_notice"),
    path("", include("signin.urls")),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # Accounts (password change and reset, invitations) and onboarding (funds/onboarding/).
    path("konto/", include("funds.onboarding.account_urls")),
    path("", include("funds.onboarding.urls")),
    # Before the apps whose <code>/<year>/ patterns would read "analys/2023/" as a year.
    path("", include("analysis.urls")),
    path("", include("calls.urls")),
    path("", include("reporting.urls")),
    path("", include("plans.urls")),
    path("", include("funds.urls")),
]

# Swedish error pages (config/errors.py); with DEBUG on too, through its middleware.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
