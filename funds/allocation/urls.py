"""Allocation pages: the matrix, its cells, undo, reason and comments (views.py); the Excel
download and upload and starting a year from the last (views_transfer.py)."""

from django.urls import path

from funds.allocation import views, views_transfer

urlpatterns = [
    path(
        "<str:code>/<int:year>/fordelning/",
        views.allocation_matrix,
        name="allocation_matrix",
    ),
    path(
        "<str:code>/<int:year>/fordelning/cell/<int:area_id>/<int:recipient_id>/",
        views.allocation_cell,
        name="allocation_cell",
    ),
    path(
        "<str:code>/<int:year>/fordelning/angra/",
        views.allocation_undo,
        name="allocation_undo",
    ),
    path(
        "<str:code>/<int:year>/fordelning/skal/",
        views.allocation_reason,
        name="allocation_reason",
    ),
    path(
        "<str:code>/<int:year>/fordelning/kommentar/<int:area_id>/<int:recipient_id>/",
        views.allocation_comment,
        name="allocation_comment",
    ),
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
        "<str:code>/<int:year>/fordelning/import/mall.xlsx",
        views_transfer.allocation_import_template,
        name="allocation_import_template",
    ),
    path(
        "<str:code>/<int:year>/fordelning/nytt-ar/",
        views_transfer.allocation_rollover,
        name="allocation_rollover",
    ),
]
