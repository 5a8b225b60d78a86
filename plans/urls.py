"""URLs of plans: the plans, their priorities and indicators."""

from django.urls import path

from plans import views

PLANS = "<str:code>/planer/"
PLAN = f"{PLANS}<int:plan_id>/"

urlpatterns = [
    path(PLANS, views.plan_list, name="plan_list"),
    path(f"{PLANS}ny/", views.plan_create, name="plan_create"),
    path(PLAN, views.plan_detail, name="plan_detail"),
    path(f"{PLAN}redigera/", views.plan_edit, name="plan_edit"),
    path(f"{PLAN}malomraden/ny/", views.goal_area_create, name="goal_area_create"),
    path(f"{PLAN}malomraden/<int:goal_area_id>/", views.goal_area_edit, name="goal_area_edit"),
    path(
        f"{PLAN}malomraden/<int:goal_area_id>/prioriteringar/ny/",
        views.priority_create,
        name="priority_create",
    ),
    path(f"{PLAN}prioriteringar/<int:priority_id>/", views.priority_edit, name="priority_edit"),
    path(
        f"{PLAN}prioriteringar/<int:priority_id>/aktiviteter/ny/",
        views.activity_create,
        name="activity_create",
    ),
    path(f"{PLAN}aktiviteter/<int:activity_id>/", views.activity_edit, name="activity_edit"),
    path(f"{PLAN}prioriteringar/<int:priority_id>/mal/ny/", views.goal_create, name="goal_create"),
    path(f"{PLAN}mal/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path(
        f"{PLAN}prioriteringar/<int:priority_id>/indikatorer/ny/",
        views.indicator_create,
        name="indicator_create",
    ),
    path(f"{PLAN}indikatorer/<int:indicator_id>/", views.indicator_detail, name="indicator_detail"),
    path(
        f"{PLAN}indikatorer/<int:indicator_id>/redigera/",
        views.indicator_edit,
        name="indicator_edit",
    ),
]
