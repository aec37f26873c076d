from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("networks/<int:pk>/export.json", views.subject_export, name="subject_export"),
    path("retention/", views.retention_report, name="retention"),
]
