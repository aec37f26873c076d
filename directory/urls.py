from django.urls import path

from directory import ptv_views, views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/<slug:code>/map/", views.actor_map, name="actor_map"),
    path("export/<str:fmt>/", views.export_hsds, name="export_hsds"),
    path("import/", views.import_hsds, name="import_hsds"),
    path("import/ptv/", ptv_views.ptv_import, name="ptv_import"),
]
