"""Onboarding: organisations, the first agreement, recipients and members."""

from django.urls import path

from funds.onboarding import views, views_county, views_members, views_outbox

urlpatterns = [
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("<str:code>/organisation/", views.organisation_overview, name="organisation_overview"),
    path("<str:code>/ny-overenskommelse/", views.agreement_create, name="agreement_create"),
    path("<str:code>/mottagare/", views.recipient_list, name="recipient_list"),
    path("<str:code>/mottagare/ny/", views.recipient_edit, name="recipient_create"),
    path("<str:code>/mottagare/import/", views.recipient_import, name="recipient_import"),
    path(
        "<str:code>/mottagare/import/mall.xlsx",
        views.recipient_import_template,
        name="recipient_import_template",
    ),
    path("<str:code>/mottagare/<int:recipient_id>/", views.recipient_edit, name="recipient_edit"),
    path("<str:code>/anvandare/", views_members.member_list, name="member_list"),
    path("<str:code>/anvandare/bjud-in/", views_members.member_invite_view, name="member_invite"),
    path(
        "<str:code>/anvandare/<int:membership_id>/",
        views_members.member_edit,
        name="member_edit",
    ),
    path(
        "<str:code>/anvandare/<int:membership_id>/ta-bort/",
        views_members.member_remove,
        name="member_remove",
    ),
    path(
        "<str:code>/anvandare/inbjudan/<int:invitation_id>/skicka-igen/",
        views_members.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "<str:code>/anvandare/inbjudan/<int:invitation_id>/aterkalla/",
        views_members.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<str:code>/lanets-samordnare/", views_county.county_grant, name="county_grant"),
    path("<str:code>/utskick/", views_outbox.mail_list, name="mail_list"),
    path(
        "<str:code>/utskick/<int:delivery_id>/skicka-igen/",
        views_outbox.mail_resend_view,
        name="mail_resend",
    ),
]
