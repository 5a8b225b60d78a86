from django.urls import path

from funds import views

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/<int:year>/", views.year_overview, name="year_overview"),
    path(
        "<str:code>/<int:year>/fordelning/historik/",
        views.allocation_history,
        name="allocation_history",
    ),
    path(
        "<str:code>/<int:year>/fordelning/historik/<int:area_id>/<int:recipient_id>/",
        views.allocation_history,
        name="allocation_cell_history",
    ),
    path(
        "<str:code>/<int:year>/fordelning/beslut/",
        views.agreement_decision,
        name="agreement_decision",
    ),
    path(
        "<str:code>/<int:year>/fordelning/status/", views.agreement_status, name="agreement_status"
    ),
    path("<str:code>/<int:year>/fordelning/mottagare/", views.recipient_add, name="recipient_add"),
]

# The follow-up (redovisning), the status board and repayments.
from funds import views_followup  # noqa: E402

urlpatterns += [
    path("<str:code>/<int:year>/redovisning/", views_followup.followup_list, name="followup_list"),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/",
        views_followup.followup_edit,
        name="followup_edit",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/granskning/",
        views_followup.followup_review,
        name="followup_review",
    ),
    path(
        "<str:code>/<int:year>/uppfoljning/", views_followup.followup_board, name="followup_board"
    ),
    path(
        "<str:code>/<int:year>/uppfoljning/sista-dag/",
        views_followup.followup_deadline,
        name="followup_deadline",
    ),
    path("<str:code>/<int:year>/aterbetalningar/", views_followup.repayments, name="repayments"),
]

# Excel download and upload, and starting a new year from the last (funds/views_transfer.py).
from funds import views_transfer  # noqa: E402

urlpatterns += [
    path(
        "<str:code>/<int:year>/fordelning/excel/",
        views_transfer.allocation_export,
        name="allocation_export",
    ),
    path(
        "<str:code>/<int:year>/fordelning/import/",
        views_transfer.allocation_import,
        name="allocation_import",
    ),
    path(
        "<str:code>/<int:year>/fordelning/nytt-ar/",
        views_transfer.allocation_rollover,
        name="allocation_rollover",
    ),
]

# The allocation matrix, its cells, undo, the decided-year reason and comments
# (funds/views_matrix.py).
from funds import views_matrix  # noqa: E402

urlpatterns += [
    path(
        "<str:code>/<int:year>/fordelning/",
        views_matrix.allocation_matrix,
        name="allocation_matrix",
    ),
    path(
        "<str:code>/<int:year>/fordelning/cell/<int:area_id>/<int:recipient_id>/",
        views_matrix.allocation_cell,
        name="allocation_cell",
    ),
    path(
        "<str:code>/<int:year>/fordelning/angra/",
        views_matrix.allocation_undo,
        name="allocation_undo",
    ),
    path(
        "<str:code>/<int:year>/fordelning/skal/",
        views_matrix.allocation_reason,
        name="allocation_reason",
    ),
    path(
        "<str:code>/<int:year>/fordelning/kommentar/<int:area_id>/<int:recipient_id>/",
        views_matrix.allocation_comment,
        name="allocation_comment",
    ),
]
