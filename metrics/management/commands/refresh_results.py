"""manage.py refresh_results: rebuild the metrics' derived tables from the school records."""

import time

from django.core.management.base import BaseCommand

from metrics import derived


class Command(BaseCommand):
    help = (
        "Recompute every student's final result per course, the grade tallies and the weekly attendance "
        "counts the metrics read, from the school records. Writes keep them current by themselves; run "
        "this after data was written around the application (bulk seeding, SQL by hand, a restore)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        done = derived.refresh_everything()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"Recomputed {done['results']} results, {done['tallies']} grade tallies and "
                f"{done['weeks']} attendance weeks in {time.perf_counter() - started:.1f} s."
            ))
