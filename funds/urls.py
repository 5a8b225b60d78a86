from django.urls import path

from funds import views

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/<int:year>/", views.year_overview, name="year_overview"),
]
