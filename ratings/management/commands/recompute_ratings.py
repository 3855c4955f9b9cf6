from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from programmes.models import Programme
from ratings.engine import RECOMPUTE_STEPS
from ratings.models import StaleRating
from ratings.services import programme_rating_refresh, ratings_refresh_all, stale_ratings_sweep

SWEEP_BATCH = 500


class Command(BaseCommand):
    help = (
        "Recompute ratings: the whole register (--all), one programme (--programme SLUG), "
        "or, by default, every programme whose rating is marked stale."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--all", action="store_true", help="Recompute every rating (set-based, one pass).")
        target.add_argument("--programme", metavar="SLUG", help="Recompute one programme's rating.")

    def handle(self, *args, **options):
        self.quiet = options["verbosity"] == 0
        if options["programme"]:
            self.recompute_one(options["programme"])
        elif options["all"]:
            with tqdm(total=len(RECOMPUTE_STEPS), unit="step", disable=self.quiet, desc="Whole register") as bar:
                rated = ratings_refresh_all(progress=lambda step: (bar.set_postfix_str(step), bar.update(1)))
            self.stdout.write(self.style.SUCCESS(f"Recomputed the ratings of {rated:,} published programmes."))
        else:
            stale = StaleRating.objects.count()
            with tqdm(total=stale, unit="programme", disable=self.quiet, desc="Stale ratings") as bar:
                done = 0
                while batch_done := stale_ratings_sweep(batch_size=SWEEP_BATCH, max_batches=1):
                    done += batch_done
                    bar.update(batch_done)
            self.stdout.write(self.style.SUCCESS(f"Recomputed {done:,} stale ratings."))

    def recompute_one(self, slug: str) -> None:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"No programme has the slug {slug!r}.")
        with tqdm(total=1, unit="programme", disable=self.quiet, desc=slug) as bar:
            rating = programme_rating_refresh(programme_id=programme.id)
            bar.update(1)
        if rating is None:
            self.stdout.write(f"{programme.title} is not published, so it has no rating.")
        else:
            shown = "no score" if rating.shown_score is None else f"{rating.shown_score:.2f}"
            self.stdout.write(
                self.style.SUCCESS(f"{programme.title}: {rating.band} ({shown}, {rating.review_count} reviews).")
            )
