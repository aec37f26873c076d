from django.urls import path

from networks import views

app_name = "networks"
urlpatterns = [
    path("", views.my_networks, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/participants/", views.add_participant, name="add_participant"),
    path("<int:pk>/children/", views.add_child, name="add_child"),
    path("<int:pk>/consent/", views.consents, name="consents"),
    path("<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path(
        "<int:pk>/participants/<int:participant_pk>/remove/",
        views.remove_participant,
        name="remove_participant",
    ),
    path(
        "<int:pk>/participants/<int:participant_pk>/reaching/",
        views.reaching,
        name="reaching",
    ),
    path(
        "<int:pk>/participants/<int:participant_pk>/link-account/",
        views.link_account,
        name="link_account",
    ),
    path("<int:pk>/meetings/new/", views.schedule_meeting, name="schedule_meeting"),
    path("<int:pk>/meetings/<int:meeting_pk>/move/", views.move_meeting, name="move_meeting"),
    path("<int:pk>/meetings/<int:meeting_pk>/cancel/", views.cancel_meeting, name="cancel_meeting"),
    path("<int:pk>/meetings/<int:meeting_pk>/held/", views.mark_held, name="mark_held"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/invitation/",
        views.family_invitation,
        name="family_invitation",
    ),
]
