from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("learnings/", views.learnings, name="learnings"),
    path("learnings/<int:pk>/share/", views.learning_share, name="learning_share"),
    path("export/", views.export, name="export"),
    path("export/<int:version>/download/", views.export_download, name="export_download"),
    path("export/<int:version>/send/", views.export_send, name="export_send"),
    path("hub/", views.compare, name="compare"),
    path("hub/learnings/", views.hub_learnings, name="hub_learnings"),
    path("hub/regions/", views.regions, name="regions"),
    path("hub/regions/<slug:code>/", views.region, name="region"),
    path("hub/upload/", views.upload, name="upload"),
    path("hub/meetings/", views.meetings, name="meetings"),
    path("hub/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("hub/trials/new/", views.trial, name="trial_create"),
    path("hub/trials/<int:pk>/", views.trial, name="trial"),
    path("api/packages", views.api_packages, name="api_packages"),
]
