from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("promises/", views.my_promises, name="my_promises"),
    path("promises/<int:promise_pk>/done/", views.promise_done, name="promise_done"),
    path("<int:meeting_pk>/record/", views.record, name="record"),
    path("<int:meeting_pk>/memo/", views.memo_page, name="memo"),
    path("<int:meeting_pk>/memo.pdf", views.memo_pdf, name="memo_pdf"),
    path(
        "<int:meeting_pk>/memo/family/<int:participant_pk>.pdf",
        views.memo_family_copy,
        name="memo_family_copy",
    ),
    path("networks/<int:pk>/close/", views.close, name="close"),
    path("networks/<int:pk>/resolve-promises/", views.resolve_promises, name="resolve_promises"),
]
