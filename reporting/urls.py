from django.urls import path

from reporting import views

PREFIX = "<str:code>/<int:year>/tjansteutlatande/"

urlpatterns = [
    path(PREFIX, views.decision_preview, name="decision_preview"),
    path(f"{PREFIX}redigera/", views.decision_edit, name="decision_edit"),
    path(f"{PREFIX}pdf/", views.decision_pdf, name="decision_pdf"),
    path(f"{PREFIX}utfarda/", views.decision_issue, name="decision_issue"),
    path(f"{PREFIX}ny-version/", views.decision_new_version, name="decision_new_version"),
    path(
        f"{PREFIX}version/<int:version>.pdf",
        views.decision_version_pdf,
        name="decision_version_pdf",
    ),
]
