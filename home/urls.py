from django.urls import path

from home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("ping/", views.ping, name="ping"),
]
