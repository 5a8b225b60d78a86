"""URLs of calls: public pages, the applicant's, the coordinators' and the reviewers'."""

from django.urls import path

from calls.views import applicant, coordinator, public, reviewer

YEAR = "<str:code>/<int:year>/utlysningar/"
CALL = f"{YEAR}<int:call_id>/"

urlpatterns = [
    # Public: open calls, and applicant accounts.
    path("utlysningar/", public.call_public_list, name="call_public_list"),
    path("utlysningar/<int:call_id>/", public.call_public_detail, name="call_public_detail"),
    path("utlysningar/<int:call_id>/ansok/", applicant.application_start, name="application_start"),
    path("utlysningar/konto/", public.applicant_register_view, name="applicant_register"),
    path(
        "utlysningar/konto/bekrafta/<str:uidb64>/<str:token>/",
        public.applicant_verify,
        name="applicant_verify",
    ),
    # The applicant's own applications.
    path("ansokningar/", applicant.application_list, name="application_list"),
    path("ansokningar/<int:application_id>/", applicant.application_edit, name="application_edit"),
    path(
        "ansokningar/<int:application_id>/bilagor/",
        applicant.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "ansokningar/<int:application_id>/bilagor/<int:attachment_id>/",
        applicant.attachment_download,
        name="attachment_download",
    ),
    path(
        "ansokningar/<int:application_id>/bilagor/<int:attachment_id>/ta-bort/",
        applicant.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "ansokningar/<int:application_id>/beslut.pdf",
        applicant.application_letter,
        name="application_letter",
    ),
    # Coordinators.
    path(YEAR, coordinator.call_list, name="call_list"),
    path(f"{YEAR}ny/", coordinator.call_create, name="call_create"),
    path(CALL, coordinator.call_detail, name="call_detail"),
    path(f"{CALL}redigera/", coordinator.call_edit, name="call_edit"),
    path(f"{CALL}status/", coordinator.call_status, name="call_status"),
    path(f"{CALL}bedomare/", coordinator.call_reviewers, name="call_reviewers"),
    path(
        f"{CALL}ansokningar/<int:application_id>/",
        coordinator.call_application,
        name="call_application",
    ),
    path(
        f"{CALL}ansokningar/<int:application_id>/koppla/",
        coordinator.call_application_link,
        name="call_application_link",
    ),
    path(f"{CALL}rangordning/", coordinator.call_ranking, name="call_ranking"),
    path(f"{CALL}beslut/", coordinator.call_decision, name="call_decision"),
    path(f"{CALL}diarium.xlsx", coordinator.call_export_xlsx, name="call_export_xlsx"),
    path(f"{CALL}diarium.pdf", coordinator.call_export_pdf, name="call_export_pdf"),
    # Reviewers.
    path(f"{CALL}bedomning/", reviewer.review_list, name="review_list"),
    path(
        f"{CALL}bedomning/<int:application_id>/",
        reviewer.review_application,
        name="review_application",
    ),
]
