"""Participant feedback's pages: participants under /feedback/, provider editors under
/provider/feedback/, convenors under /convenor/feedback/ (each list included once)."""

from django.urls import path

from feedback import views_convenor, views_participant, views_provider

participant_patterns = (
    [
        path("", views_participant.start, name="start"),
        path("thank-you/", views_participant.thanks, name="thanks"),
        path("<str:code>/", views_participant.answer, name="answer"),
    ],
    "feedback",
)

provider_patterns = (
    [
        path("programmes/<slug:slug>/", views_provider.rounds, name="rounds"),
        path("rounds/<int:round_id>/", views_provider.round_detail, name="round"),
        path("rounds/<int:round_id>/links.csv", views_provider.round_links_csv, name="round-links"),
    ],
    "feedback-provider",
)

convenor_patterns = (
    [
        path("", views_convenor.overview, name="overview"),
        path("comments/<uuid:response_id>/", views_convenor.moderate_comment, name="moderate"),
        path("questionnaire/", views_convenor.questionnaires, name="questionnaires"),
        path("questionnaire/new/", views_convenor.questionnaire_new, name="questionnaire-new"),
        path("questionnaire/<int:version>/", views_convenor.questionnaire_edit, name="questionnaire-edit"),
    ],
    "feedback-convenor",
)
