"""Follow-up pages: the reporter's list and form, the review, the status board, repayments."""

from django.urls import path

from funds.followup import views, views_insats

urlpatterns = [
    path("<str:code>/<int:year>/redovisning/", views.followup_list, name="followup_list"),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/",
        views.followup_edit,
        name="followup_edit",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/ny-insats/",
        views_insats.followup_intervention_new,
        name="followup_intervention_new",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/insats/<int:intervention_id>/",
        views_insats.followup_intervention_edit,
        name="followup_intervention_edit",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/insats/<int:intervention_id>/"
        "ta-bort/",
        views_insats.followup_intervention_delete,
        name="followup_intervention_delete",
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
