from django.urls import path

from funds import views

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/<int:year>/", views.year_overview, name="year_overview"),
    path("<str:code>/<int:year>/fordelning/", views.allocation_matrix, name="allocation_matrix"),
    path(
        "<str:code>/<int:year>/fordelning/cell/<int:area_id>/<int:recipient_id>/",
        views.allocation_cell,
        name="allocation_cell",
    ),
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
