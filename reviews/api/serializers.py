from rest_framework import serializers

from programmes.vocabulary import ElementKey
from qaportal.api.fields import NumberField
from reviews.models import Band, Criterion, Element, Framework, LevelDescriptor, ScoreLevel


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreLevel
        fields = ["level", "name", "meaning"]


class BandSerializer(serializers.ModelSerializer):
    min_score = NumberField(help_text="Programmes whose shown score is at least this are in the band.")

    class Meta:
        model = Band
        fields = ["rank", "name", "min_score"]


class DescriptorSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelDescriptor
        fields = ["level", "descriptor"]


class CriterionSerializer(serializers.ModelSerializer):
    weight = NumberField()
    descriptors = DescriptorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "code", "title", "guidance", "weight", "position", "descriptors"]


class ElementSerializer(serializers.ModelSerializer):
    key = serializers.ChoiceField(choices=ElementKey.choices, read_only=True)
    weight = NumberField()
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Element
        fields = ["key", "code", "name", "question", "weight", "position", "criteria"]


class FrameworkSettingsSerializer(serializers.ModelSerializer):
    prior_weight = NumberField(help_text="m in the Bayesian average (n·mean + m·prior) / (n + m).")

    class Meta:
        model = Framework
        fields = ["prior_weight", "min_reviews", "disagreement_levels", "not_rated_label"]


class FrameworkSerializer(serializers.ModelSerializer):
    settings = FrameworkSettingsSerializer(source="*", read_only=True)
    levels = LevelSerializer(many=True, read_only=True)
    bands = BandSerializer(many=True, read_only=True)
    elements = ElementSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = ["name", "version", "published_at", "description", "settings", "levels", "bands", "elements"]
