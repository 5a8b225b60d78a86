"""Year set-up pages: areas and their national mapping, starting a year, IOP partnerships, an
allocation's plan priorities, national reference data."""

from django.urls import path

from funds.year import views

urlpatterns = [
    path("referensdata/", views.reference_data, name="reference_data"),
    path("referensdata/nytt-ar/", views.reference_data_add, name="reference_data_add"),
    path(
        "referensdata/<int:year>/kategorier/",
        views.reference_categories,
        name="reference_categories",
    ),
    path("<str:code>/nytt-ar/", views.year_start_page, name="year_start"),
    path("<str:code>/iop/", views.partnership_list, name="partnership_list"),
    path("<str:code>/iop/nytt/", views.partnership_edit, name="partnership_add"),
    path(
        "<str:code>/iop/<int:partnership_id>/",
        views.partnership_edit,
        name="partnership_edit",
    ),
    path("<str:code>/<int:year>/omraden/", views.agreement_areas, name="agreement_areas"),
    path(
        "<str:code>/<int:year>/omraden/forslag/",
        views.agreement_area_proposals,
        name="agreement_area_proposals",
    ),
    path(
        "<str:code>/<int:year>/omraden/nytt/",
        views.agreement_area_edit,
        name="agreement_area_add",
    ),
    path(
        "<str:code>/<int:year>/omraden/<int:area_id>/",
        views.agreement_area_edit,
        name="agreement_area_edit",
    ),
    path(
        "<str:code>/<int:year>/fordelning/<int:allocation_id>/prioriteringar/",
        views.allocation_priorities,
        name="allocation_priorities",
    ),
]
