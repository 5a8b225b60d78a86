from django.urls import path

from calls.views import coordinator as views

YEAR = "<str:code>/<int:year>/utlysningar/"
CALL = f"{YEAR}<int:call_id>/"

urlpatterns = [
    # Public: open calls, and applicant accounts.
    path("utlysningar/", views.call_public_list, name="call_public_list"),
    path("utlysningar/<int:call_id>/", views.call_public_detail, name="call_public_detail"),
    path("utlysningar/<int:call_id>/ansok/", views.application_start, name="application_start"),
    path("utlysningar/konto/", views.applicant_register_view, name="applicant_register"),
    path(
        "utlysningar/konto/bekrafta/<str:uidb64>/<str:token>/",
        views.applicant_verify,
        name="applicant_verify",
    ),
    # The applicant's own applications.
    path("ansokningar/", views.application_list, name="application_list"),
    path("ansokningar/<int:application_id>/", views.application_edit, name="application_edit"),
    path(
        "ansokningar/<int:application_id>/bilagor/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "ansokningar/<int:application_id>/bilagor/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "ansokningar/<int:application_id>/bilagor/<int:attachment_id>/ta-bort/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "ansokningar/<int:application_id>/beslut.pdf",
        views.application_letter,
        name="application_letter",
    ),
    # Coordinators.
    path(YEAR, views.call_list, name="call_list"),
    path(f"{YEAR}ny/", views.call_create, name="call_create"),
    path(CALL, views.call_detail, name="call_detail"),
    path(f"{CALL}redigera/", views.call_edit, name="call_edit"),
    path(f"{CALL}status/", views.call_status, name="call_status"),
    path(f"{CALL}bedomare/", views.call_reviewers, name="call_reviewers"),
    path(
        f"{CALL}ansokningar/<int:application_id>/",
        views.call_application,
        name="call_application",
    ),
    path(f"{CALL}rangordning/", views.call_ranking, name="call_ranking"),
    path(f"{CALL}beslut/", views.call_decision, name="call_decision"),
    path(f"{CALL}diarium.xlsx", views.call_export_xlsx, name="call_export_xlsx"),
    path(f"{CALL}diarium.pdf", views.call_export_pdf, name="call_export_pdf"),
    # Reviewers.
    path(f"{CALL}bedomning/", views.review_list, name="review_list"),
    path(
        f"{CALL}bedomning/<int:application_id>/",
        views.review_application,
        name="review_application",
    ),
]
