"""The year overview and what all capabilities share; each capability's pages in its urls.py."""

from django.urls import include, path

from funds import views
from funds.year.status import CLOSE, DECIDE, FOLLOW_UP, REOPEN

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
        views.agreement_status_change_page,
        {"change": DECIDE},
        name="agreement_decision",
    ),
    path(
        "<str:code>/<int:year>/fordelning/starta-uppfoljning/",
        views.agreement_status_change_page,
        {"change": FOLLOW_UP},
        name="agreement_follow_up_start",
    ),
    path(
        "<str:code>/<int:year>/fordelning/avsluta/",
        views.agreement_status_change_page,
        {"change": CLOSE},
        name="agreement_close",
    ),
    path(
        "<str:code>/<int:year>/fordelning/oppna-igen/",
        views.agreement_status_change_page,
        {"change": REOPEN},
        name="agreement_reopen",
    ),
    path("<str:code>/<int:year>/fordelning/mottagare/", views.recipient_add, name="recipient_add"),
    path("", include("funds.followup.urls")),
    path("", include("funds.allocation.urls")),
    path("", include("funds.year.urls")),
]
