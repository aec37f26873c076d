from django.urls import path

from family import views

app_name = "family"
urlpatterns = [
    path("<str:token>/", views.plan, name="plan"),
    path("<str:token>/memos/<int:meeting_pk>/", views.memo, name="memo"),
    path(
        "networks/<int:pk>/participants/<int:participant_pk>/link/",
        views.create_link,
        name="create_link",
    ),
    path(
        "networks/<int:pk>/participants/<int:participant_pk>/link/<int:link_pk>/code/",
        views.new_code,
        name="new_code",
    ),
    path(
        "networks/<int:pk>/participants/<int:participant_pk>/link/<int:link_pk>/revoke/",
        views.revoke,
        name="revoke",
    ),
]
