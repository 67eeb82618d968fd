"""Realistic demo data: Greek and English names, three semesters, rules, grades, attendance."""

import datetime
import random
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from attendance.models import Attendance, Status
from courses import evaluation, semesters
from courses.models import Course, Enrollment
from grades.models import Grade
from metrics import derived
from sms import context, history, roles
from students.models import Student

DEMO_USERS = {
    # username: (password, role) — shown in the README; change them on a real deployment.
    "admin": ("sms-admin-demo", roles.ADMIN),
    "teacher": ("sms-teacher-demo", roles.TEACHER),
    "viewer": ("sms-viewer-demo", roles.VIEWER),
}
FIRST_NAMES = [
    "Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Δημήτρης", "Κατερίνα", "Κώστας", "Σοφία", "Γιάννης",
    "Αναστασία", "Παναγιώτης", "Δέσποινα", "Alex", "Emma", "Daniel", "Olivia", "Lucas", "Mia",
    "Noah", "Chloe",
]
LAST_NAMES = [
    "Παπαδόπουλος", "Ιωάννου", "Γεωργίου", "Νικολάου", "Καραγιάννης", "Βασιλείου", "Οικονόμου",
    "Αντωνίου", "Μακρής", "Πετρίδης", "Smith", "Brown", "Wilson", "Taylor", "Clark", "Walker",
]
FATHER_NAMES = ["Ιωάννης", "Κωνσταντίνος", "Νικόλαος", "Χρήστος", "Michael", "David", "Peter"]
GREEK = "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώ"
LATIN = ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s",
         "s", "t", "y", "f", "ch", "ps", "o", "a", "e", "i", "i", "o", "y", "o"]
TRANSLIT = dict(zip(map(ord, GREEK), LATIN))
SEMESTERS = ("2025 Fall", "2026 Spring", "2026 Fall")
COURSE_TEMPLATES = [
    ("MATH", "Mathematics", 6, [("Homework", 30), ("Midterm", 30), ("Final", 40)]),
    ("PHYS", "Physics", 5, [("Lab", 25), ("Midterm", 25), ("Final", 50)]),
    ("CS", "Programming", 6, [("Homework", 40), ("Lab", 20), ("Final", 40)]),
    ("GRK", "Νεοελληνική Γλώσσα", 4, [("Εργασία", 40), ("Τελική", 60)]),
    ("HIST", "History", 3, [("Homework", 30), ("Participation", 10), ("Final", 60)]),
    ("ENG", "English", 3, [("Homework", 50), ("Final", 40)]),  # 90: provisional by design
]
COURSES_PER_STUDENT = 3


class Command(BaseCommand):
    help = "Create demo users, students, courses, enrollments, grades and attendance (once)."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=120, help="How many students (default 120).")
        parser.add_argument("--force", action="store_true", help="Add data even if students exist.")
        # The benchmark (bench/run.py) sets exact sizes; without them the mix follows the rules:
        # one grade per category and two lessons per enrollment.
        parser.add_argument("--courses", type=int, default=len(COURSE_TEMPLATES) * len(SEMESTERS),
                            help="How many courses, spread over the three semesters (default 18).")
        parser.add_argument("--grades", type=int, help="Exactly this many grades, spread over the enrollments.")
        parser.add_argument("--attendance", type=int,
                            help="Exactly this many attendance records, spread over the enrollments.")

    def handle(self, *args, students, force, courses, grades=None, attendance=None, **options):
        least_courses = len(SEMESTERS) * COURSES_PER_STUDENT  # every student takes 3 a semester
        if students < 1 or courses < least_courses:
            self.stderr.write(f"--students must be at least 1 and --courses at least {least_courses}.")
            raise SystemExit(2)
        self.create_users()
        if Student.all_objects.exists() and not force:
            self.stdout.write("Demo data already present; nothing to do (use --force to add more).")
            return
        rng = random.Random(2026)
        with context.acting(source=context.SOURCE_COMMAND), transaction.atomic(), _sqlite_page_cache():
            courses = self.create_courses(courses)
            people = self.create_students(rng, students)
            enrollments = self.create_enrollments(rng, people, courses)
            grades = self.create_grades(rng, enrollments, grades)
            absences = self.create_attendance(rng, enrollments, attendance)
            # Bulk inserts send no signals: the metrics' derived tables are computed once, at the end.
            derived.refresh_everything()
        self.stdout.write(self.style.SUCCESS(
            f"Created {len(people)} students, {len(courses)} courses, {len(enrollments)} enrollments, "
            f"{grades} grades, {absences} attendance records."
        ))

    def create_users(self):
        for username, (password, role) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@school.example", "is_staff": role == roles.ADMIN}
            )
            if created:
                user.set_password(password)
                user.is_superuser = role == roles.ADMIN
                user.save()
            user.groups.add(Group.objects.get(name=role))

    def create_courses(self, count):
        teacher = User.objects.get(username="teacher")
        courses = []
        for index, semester in enumerate(SEMESTERS):
            suffix = semester[2:4] + semester.split()[1][0]  # "2026 Fall" → 26F
            for number in range(count // len(SEMESTERS) + (index < count % len(SEMESTERS))):
                prefix, name, credits, rules = COURSE_TEMPLATES[number % len(COURSE_TEMPLATES)]
                courses.append(Course(
                    course_code=f"{prefix}{101 + number // len(COURSE_TEMPLATES)}-{suffix}",
                    course_name=name, semester=semester,
                    credits=credits, hours_per_week=credits, periods_per_week=max(2, credits - 1),
                    absence_penalty=Decimal("0.5"),
                    evaluation_rules=[{"category": c, "weight": w} for c, w in rules],
                ))
        courses = history.bulk_create(Course, courses)
        teacher.taught_courses.add(*courses)
        return courses

    def create_students(self, rng, count):
        today = timezone.localdate()
        people = []
        for number in range(1, count + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            people.append(Student(
                student_id=f"S{number:06d}", first_name=first, last_name=last,
                email=f"{first.lower().translate(TRANSLIT)}.{last.lower().translate(TRANSLIT)}.{number}@school.example",
                father_name=rng.choice(FATHER_NAMES), mobile_phone=f"+30 69{rng.randrange(10**8):08d}",
                enrollment_date=today - datetime.timedelta(days=rng.randrange(30, 900)),
                study_year=rng.randint(1, 3), class_division=f"{rng.choice('ΑΒΓ')}{rng.randint(1, 3)}",
                is_active=rng.random() > 0.05,
                health_issue="Άσθμα" if rng.random() < 0.03 else "",
            ))
        for student in people:
            student.search_text = student.build_search_text()  # bulk_create skips save()
        return history.bulk_create(Student, people, batch_size=2000)

    def create_enrollments(self, rng, people, courses):
        by_semester = {s: [c for c in courses if c.semester == s] for s in SEMESTERS}
        # (student id, course) pairs and plain rows: at district scale, model instances cost more
        # than the inserts themselves.
        enrollments = [
            (student.pk, course) for student in people for semester in SEMESTERS
            for course in rng.sample(by_semester[semester], COURSES_PER_STUDENT)
        ]
        history.bulk_insert(Enrollment, [{"student_id": student_id, "course_id": course.pk}
                                         for student_id, course in enrollments])
        return enrollments

    def create_grades(self, rng, enrollments, total=None):
        today = timezone.localdate()
        grades = []
        # Each course's dates and the rules graded so far (the current semester's final exam has not
        # happened yet), worked out once rather than per enrollment.
        plans = {}
        for course in {course for _student_id, course in enrollments}:
            start, last_day = semesters.semester_dates(course.semester)
            plans[course] = start, min(last_day, today), [
                rule for rule in course.evaluation_rules
                if evaluation.category_key(rule["category"]) != "final" or last_day <= today]
        for index, (student_id, course) in enumerate(enrollments):
            start, end, rules = plans[course]
            ability = rng.uniform(0.35, 1.0)
            count = len(rules) if total is None else _share(total, index, len(enrollments))
            for number in range(count):  # beyond one per category: "Homework 2", "Midterm 2", …
                rule = rules[number % len(rules)]
                assigned = start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))
                score = Decimal(min(20, max(0, round(rng.gauss(ability * 20, 2.5)))))
                grades.append({
                    "student_id": student_id, "course_id": course.pk,
                    "assignment_name": f"{rule['category']} {number // len(rules) + 1}", "category": rule["category"],
                    "grade": score, "max_grade": Decimal(20), "date_assigned": assigned, "date_submitted": assigned,
                })
        history.bulk_insert(Grade, grades)
        return len(grades)

    def create_attendance(self, rng, enrollments, total=None):
        today = timezone.localdate()
        records = []
        terms = {course: semesters.semester_dates(course.semester) for _student_id, course in enrollments}
        statuses = list(Status)
        for index, (student_id, course) in enumerate(enrollments):
            start, end = terms[course]
            lessons = _lessons(start, min(end, today), None if total is None else _share(total, index, len(enrollments)))
            for day, period in lessons:
                status = rng.choices(statuses, weights=[85, 8, 5, 2])[0]
                records.append({
                    "student_id": student_id, "course_id": course.pk, "date": day,
                    "period_number": period, "status": status.value,
                })
        history.bulk_insert(Attendance, records)
        return len(records)


@contextmanager
def _sqlite_page_cache(kibibytes=256 * 1024):
    """A larger SQLite page cache while seeding (the default is 2 MiB): half a million inserts into
    indexed tables then stay in memory rather than re-reading index pages (10k students: ≈ 6 % less)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(kibibytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _share(total, index, parts):
    """The index-th of `parts` near-equal shares of total (they add up to total exactly)."""
    return (index + 1) * total // parts - index * total // parts


def _lessons(start, end, count=None):
    """(date, period) of the lessons an enrollment has a record for: by default the 2nd and 4th
    week's; with a count, one a week back from the last day, then second periods, and so on."""
    if count is None:
        days = [start + datetime.timedelta(days=offset) for offset in (7, 21)]
        return [(day, 1) for day in days if day <= end]
    weeks = (end - start).days // 7 + 1
    return [(end - datetime.timedelta(days=7 * (n % weeks)), 1 + n // weeks) for n in range(count)]
