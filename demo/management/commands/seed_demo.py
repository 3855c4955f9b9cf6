from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from demo.seeding import DEMO_ACCOUNTS, DEMO_PASSWORD, SCALES, SeedSizes, seed_demo_data
from programmes.models import Programme
from ratings.services import ratings_refresh_all


class Command(BaseCommand):
    help = "Build a realistic synthetic register: providers, programmes, reviewers and scored reviews."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo", help="Preset sizes (default: demo).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--providers", type=int, help="Override the number of providers.")
        parser.add_argument("--programmes", type=int, help="Override the number of programmes.")
        parser.add_argument("--reviewers", type=int, help="Override the number of reviewers.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if there are programmes already.")

    def handle(self, *args, **options):
        if options["if_empty"] and Programme.objects.exists():
            self.stdout.write("The register already has programmes; nothing seeded.")
            return
        preset = SCALES[options["scale"]]
        sizes = SeedSizes(
            providers=options["providers"] or preset.providers,
            programmes=options["programmes"] or preset.programmes,
            reviewers=options["reviewers"] or preset.reviewers,
        )
        if min(sizes.providers, sizes.programmes, sizes.reviewers) < 1 or sizes.reviewers < 3:
            raise CommandError("Sizes must be positive, with at least three reviewers.")
        with tqdm(total=sizes.programmes, unit="programme", disable=options["verbosity"] == 0) as bar:
            report = seed_demo_data(sizes=sizes, seed=options["seed"], progress=bar.update)
        rated = rate_seeded_register()
        statuses = ", ".join(f"{count:,} {status}" for status, count in sorted(report.by_status.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {report.seconds:.1f} s: {report.providers:,} providers, {report.programmes:,} programmes "
                f"({statuses}), {report.reviews:,} reviews, {report.criterion_scores:,} criterion scores, "
                f"{report.reviewers:,} reviewers; {rated:,} programmes rated."
            )
        )
        accounts = ", ".join(username for username, _, _ in DEMO_ACCOUNTS)
        self.stdout.write(f"Demo accounts ({accounts}) use the password {DEMO_PASSWORD!r}.")


def rate_seeded_register() -> int:
    """Seeding ends with every rating computed. The bulk-loaded tables are analysed first: without
    planner statistics PostgreSQL picks a plan for the recompute that is several times slower."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE providers_provider, programmes_programme, reviews_review, reviews_criterionscore")
    return ratings_refresh_all()
