from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("ping/", views.ping, name="ping"),
]
