from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<str:fmt>", views.export, name="export"),
    path("<slug:code>/chart.svg", views.chart, name="chart"),
    path("<slug:code>/notes/", views.add_note, name="add_note"),
    path("api/values", views.api_values, name="api_values"),
    path("api/openapi.json", views.api_schema, name="api_schema"),
    path("<slug:code>/", views.indicator, name="indicator"),
]
