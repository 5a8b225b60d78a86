"""URLs of the analysis: an organisation's year, a county's and the nation's, each as a page,
a CSV per table and the lägesrapport as PDF and Word."""

from django.urls import path

from analysis import views


def _formats(prefix: str, view, name: str) -> list:
    return [
        path(prefix, view, name=name),
        path(f"{prefix}lagesrapport.pdf", view, {"fmt": "pdf"}, name=f"{name}_pdf"),
        path(f"{prefix}lagesrapport.docx", view, {"fmt": "docx"}, name=f"{name}_docx"),
        path(f"{prefix}<slug:dimension>.csv", view, {"fmt": "csv"}, name=f"{name}_csv"),
    ]


urlpatterns = [
    *_formats("analys/<int:year>/", views.analysis_nation, "analysis_nation"),
    *_formats("lan/<str:county>/<int:year>/analys/", views.analysis_county, "analysis_county"),
    *_formats(
        "<str:code>/<int:year>/analys/", views.analysis_organisation, "analysis_organisation"
    ),
]
