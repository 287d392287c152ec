"""Public URLs of the requests app (mounted at /report/ inside i18n_patterns)."""

from django.urls import path

from . import family_views, views

app_name = "requests"

urlpatterns = [
    path("", views.start, name="start"),
    path("form/", views.report_form, name="form"),
    path("send/", views.send, name="send"),
    path("family/", family_views.family_form, name="family"),
    path("status/", views.status, name="status"),
    path("status/message/", views.follow_up, name="follow_up"),
    path("altcha/", views.altcha_challenge, name="altcha"),
]
