from django.urls import path

from leaders import views, views_enquiries

app_name = "leaders"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("shortlists/add/", views.shortlist_add, name="shortlist-add"),
    path("shortlists/<int:shortlist_id>/", views.shortlist, name="shortlist"),
    path("shortlists/<int:shortlist_id>/shortlist.<str:file_format>", views.shortlist_export, name="export"),
    path("shortlists/entries/<int:entry_id>/note/", views.entry_note, name="entry-note"),
    path("shortlists/entries/<int:entry_id>/remove/", views.entry_remove, name="entry-remove"),
    path("searches/save/", views.search_save, name="search-save"),
    path("searches/<int:search_id>/delete/", views.search_delete, name="search-delete"),
    path("alerts/", views.alerts_settings, name="alerts"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("enquiries/", views_enquiries.enquiries, name="enquiries"),
    path("enquiries/new/", views_enquiries.enquiry_new, name="enquiry-new"),
    path("enquiries/<int:enquiry_id>/", views_enquiries.enquiry, name="enquiry"),
    path("enquiries/threads/<int:thread_id>/reply/", views_enquiries.leader_reply, name="enquiry-reply"),
    path("enquiries/threads/<int:thread_id>/share-email/", views_enquiries.share_email, name="enquiry-share"),
]
