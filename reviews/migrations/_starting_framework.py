"""The starting QA framework (version 1), as data: the design's elements, criteria and rubric.

Each criterion: (code, title, guidance, four level descriptors from Limited to Exemplary).
Kept beside the migration that loads it so that later edits to the app cannot change history.
"""

from decimal import Decimal

from django.db import connection
from django.utils import timezone

LEVELS = [
    (1, "Limited", "Little or no evidence; claims are unsupported."),
    (2, "Developing", "Some evidence, with significant gaps."),
    (3, "Secure", "Clear, consistent evidence that the criterion is met."),
    (4, "Exemplary", "Strong evidence, including of impact; others could learn from it."),
]

BANDS = [("Exemplary", "3.50"), ("Secure", "2.75"), ("Developing", "2.00"), ("Limited", "0.00")]

ELEMENTS = [
    (
        "purpose",
        "P",
        "Purpose",
        "What is it for, and will anyone know if it worked?",
        [
            (
                "P1",
                "Identified need",
                "The programme starts from a diagnosed need of participants, their school(s) and pupils, "
                "not from what the provider happens to sell.",
                [
                    "No account of whose need the programme meets; content is fixed whatever the participants bring.",
                    "Need is described in general terms (for example national priorities) but not diagnosed for "
                    "participants or their schools.",
                    "Participants' and schools' needs are identified before the programme starts and shape its "
                    "content and grouping.",
                    "A structured diagnosis (pupil data, leader self-review, school priorities) tailors the programme; "
                    "records show it changed what participants did.",
                ],
            ),
            (
                "P2",
                "Intended outcomes",
                "Clear, specific outcomes for participants and, through them, for pupils.",
                [
                    'Outcomes are absent or vague ("improve practice").',
                    "Outcomes for participants are stated but are broad, or say nothing about pupils.",
                    "Specific outcomes for participants and a plausible route to outcomes for pupils are stated.",
                    "Outcomes are specific, measurable where sensible, tied to pupil outcomes, and shared with "
                    "participants and their leaders from the start.",
                ],
            ),
            (
                "P3",
                "Impact evaluation",
                "Outcomes are evaluated, beyond satisfaction surveys, and the findings are used and shared.",
                [
                    "No evaluation, or only end-of-session satisfaction forms.",
                    "Some evaluation of participants' learning, but not of changes in practice or for pupils.",
                    "Changes in participants' practice are evaluated against the intended outcomes and the findings "
                    "are reported.",
                    "Evaluation follows through to pupils with a credible design; findings are published and have "
                    "changed the programme.",
                ],
            ),
            (
                "P4",
                "Fit with school priorities",
                "Participation is planned with, and prioritised by, the school's leadership "
                "(release time, follow-up in school).",
                [
                    "Participants enrol as individuals; school leaders are not involved.",
                    "Leaders agree to participation but are not asked to plan release time or follow-up.",
                    "Leaders commit to release time and in-school follow-up as a condition of taking part.",
                    "Leaders co-plan participation with the provider, link it to the school improvement plan and "
                    "review progress with the participant.",
                ],
            ),
        ],
    ),
    (
        "governance",
        "G",
        "Governance",
        "Who organises it, and who answers for its quality?",
        [
            (
                "G1",
                "Accountable ownership",
                "A named organisation and lead are responsible for design, delivery and quality; partnership "
                "arrangements (MAT, hub, LA partnership) are explicit.",
                [
                    "It is unclear who is responsible for the programme or its quality.",
                    "An organisation is named, but responsibilities across partners are unclear.",
                    "A named organisation and lead are accountable, and partners' roles are written down.",
                    "Clear accountability with a governance group that reviews quality and acts on it; partners' "
                    "roles and escalation routes are published.",
                ],
            ),
            (
                "G2",
                "Facilitator quality",
                "Facilitators' expertise is checked and developed (for example specialist leaders of education "
                "are themselves quality-assured).",
                [
                    "No information on who delivers or how their expertise is assured.",
                    "Facilitators are named with their experience, but their delivery is not checked.",
                    "Facilitators are selected against criteria, observed, and given feedback.",
                    "A developed system for facilitators: selection, observation, moderation and their own "
                    "professional development, with records.",
                ],
            ),
            (
                "G3",
                "Independence and integrity",
                "Conflicts of interest are declared and managed; claims in marketing match what is delivered.",
                [
                    "Marketing claims are unsupported, or conflicts of interest are ignored.",
                    "Some claims are supported; conflicts of interest are acknowledged informally.",
                    "Conflicts are declared and managed; marketing claims match what is delivered.",
                    "An open register of interests; claims are independently checked and corrected when they "
                    "drift from practice.",
                ],
            ),
            (
                "G4",
                "Improvement cycle",
                "Participant and school feedback and evaluation results change the programme over time.",
                [
                    "No evidence the programme has changed in response to feedback.",
                    "Feedback is collected but changes are occasional and undocumented.",
                    "Feedback and evaluation are reviewed on a cycle and changes are recorded.",
                    "A documented improvement cycle with examples of significant changes and their effects.",
                ],
            ),
        ],
    ),
    (
        "process",
        "R",
        "Process",
        "How is it delivered?",
        [
            (
                "R1",
                "Sustained over time",
                "Learning is spread over weeks or terms with follow-up, not a one-off event.",
                [
                    "A single event with no follow-up.",
                    "A few sessions close together, with little follow-up between them.",
                    "Sessions spread over at least a term, with structured follow-up between them.",
                    "Sustained over two terms or more with iterative cycles of learning, practice and review.",
                ],
            ),
            (
                "R2",
                "Collaboration and expert challenge",
                "Participants work with peers and are challenged by expertise from outside their own school "
                "(joint practice development, not one-way transfer).",
                [
                    "One-way presentation; participants do not work together.",
                    "Some peer discussion, but little challenge from outside expertise.",
                    "Structured collaboration with peers and regular challenge from external expertise.",
                    "Joint practice development across schools, with expert challenge that demonstrably changes "
                    "participants' thinking.",
                ],
            ),
            (
                "R3",
                "Practice and feedback",
                "Techniques are explained, modelled, rehearsed, and practised with feedback.",
                [
                    "Techniques are only described.",
                    "Techniques are explained and modelled but not rehearsed.",
                    "Techniques are explained, modelled and rehearsed, with feedback on practice.",
                    "Deliberate practice with specific feedback in increasingly realistic settings, revisited "
                    "until secure.",
                ],
            ),
            (
                "R4",
                "Embedding in context",
                "Prompts, action plans and in-school follow-up help participants apply the learning in their own "
                "context.",
                [
                    "Nothing helps participants apply the learning back in school.",
                    "Participants are encouraged to apply the learning, without structured support.",
                    "Action plans, prompts and in-school follow-up support application.",
                    "Application is planned, monitored and supported in school, with evidence that practice "
                    "changed and stuck.",
                ],
            ),
        ],
    ),
    (
        "definitions",
        "D",
        "Definitions",
        "What does it claim, and on what evidence?",
        [
            (
                "D1",
                "Evidence base",
                "The content draws on robust, current research and practice, cited.",
                [
                    "No sources, or sources that are outdated or discredited.",
                    "Some sources are cited, but selectively or without regard to their strength.",
                    "Content draws on robust, current research and practice, cited in the materials.",
                    "Content is built on the best available evidence, weighed critically, and updated as the "
                    "evidence moves.",
                ],
            ),
            (
                "D2",
                "Clear standards",
                "The knowledge, skills and behaviours the programme develops are defined (for example against a "
                "recognised leadership or teaching framework).",
                [
                    "What participants will learn is not defined.",
                    "Topics are listed, but not the knowledge, skills or behaviours to be developed.",
                    "Knowledge, skills and behaviours are defined and mapped to a recognised framework.",
                    "Clearly defined, mapped to recognised frameworks, and sequenced so that each builds on the last.",
                ],
            ),
            (
                "D3",
                "Assessment of participants",
                "How participants show what they have learned is defined and fair.",
                [
                    "Participants' learning is not assessed.",
                    "Assessment is informal or inconsistent between groups.",
                    "Assessment is defined, fair and consistent, with criteria shared in advance.",
                    "Assessment is valid, moderated across facilitators, and feeds back into each participant's "
                    "development.",
                ],
            ),
            (
                "D4",
                "Accurate description",
                "Level, length, format, prerequisites and commitments are described accurately enough to commission "
                "from.",
                [
                    "The description is too vague to commission from.",
                    "Key facts (length, commitments or prerequisites) are missing or unclear.",
                    "Level, length, format, prerequisites and commitments are clear and accurate.",
                    "A complete, accurate description with sample materials, so leaders know exactly what they "
                    "commission.",
                ],
            ),
        ],
    ),
    (
        "value",
        "V",
        "Value",
        "Who pays, how, and is it worth it?",
        [
            (
                "V1",
                "Cost transparency",
                "Full cost per participant, including hidden costs such as release time, is stated.",
                [
                    "Costs are not stated, or only on request.",
                    "The fee is stated, but not the other costs such as release time or travel.",
                    "The full cost per participant, including release time, is stated.",
                    "Full cost is stated with a worked example for a typical school, and it matches invoices.",
                ],
            ),
            (
                "V2",
                "Funding and access",
                "Funding routes, bursaries or subscriptions are clear; small and isolated schools can take part.",
                [
                    "No information on funding; small or isolated schools are effectively excluded.",
                    "Some funding information, but access for small or isolated schools is not considered.",
                    "Funding routes are clear and there are practical arrangements for small or isolated schools.",
                    "Funding and access are actively managed so that participation reflects need, not school size "
                    "or location.",
                ],
            ),
            (
                "V3",
                "Value for money",
                "Cost is proportionate to contact time, support and expected impact.",
                [
                    "Cost is out of proportion to what is offered.",
                    "Cost is broadly in line with similar provision, but the impact case is weak.",
                    "Cost is proportionate to contact time, support and likely impact.",
                    "Strong evidence of impact relative to cost; compares well with similar provision.",
                ],
            ),
            (
                "V4",
                "Sharing of knowledge",
                'What is learned is shared beyond the paying school where possible (the "sell, share or protect" '
                "question in the sources).",
                [
                    "Nothing is shared beyond participants.",
                    "Some materials are shared informally.",
                    "Materials and findings are shared openly with other schools where possible.",
                    "The programme deliberately builds shared knowledge across the system, for example open "
                    "resources and published findings.",
                ],
            ),
        ],
    ),
]


# Method version 2: a band also needs every element at or above its floor.
BAND_ELEMENT_FLOORS = {"Exemplary": Decimal("3.0"), "Secure": Decimal("2.0")}


def use_method_version_2(apps) -> None:
    """Rate by method version 2 (bands on the raw overall, element floors) with the starting
    framework, if nothing has been reviewed against any framework yet.

    The starting framework was published before the method's version 2 settings existed. While no
    review exists, no rating was ever computed with it, so settling its method changes no judgement
    already made; the immutability triggers are paused for that one update. A register already in
    use keeps version 1 on its published versions, and moves to version 2 by publishing a new one.
    """
    Framework = apps.get_model("reviews", "Framework")
    Band = apps.get_model("reviews", "Band")
    Review = apps.get_model("reviews", "Review")
    starting = Framework.objects.filter(version=1, is_live=True).first()
    if starting is None or starting.band_score == "raw" or Review.objects.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reviews_framework DISABLE TRIGGER reviews_framework_guard")
        cursor.execute("ALTER TABLE reviews_band DISABLE TRIGGER reviews_band_guard")
        try:
            Framework.objects.filter(pk=starting.pk).update(band_score="raw", moderation_element_gap=Decimal("1"))
            for name, floor in BAND_ELEMENT_FLOORS.items():
                Band.objects.filter(framework=starting, name=name).update(element_floor=floor)
        finally:
            cursor.execute("ALTER TABLE reviews_framework ENABLE TRIGGER reviews_framework_guard")
            cursor.execute("ALTER TABLE reviews_band ENABLE TRIGGER reviews_band_guard")


def load_starting_framework(apps) -> None:
    """Create framework v1 as a draft, fill it, then publish it and make it live.

    The order matters: once published, the database refuses any change to its parts.
    """
    Framework = apps.get_model("reviews", "Framework")
    ScoreLevel = apps.get_model("reviews", "ScoreLevel")
    Band = apps.get_model("reviews", "Band")
    Element = apps.get_model("reviews", "Element")
    Criterion = apps.get_model("reviews", "Criterion")
    LevelDescriptor = apps.get_model("reviews", "LevelDescriptor")

    # With the models of method version 2 (a later migration), the framework is loaded with it.
    method_version_2 = any(field.name == "element_floor" for field in Band._meta.get_fields())
    framework = Framework.objects.create(
        name="LPD/CPD Quality Framework",
        version=1,
        status="draft",
        description="The five elements of quality assurance from the sources, with twenty criteria.",
        **({"band_score": "raw"} if method_version_2 else {}),
    )
    ScoreLevel.objects.bulk_create(
        ScoreLevel(framework=framework, level=level, name=name, meaning=meaning) for level, name, meaning in LEVELS
    )
    Band.objects.bulk_create(
        Band(
            framework=framework,
            name=name,
            min_score=min_score,
            rank=rank,
            **({"element_floor": BAND_ELEMENT_FLOORS.get(name)} if method_version_2 else {}),
        )
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
    try:
        apps.get_model("reviews", "CrosswalkTag")
    except LookupError:
        pass  # Before the crosswalk existed (migration 0002); its own migration tags version 1.
    else:
        from reviews.crosswalk import load_crosswalk_vocabulary, tag_starting_criteria

        load_crosswalk_vocabulary(apps)
        tag_starting_criteria(apps, framework)
    Framework.objects.filter(pk=framework.pk).update(status="published", is_live=True, published_at=timezone.now())
