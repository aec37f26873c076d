from django.urls import include, path

from family import prepare, promises, views

app_name = "family"
urlpatterns = [
    # Strong identification (Suomi.fi): the identified person's plans. Before "<token>/".
    path("me/", views.mine, name="mine"),
    path("me/<int:participant_pk>/", views.me_plan, name="me_plan"),
    path("me/<int:participant_pk>/memos/<int:meeting_pk>/", views.me_memo, name="me_memo"),
    path(
        "me/<int:participant_pk>/promises/<int:promise_pk>/done/",
        promises.me_promise_done,
        name="me_promise_done",
    ),
    path(
        "me/<int:participant_pk>/prepare/<int:meeting_pk>/",
        prepare.me_prepare,
        name="me_prepare",
    ),
    path("suomifi/", include("family.suomifi.urls")),
    path("<str:token>/", views.plan, name="plan"),
    path("<str:token>/memos/<int:meeting_pk>/", views.memo, name="memo"),
    path("<str:token>/prepare/<int:meeting_pk>/", prepare.prepare, name="prepare"),
    path("<str:token>/promises/<int:promise_pk>/done/", promises.promise_done, name="promise_done"),
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
