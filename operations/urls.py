from django.urls import path

from operations import views

app_name = "operations"
urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
    path("setup/readiness/", views.go_live, name="go_live"),
]
