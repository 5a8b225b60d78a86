"""Follow-up pages: the reporter's list and form, the review, the status board, repayments."""

from django.urls import path

from funds.followup import views

urlpatterns = [
    path("<str:code>/<int:year>/redovisning/", views.followup_list, name="followup_list"),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/",
        views.followup_edit,
        name="followup_edit",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/ny-insats/",
        views.followup_intervention_new,
        name="followup_intervention_new",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/granskning/",
        views.followup_review,
        name="followup_review",
    ),
    path("<str:code>/<int:year>/uppfoljning/", views.followup_board, name="followup_board"),
    path(
        "<str:code>/<int:year>/uppfoljning/sista-dag/",
        views.followup_deadline,
        name="followup_deadline",
    ),
    path("<str:code>/<int:year>/aterbetalningar/", views.repayments, name="repayments"),
]
