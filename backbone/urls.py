from django.urls import path

from backbone import views

app_name = "backbone"
urlpatterns = [
    path("", views.home, name="home"),
    path("action-plan/", views.tasks, name="tasks"),
    path("action-plan/new/", views.task_create, name="task_create"),
    path("action-plan/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("action-plan/<int:pk>/status/", views.task_status, name="task_status"),
    path("action-plan/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("instructions/", views.instructions, name="instructions"),
    path("instructions/new/", views.instruction_create, name="instruction_create"),
    path("instructions/<int:pk>/", views.instruction, name="instruction"),
    path("instructions/<int:pk>/edit/", views.instruction_edit, name="instruction_edit"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/read-receipts/", views.bulletin_reads, name="bulletin_reads"),
    path("bulletins/<int:pk>/", views.bulletin, name="bulletin"),
    path("bulletins/<int:pk>/read-receipts/", views.bulletin_receipts, name="bulletin_receipts"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/attendance/", views.event_attendance, name="event_attendance"),
    path("training/", views.training_records, name="training_records"),
    path("training/new/", views.training_record_create, name="training_record_create"),
    path("self-reviews/", views.self_reviews, name="self_reviews"),
]
