from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Metrics")

    def ready(self):
        from metrics import receivers

        receivers.connect()
        post_migrate.connect(fill_derived_tables, sender=self, dispatch_uid="metrics-fill-derived-tables")


def fill_derived_tables(sender, using, verbosity=1, stdout=None, **kwargs):
    """After `migrate`, fill the derived tables of a database that has records but no results yet:
    the first upgrade to the version that brought them, or data seeded around the models.

    Not a data migration: it computes with today's models and grade maths, which a migration must not
    use (a later migration of grades or courses may not have run yet when it would).
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    from courses.models import Enrollment
    from metrics import derived
    from metrics.models import StudentCourseResult

    connection = connections[using]
    if using != DEFAULT_DB_ALIAS or StudentCourseResult._meta.db_table not in connection.introspection.table_names():
        return  # the derived code reads the default database; or metrics was migrated back to zero
    if StudentCourseResult.objects.exists() or not Enrollment.all_objects.exists():
        return
    done = derived.refresh_everything()
    if verbosity and stdout:
        stdout.write(f"  Filled the metrics' derived tables: {done['results']} results, "
                     f"{done['tallies']} grade tallies, {done['weeks']} attendance weeks.\n")
