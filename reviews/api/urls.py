from django.urls import path

from reviews.api import concern_views, views

urlpatterns = [
    path("framework/", views.LiveFrameworkView.as_view(), name="framework"),
    # Reviewers.
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    path("reviews/<int:review_id>/", views.ReviewDetailView.as_view(), name="review-detail"),
    path("reviews/<int:review_id>/portfolio/", views.ReviewPortfolioView.as_view(), name="review-portfolio"),
    path("reviews/<int:review_id>/draft/", views.ReviewDraftView.as_view(), name="review-draft"),
    path("reviews/<int:review_id>/submit/", views.ReviewSubmitView.as_view(), name="review-submit"),
    path("reviews/<int:review_id>/conflict/", views.ReviewConflictView.as_view(), name="review-conflict"),
    # Convenors.
    path("moderation/", views.ModerationQueueView.as_view(), name="moderation-queue"),
    path("reviews/<int:review_id>/accept/", views.ReviewAcceptView.as_view(), name="review-accept"),
    path("reviews/<int:review_id>/return/", views.ReviewReturnView.as_view(), name="review-return"),
    path("reviews/<int:review_id>/withdraw/", views.ReviewWithdrawView.as_view(), name="review-withdraw"),
    path("reviews/<int:review_id>/release/", views.ReviewReleaseView.as_view(), name="review-release"),
    path("programmes/<slug:slug>/reviews/", views.ProgrammeReviewListView.as_view(), name="programme-review-list"),
    path("programmes/<slug:slug>/reviewers/", views.ProgrammeAssignView.as_view(), name="programme-assign"),
    path("programmes/<slug:slug>/publish/", views.ProgrammePublishView.as_view(), name="programme-publish"),
    # Concerns: anyone raises one; convenors triage; the provider's editors respond.
    path("concerns/stamp/", concern_views.ConcernStampView.as_view(), name="concern-stamp"),
    path("programmes/<slug:slug>/concerns/", concern_views.ProgrammeConcernRaiseView.as_view(), name="concern-raise"),
    path("concerns/", concern_views.ConcernListView.as_view(), name="concern-list"),
    path("concerns/<int:concern_id>/dismiss/", concern_views.ConcernDismissView.as_view(), name="concern-dismiss"),
    path("concerns/<int:concern_id>/ask-provider/", concern_views.ConcernAskProviderView.as_view(), name="concern-ask"),
    path(
        "concerns/<int:concern_id>/rereview/", concern_views.ConcernOrderRereviewView.as_view(), name="concern-rereview"
    ),
    path("concerns/<int:concern_id>/respond/", concern_views.ConcernRespondView.as_view(), name="concern-respond"),
]
