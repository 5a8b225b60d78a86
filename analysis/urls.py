"""URLs of the analysis: an organisation's year, a county's and the nation's, each as a page,
a CSV per table (and its semicolon variant for a Swedish spreadsheet) and the lägesrapport as
PDF and Word; and the same three across years ("ar/"), as a page and a CSV per table."""

from django.urls import path

from analysis import views


def _csv(prefix: str, view, name: str) -> list:
    # The semicolon file first: "<slug>.csv" would also read "x-semikolon.csv" as a slug.
    return [
        path(
            f"{prefix}<slug:dimension>-semikolon.csv",
            view,
            {"fmt": "csv_semicolon"},
            name=f"{name}_csv_semicolon",
        ),
        path(f"{prefix}<slug:dimension>.csv", view, {"fmt": "csv"}, name=f"{name}_csv"),
    ]


def _formats(prefix: str, view, name: str) -> list:
    return [
        path(prefix, view, name=name),
        path(f"{prefix}lagesrapport.pdf", view, {"fmt": "pdf"}, name=f"{name}_pdf"),
        path(f"{prefix}lagesrapport.docx", view, {"fmt": "docx"}, name=f"{name}_docx"),
        *_csv(prefix, view, name),
    ]


def _years(prefix: str, view, name: str) -> list:
    return [path(prefix, view, name=f"{name}_years"), *_csv(prefix, view, f"{name}_years")]


urlpatterns = [
    *_years("analys/ar/", views.analysis_nation_years, "analysis_nation"),
    *_formats("analys/<int:year>/", views.analysis_nation, "analysis_nation"),
    *_years(
        "lan/<str:county>/analys/ar/samordnare/",
        views.analysis_county_coordinator_years,
        "analysis_county_coordinator",
    ),
    *_formats(
        "lan/<str:county>/<int:year>/analys/samordnare/",
        views.analysis_county_coordinator,
        "analysis_county_coordinator",
    ),
    *_years("lan/<str:county>/analys/ar/", views.analysis_county_years, "analysis_county"),
    *_formats("lan/<str:county>/<int:year>/analys/", views.analysis_county, "analysis_county"),
    *_years("<str:code>/analys/ar/", views.analysis_organisation_years, "analysis_organisation"),
    *_formats(
        "<str:code>/<int:year>/analys/", views.analysis_organisation, "analysis_organisation"
    ),
]
