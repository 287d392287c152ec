"""Public URLs of the registry app (mounted at /services/ inside i18n_patterns)."""

from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.service_list, name="index"),
    path("district/", views.district_list, name="district_list"),
    path("district/<slug:slug>/", views.district_detail, name="district"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("<slug:slug>/", views.service_detail, name="detail"),
    path("<slug:slug>/correction/", views.correction, name="correction"),
    path("<slug:slug>/correction/sent/", views.correction_sent, name="correction_sent"),
]
