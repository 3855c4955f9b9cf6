from django.urls import path

from feedback.api import views

urlpatterns = [
    path("programmes/<slug:slug>/participant-rating/", views.ParticipantRatingView.as_view(),
         name="programme-participant-rating"),
    path("programmes/<slug:slug>/feedback-rounds/", views.ProgrammeRoundsView.as_view(), name="feedback-rounds"),
    path("feedback-rounds/<int:round_id>/", views.RoundDetailView.as_view(), name="feedback-round"),
    path("feedback/questionnaire/", views.LiveQuestionnaireView.as_view(), name="feedback-questionnaire"),
    path("feedback/comments/", views.PendingCommentsView.as_view(), name="feedback-comments"),
    path("feedback/comments/<uuid:response_id>/moderate/", views.ModerateCommentView.as_view(),
         name="feedback-comment-moderate"),
    path("feedback/unusual-rounds/", views.UnusualRoundsView.as_view(), name="feedback-unusual-rounds"),
]  # fmt: skip
