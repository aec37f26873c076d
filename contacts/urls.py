from django.urls import path

from contacts import public_views, views

app_name = "contacts"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    # The public form: a client or a family contacts the area's number themselves, no sign-in.
    path("public/", public_views.public_contact, name="public_contact"),
    path("public/sent/", public_views.public_contact_sent, name="public_contact_sent"),
    path("new/", views.new_contact, name="new"),
    path("professionals/", views.professionals, name="professionals"),
    path("request/", views.start_request, name="request"),
    path("mine/", views.my_requests, name="my_requests"),
    path("discussion/", views.discussion, name="discussion"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/advice/", views.advice, name="advice"),
    path("<int:pk>/convene/", views.convene, name="convene"),
    path("<int:pk>/join/", views.join, name="join"),
]
