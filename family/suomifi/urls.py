from django.urls import path

from family.suomifi import views

# Included under family/ (namespace "family").
urlpatterns = [
    path("login/", views.login, name="suomifi_login"),
    path("acs/", views.acs, name="suomifi_acs"),
    path("metadata/", views.metadata, name="suomifi_metadata"),
    path("logout/", views.logout, name="suomifi_logout"),
]
