from django.urls import path

from leadership import views

app_name = "leadership"
urlpatterns = [
    path("", views.teams, name="teams"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/new/", views.add_member, name="add_member"),
    path(
        "teams/<int:pk>/members/<int:member_pk>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("teams/<int:pk>/members/<int:member_pk>/chair/", views.make_chair, name="make_chair"),
    path("teams/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/decisions/", views.add_decision, name="add_decision"),
    path("meetings/<int:pk>/commitments/", views.add_commitment, name="add_commitment"),
    path("meetings/<int:pk>/commitments/<int:commitment_pk>/review/", views.review, name="review"),
    path("meetings/<int:pk>/held/", views.held, name="held"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/publish/", views.publish, name="publish"),
]
