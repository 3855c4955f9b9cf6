from django.db import migrations
from django.utils import timezone

# Version 1: the participant questions of qa-framework.md, answered from 1 (strongly disagree)
# to 4 (strongly agree).
STARTING_QUESTIONS = [
    ("changed-practice", "Taking part changed my practice"),
    ("pupil-impact", "I have seen an impact on my pupils' learning"),
    ("sustained-support", "The support was sustained over time, not a one-off"),
    ("would-recommend", "I would recommend this programme to a colleague"),
]


def load_starting_questionnaire(apps, schema_editor=None):
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Question = apps.get_model("feedback", "Question")
    if Questionnaire.objects.exists():
        return
    questionnaire = Questionnaire.objects.create(
        version=1,
        name="Participant questionnaire",
        introduction="Tell us what taking part did for you. Your answers are anonymous: nothing you give us "
        "identifies you, and the provider sees only the totals.",
        scale_max=4,
    )
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=position, code=code, text=text)
        for position, (code, text) in enumerate(STARTING_QUESTIONS, start=1)
    )
    # Published once its questions are in: a published version's questions never change.
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        is_published=True, is_live=True, published_at=timezone.now()
    )


# The services refuse to change a published version; these triggers make the database refuse
# too, whatever path a write takes.
GUARD = """
CREATE FUNCTION feedback_questionnaire_guard() RETURNS trigger AS $$
BEGIN
    IF NOT OLD.is_published THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' OR NOT NEW.is_published
       OR (to_jsonb(NEW) - 'is_live') IS DISTINCT FROM (to_jsonb(OLD) - 'is_live') THEN
        RAISE EXCEPTION 'questionnaire version % is published and cannot change; make a new version', OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER feedback_questionnaire_guard BEFORE UPDATE OR DELETE ON feedback_questionnaire
    FOR EACH ROW EXECUTE FUNCTION feedback_questionnaire_guard();

CREATE FUNCTION feedback_question_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM feedback_questionnaire
               WHERE id IN (OLD.questionnaire_id, NEW.questionnaire_id) AND is_published) THEN
        RAISE EXCEPTION 'the questions of a published questionnaire cannot change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER feedback_question_guard BEFORE UPDATE OR DELETE ON feedback_question
    FOR EACH ROW EXECUTE FUNCTION feedback_question_guard();
CREATE TRIGGER feedback_question_insert_guard BEFORE INSERT ON feedback_question
    FOR EACH ROW EXECUTE FUNCTION feedback_question_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS feedback_question_insert_guard ON feedback_question;
DROP TRIGGER IF EXISTS feedback_question_guard ON feedback_question;
DROP FUNCTION IF EXISTS feedback_question_guard();
DROP TRIGGER IF EXISTS feedback_questionnaire_guard ON feedback_questionnaire;
DROP FUNCTION IF EXISTS feedback_questionnaire_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_participant_feedback")]

    operations = [
        migrations.RunPython(load_starting_questionnaire, migrations.RunPython.noop),
        migrations.RunSQL(GUARD, UNGUARD),
    ]
