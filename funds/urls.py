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
from funds.followup import views as views_followup  # noqa: E402

urlpatterns += [
    path("<str:code>/<int:year>/redovisning/", views_followup.followup_list, name="followup_list"),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/",
        views_followup.followup_edit,
        name="followup_edit",
    ),
    path(
        "<str:code>/<int:year>/redovisning/<int:allocation_id>/ny-insats/",
        views_followup.followup_intervention_new,
        name="followup_intervention_new",
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

# Excel download and upload, and starting a new year from the last
# (funds/allocation/views_transfer.py).
from funds.allocation import views_transfer  # noqa: E402

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

# The year set-up: areas and their national mapping, starting a year, IOP partnerships, an
# allocation's plan priorities, national reference data (funds/year/views.py).
from funds.year import views as year_views  # noqa: E402

urlpatterns += [
    path("referensdata/", year_views.reference_data, name="reference_data"),
    path("referensdata/nytt-ar/", year_views.reference_data_add, name="reference_data_add"),
    path(
        "referensdata/<int:year>/kategorier/",
        year_views.reference_categories,
        name="reference_categories",
    ),
    path("<str:code>/nytt-ar/", year_views.year_start_page, name="year_start"),
    path("<str:code>/iop/", year_views.partnership_list, name="partnership_list"),
    path("<str:code>/iop/nytt/", year_views.partnership_edit, name="partnership_add"),
    path(
        "<str:code>/iop/<int:partnership_id>/",
        year_views.partnership_edit,
        name="partnership_edit",
    ),
    path("<str:code>/<int:year>/omraden/", year_views.agreement_areas, name="agreement_areas"),
    path(
        "<str:code>/<int:year>/omraden/nytt/",
        year_views.agreement_area_edit,
        name="agreement_area_add",
    ),
    path(
        "<str:code>/<int:year>/omraden/<int:area_id>/",
        year_views.agreement_area_edit,
        name="agreement_area_edit",
    ),
    path(
        "<str:code>/<int:year>/fordelning/<int:allocation_id>/prioriteringar/",
        year_views.allocation_priorities,
        name="allocation_priorities",
    ),
]

# The allocation matrix, its cells, undo, the decided-year reason and comments
# (funds/allocation/views.py).
from funds.allocation import views as views_matrix  # noqa: E402

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
