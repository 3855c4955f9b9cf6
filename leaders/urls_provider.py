from django.urls import path

from leaders import views_enquiries

app_name = "enquiries-provider"

urlpatterns = [
    path("", views_enquiries.inbox, name="inbox"),
    path("<int:thread_id>/", views_enquiries.thread, name="thread"),
]
