from django.db import migrations
from django.utils import timezone

from reviews.migrations._starting_framework import BANDS, ELEMENTS, LEVELS


def load_starting_framework(apps, schema_editor):
    Framework = apps.get_model("reviews", "Framework")
    ScoreLevel = apps.get_model("reviews", "ScoreLevel")
    Band = apps.get_model("reviews", "Band")
    Element = apps.get_model("reviews", "Element")
    Criterion = apps.get_model("reviews", "Criterion")
    LevelDescriptor = apps.get_model("reviews", "LevelDescriptor")

    framework = Framework.objects.create(
        name="LPD/CPD Quality Framework",
        version=1,
        status="published",
        is_live=True,
        published_at=timezone.now(),
        description="The five elements of quality assurance from the sources, with twenty criteria.",
    )
    ScoreLevel.objects.bulk_create(
        ScoreLevel(framework=framework, level=level, name=name, meaning=meaning) for level, name, meaning in LEVELS
    )
    Band.objects.bulk_create(
        Band(framework=framework, name=name, min_score=min_score, rank=rank)
        for rank, (name, min_score) in enumerate(BANDS, start=1)
    )
    for position, (key, code, name, question, criteria) in enumerate(ELEMENTS, start=1):
        element = Element.objects.create(
            framework=framework, key=key, code=code, name=name, question=question, position=position
        )
        for criterion_position, (criterion_code, title, guidance, descriptors) in enumerate(criteria, start=1):
            criterion = Criterion.objects.create(
                element=element, code=criterion_code, title=title, guidance=guidance, position=criterion_position
            )
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(criterion=criterion, level=level, descriptor=text)
                for level, text in enumerate(descriptors, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(load_starting_framework, migrations.RunPython.noop)]
