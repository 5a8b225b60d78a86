"""URLs of reporting: the tjänsteutlåtande, the enkät, coverage and open data."""

from django.urls import path

from reporting import views

PREFIX = "<str:code>/<int:year>/tjansteutlatande/"

urlpatterns = [
    path(PREFIX, views.decision_preview, name="decision_preview"),
    path(f"{PREFIX}redigera/", views.decision_edit, name="decision_edit"),
    path(f"{PREFIX}pdf/", views.decision_pdf, name="decision_pdf"),
    path(f"{PREFIX}word/", views.decision_docx, name="decision_docx"),
    path(f"{PREFIX}utfarda/", views.decision_issue, name="decision_issue"),
    path(f"{PREFIX}ny-version/", views.decision_new_version, name="decision_new_version"),
    path(
        f"{PREFIX}version/<int:version>.pdf",
        views.decision_version_pdf,
        name="decision_version_pdf",
    ),
    path("<str:code>/installningar/", views.organisation_settings, name="organisation_settings"),
    path("<str:code>/logotyp/", views.organisation_logo, name="organisation_logo"),
]

# Coverage of the action plans' priorities (reporting/views_coverage.py).
from reporting import views_coverage  # noqa: E402

urlpatterns += [
    path("<str:code>/<int:year>/tackning/", views_coverage.coverage, name="coverage"),
]

# The national follow-up (enkät, reporting/survey/views.py) and the public open data
# (reporting/opendata/views.py).
from reporting.opendata import views as views_opendata  # noqa: E402
from reporting.survey import views as views_survey  # noqa: E402

urlpatterns += [
    path("<str:code>/<int:year>/enkat/", views_survey.survey_check_page, name="survey_check"),
    path(
        "<str:code>/<int:year>/enkat/excel/", views_survey.survey_download, name="survey_download"
    ),
    path(
        "<str:code>/<int:year>/oppna-data/fordelning.csv",
        views_opendata.open_data_allocations_csv,
        name="open_data_allocations_csv",
    ),
    path(
        "<str:code>/<int:year>/oppna-data/fordelning-semikolon.csv",
        views_opendata.open_data_allocations_csv_semicolon,
        name="open_data_allocations_csv_semicolon",
    ),
    path(
        "<str:code>/<int:year>/oppna-data/fordelning-metadata.json",
        views_opendata.open_data_csvw_metadata,
        name="open_data_csvw_metadata",
    ),
    path("oppna-data/", views_opendata.open_data_index, name="open_data_index"),
    path(
        "oppna-data/katalog.ttl",
        views_opendata.open_data_catalogue_ttl,
        name="open_data_catalogue_ttl",
    ),
    path(
        "oppna-data/katalog.rdf",
        views_opendata.open_data_catalogue_rdf,
        name="open_data_catalogue_rdf",
    ),
    path(
        "oppna-data/fordelning-schema.json",
        views_opendata.open_data_schema,
        name="open_data_schema",
    ),
    path(
        "<str:code>/<int:year>/oppna-data/fordelning.json",
        views_opendata.open_data_allocations_json,
        name="open_data_allocations_json",
    ),
]
