from django.urls import path

from leaders.api import views

urlpatterns = [
    path("account/shortlists/", views.ShortlistsView.as_view(), name="account-shortlists"),
    path("account/saved-searches/", views.SavedSearchesView.as_view(), name="account-saved-searches"),
    path("account/enquiries/", views.EnquiriesView.as_view(), name="account-enquiries"),
    path("account/enquiries/<int:enquiry_id>/", views.EnquiryDetailView.as_view(), name="account-enquiry"),
    path("account/enquiry-threads/<int:thread_id>/reply/", views.LeaderReplyView.as_view(),
         name="account-enquiry-reply"),
    path("account/enquiry-threads/<int:thread_id>/share-email/", views.ShareEmailView.as_view(),
         name="account-enquiry-share-email"),
    path("provider/enquiries/", views.InboxView.as_view(), name="provider-enquiries"),
    path("provider/enquiries/<int:thread_id>/", views.InboxThreadView.as_view(), name="provider-enquiry"),
    path("provider/enquiries/<int:thread_id>/reply/", views.InboxReplyView.as_view(), name="provider-enquiry-reply"),
]  # fmt: skip
