import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from conftest import enroll, make_course, make_student, make_user
from courses.models import Enrollment
from sms import roles
from students.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("boss", password="x"))
    return client


def test_the_student_list_hides_deleted_rows_until_asked(admin_client):
    make_student(last_name="Alive")
    make_student(last_name="Gone").soft_delete()
    page = admin_client.get("/admin/students/student/").content.decode()
    assert "Alive" in page and "Gone" not in page
    deleted = admin_client.get("/admin/students/student/?deleted=yes").content.decode()
    assert "Gone" in deleted and "Alive" not in deleted


def test_the_restore_action_brings_a_student_back(admin_client):
    student = make_student()
    student.soft_delete()
    response = admin_client.post("/admin/students/student/?deleted=yes",
                                 {"action": "restore_selected", "_selected_action": [student.pk]}, follow=True)
    assert response.status_code == 200
    assert Student.objects.filter(pk=student.pk).exists()


def test_restore_collisions_are_shown_as_an_error_message(admin_client):
    student = make_student(email="same@school.example")
    student.soft_delete()
    make_student(email="same@school.example")
    response = admin_client.post("/admin/students/student/?deleted=yes",
                                 {"action": "restore_selected", "_selected_action": [student.pk]}, follow=True)
    assert "cannot be restored" in response.content.decode()
    assert Student.all_objects.get(pk=student.pk).is_deleted


def test_deleting_in_the_admin_is_a_soft_delete(admin_client):
    student = make_student()
    admin_client.post(f"/admin/students/student/{student.pk}/delete/", {"post": "yes"})
    assert Student.all_objects.get(pk=student.pk).is_deleted


def test_history_page_lists_changes(admin_client):
    student = make_student()
    student.first_name = "Changed"
    student.save()
    response = admin_client.get(f"/admin/students/student/{student.pk}/history/")
    assert response.status_code == 200 and "Changed" in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/students/student/", "/admin/courses/course/", "/admin/courses/enrollment/",
                                 "/admin/grades/grade/", "/admin/grades/dailyperformance/",
                                 "/admin/attendance/attendance/"])
def test_every_domain_admin_list_renders(admin_client, url):
    assert admin_client.get(url).status_code == 200


def _query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _record_rows(how_many):
    """Students, each enrolled in a course of their own with a grade, attendance and daily performance."""
    import datetime
    from decimal import Decimal

    from attendance.models import Attendance
    from grades.models import DailyPerformance, Grade

    for _ in range(how_many):
        student, course = make_student(), make_course()
        enroll(student, course)
        Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                             grade=Decimal(15), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))
        Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent")
        DailyPerformance.objects.create(student=student, course=course, date=datetime.date(2026, 10, 1),
                                        category="Participation", score=Decimal(8), max_score=Decimal(10))


ADMIN_LISTS = ["/admin/students/student/", "/admin/courses/course/", "/admin/courses/enrollment/",
               "/admin/grades/grade/", "/admin/grades/dailyperformance/", "/admin/attendance/attendance/",
               "/admin/students/student/?deleted=yes", "/admin/grades/grade/?deleted=all"]


def test_every_domain_admin_list_runs_the_same_queries_for_3_rows_as_for_60(admin_client):
    # list_select_related keeps student and course out of per-row queries; the admin's own
    # queries (count, filter choices) do not depend on the number of rows.
    _record_rows(3)
    few = {url: _query_count(admin_client, url) for url in ADMIN_LISTS}
    _record_rows(57)
    many = {url: _query_count(admin_client, url) for url in ADMIN_LISTS}
    assert many == few


def test_the_grade_admin_list_counts_only_the_rows_it_lists(admin_client, django_assert_num_queries):
    _record_rows(30)
    # session, user (a superuser: no role query); COUNT of live grades; the page of grades with
    # students and courses; the courses' semesters and rule categories for the filters. No COUNT of
    # the whole table (deleted rows included), no DISTINCT over the grades, no date hierarchy.
    with django_assert_num_queries(5) as queries:
        response = admin_client.get("/admin/grades/grade/")
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert len(counts) == 1 and "deleted_at" in counts[0]
    assert "30 grades" in response.content.decode()


@pytest.mark.parametrize("changes", [1, 60])
def test_the_history_page_runs_fixed_queries_however_many_changes_and_editors(
        admin_client, django_assert_num_queries, changes):
    from django.test import RequestFactory

    from conftest import make_user
    from sms import context

    student = make_student()
    editors = [make_user("teacher") for _ in range(5)]
    for number in range(changes):
        request = RequestFactory().get("/")
        request.user = editors[number % len(editors)]
        with context.acting(request=request, source=context.SOURCE_WEB):
            student.first_name = f"Name {number}"
            student.save()
    # session, user, the student, COUNT of history rows, the page of history rows with their users
    with django_assert_num_queries(5):
        response = admin_client.get(f"/admin/students/student/{student.pk}/history/")
    assert f"Name {changes - 1}" in response.content.decode()


DOMAIN_ADMINS = [
    ("students", "student"), ("courses", "course"), ("courses", "enrollment"), ("grades", "grade"),
    ("grades", "dailyperformance"), ("attendance", "attendance"),
]


@pytest.mark.parametrize(("app", "model_name"), DOMAIN_ADMINS)
def test_every_domain_admin_hides_deleted_rows_and_restores_them_with_the_action(admin_client, app, model_name):
    from django.apps import apps

    _record_rows(2)
    model = apps.get_model(app, model_name)
    gone, kept = model.objects.order_by("pk")[:2]
    admin_client.post(f"/admin/{app}/{model_name}/",
                      {"action": "soft_delete_selected", "_selected_action": [gone.pk]}, follow=True)
    assert model.all_objects.get(pk=gone.pk).is_deleted and not model.all_objects.get(pk=kept.pk).is_deleted
    listed = admin_client.get(f"/admin/{app}/{model_name}/").context["cl"].result_list
    assert gone.pk not in {row.pk for row in listed} and kept.pk in {row.pk for row in listed}
    deleted = admin_client.get(f"/admin/{app}/{model_name}/?deleted=yes").context["cl"].result_list
    assert [row.pk for row in deleted] == [gone.pk]
    response = admin_client.post(f"/admin/{app}/{model_name}/?deleted=yes",
                                 {"action": "restore_selected", "_selected_action": [gone.pk]}, follow=True)
    assert "1 record restored." in response.content.decode()
    assert model.objects.filter(pk=gone.pk).exists()
    assert gone.history.latest().history_source == "admin"
    assert admin_client.get(f"/admin/{app}/{model_name}/{gone.pk}/history/").status_code == 200


def test_the_admin_is_titled_for_the_school_in_english_and_greek(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "SMS administration" in page and "Django administration" not in page
    greek = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Διαχείριση SMS" in greek


def _student_form(**values):
    return {"student_id": "S-NEW", "first_name": "Eleni", "last_name": "Nikolaou", "email": "eleni@school.example",
            "enrollment_date": "2026-09-01", "study_year": 1, "is_active": "on", **values}


def _duplicate_student_id():
    make_student(student_id="S-TAKEN")
    return "/admin/students/student/add/", _student_form(student_id="s-taken"), "student_id"


def _duplicate_student_email():
    make_student(email="taken@school.example")
    return "/admin/students/student/add/", _student_form(email="Taken@School.example"), "email"


def _student_email_changed_to_a_taken_one():
    make_student(email="taken@school.example")
    student = make_student()
    return (f"/admin/students/student/{student.pk}/change/",
            _student_form(student_id=student.student_id, email="taken@school.example"), "email")


def _duplicate_course_code():

    make_course(course_code="MATH-101")
    return "/admin/courses/course/add/", {
        "course_code": "math-101", "course_name": "Algebra", "semester": "2026 Fall", "credits": 6,
        "hours_per_week": 4, "periods_per_week": 4, "absence_penalty": "0", "evaluation_rules": "[]",
    }, "course_code"


def _duplicate_enrollment():

    student, course = make_student(), make_course()
    enroll(student, course)
    return "/admin/courses/enrollment/add/", {
        "student": student.pk, "course": course.pk, "enrolled_at_0": "2026-09-01", "enrolled_at_1": "08:00:00",
    }, "__all__"


def _duplicate_attendance():
    import datetime

    from attendance.models import Attendance

    student, course = make_student(), make_course()
    enroll(student, course)
    Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, 1), period_number=2)
    return "/admin/attendance/attendance/add/", {
        "student": student.pk, "course": course.pk, "date": "2026-10-01", "period_number": 2, "status": "Absent",
    }, "__all__"


DUPLICATE_MESSAGES = {
    _duplicate_student_id: ("Another student already has this student ID. Choose a different one.",
                            "Άλλος μαθητής έχει ήδη αυτόν τον αριθμό μητρώου. Επιλέξτε διαφορετικό."),
    _duplicate_student_email: ("Another student already uses this email address. Use a different one.",
                               "Άλλος μαθητής χρησιμοποιεί ήδη αυτό το email. Χρησιμοποιήστε διαφορετικό."),
    _student_email_changed_to_a_taken_one: (
        "Another student already uses this email address. Use a different one.",
        "Άλλος μαθητής χρησιμοποιεί ήδη αυτό το email. Χρησιμοποιήστε διαφορετικό."),
    _duplicate_course_code: ("Another course already has this code. Choose a different code.",
                             "Υπάρχει ήδη μάθημα με αυτόν τον κωδικό. Επιλέξτε άλλον κωδικό."),
    _duplicate_enrollment: ("This student is already enrolled in this course.",
                            "Ο μαθητής είναι ήδη εγγεγραμμένος σε αυτό το μάθημα."),
    _duplicate_attendance: (
        "Attendance for this student, course, date and period is already taken. Edit that record instead.",
        ("Η παρουσία για αυτόν τον μαθητή, το μάθημα, την ημερομηνία και την ώρα έχει ήδη καταχωριστεί. "
         "Διορθώστε εκείνη την εγγραφή.")),
}


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("duplicate", list(DUPLICATE_MESSAGES), ids=lambda case: case.__name__.strip("_"))
def test_a_duplicate_entered_in_the_admin_is_a_form_error_beside_its_field_and_saves_nothing(
        admin_client, duplicate, language):
    # The unique rules hold among live rows only (a condition on deleted_at, which the admin form
    # leaves out): they used to be skipped by validation and end in an IntegrityError, a 500.
    from django.apps import apps

    url, data, field = duplicate()
    model = apps.get_model(*url.split("/")[2:4])
    rows_before = list(model.all_objects.order_by("pk").values())
    response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    message = DUPLICATE_MESSAGES[duplicate][language == "el"]
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert message in response.content.decode()
    assert list(model.all_objects.order_by("pk").values()) == rows_before


def _student_and_course_with_records():
    """A student in a course with an enrollment, a grade, an attendance record and daily performance."""
    import datetime
    from decimal import Decimal

    from attendance.models import Attendance
    from grades.models import DailyPerformance, Grade

    student, course = make_student(), make_course()
    enroll(student, course)
    Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                         grade=Decimal(15), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))
    Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent")
    DailyPerformance.objects.create(student=student, course=course, date=datetime.date(2026, 10, 1),
                                    category="Participation", score=Decimal(8), max_score=Decimal(10))
    return student, course


def _records_of(student):
    from attendance.models import Attendance
    from grades.models import DailyPerformance, Grade

    return [model.all_objects.get(student=student) for model in (Enrollment, Grade, Attendance, DailyPerformance)]


@pytest.mark.parametrize("which", ["student", "course"])
def test_the_admin_delete_page_soft_deletes_a_record_with_its_enrollments_grades_and_attendance(
        admin_client, which):
    # PROTECT foreign keys used to make this page refuse ("would require deleting the following
    # protected related objects"), though nothing is removed.
    student, course = _student_and_course_with_records()
    target = {"student": student, "course": course}[which]
    url = f"/admin/{target._meta.app_label}/{which}/{target.pk}/delete/"
    page = admin_client.get(url)
    content = page.content.decode()
    assert page.context["protected"] == [] and not page.context["perms_lacking"]
    assert "protected" not in content and "Yes, I’m sure" in content
    assert dict(page.context["model_count"]) == {
        target._meta.verbose_name_plural: 1, "enrollments": 1, "grades": 1, "attendance records": 1,
        "daily performance records": 1}
    assert "Quiz: 15.00/20.00" in content and "can restore them together" in content

    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    target = type(target).all_objects.get(pk=target.pk)
    records = _records_of(student)
    assert target.is_deleted and {record.deleted_at for record in records} == {target.deleted_at}
    assert type(student).all_objects.get(pk=student.pk).is_deleted is (which == "student")
    assert type(course).all_objects.get(pk=course.pk).is_deleted is (which == "course")
    for row in [target, *records]:
        latest = row.history.latest()
        assert (latest.history_source, latest.history_change_reason) == ("admin", "admin delete")

    response = admin_client.post(f"/admin/{target._meta.app_label}/{which}/?deleted=yes",
                                 {"action": "restore_selected", "_selected_action": [target.pk]}, follow=True)
    assert "1 record restored." in response.content.decode()
    assert not any(row.is_deleted for row in [type(target).all_objects.get(pk=target.pk), *_records_of(student)])


def test_deleting_a_student_in_the_admin_needs_no_delete_permission_on_their_records(client):
    from django.contrib.auth.models import Permission

    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(
        content_type__app_label="students", codename__in=["view_student", "delete_student"]))
    client.force_login(clerk)
    student, _course = _student_and_course_with_records()
    page = client.get(f"/admin/students/student/{student.pk}/delete/")
    assert not page.context["perms_lacking"] and "Yes, I’m sure" in page.content.decode()
    client.post(f"/admin/students/student/{student.pk}/delete/", {"post": "yes"})
    assert all(row.is_deleted for row in _records_of(student))


def _deleted_student():
    student = make_student(first_name="Kept")
    student.soft_delete()
    return Student.all_objects.get(pk=student.pk)


def test_a_deleted_record_opens_read_only_in_the_admin_with_how_to_restore_it(admin_client):
    student = _deleted_student()
    response = admin_client.get(f"/admin/students/student/{student.pk}/change/")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in content and 'name="first_name"' not in content
    assert "is read-only" in content and "Restore selected" in content
    assert f"/admin/students/student/{student.pk}/delete/" not in content
    greek = admin_client.get(f"/admin/students/student/{student.pk}/change/", HTTP_ACCEPT_LANGUAGE="el")
    assert "μόνο για ανάγνωση" in greek.content.decode()


def test_saving_a_deleted_record_in_the_admin_is_refused_with_a_message_and_changes_nothing(admin_client):
    student = _deleted_student()
    history_rows = student.history.count()
    response = admin_client.post(f"/admin/students/student/{student.pk}/change/",
                                 _student_form(student_id=student.student_id, first_name="Changed"), follow=True)
    assert response.status_code == 200
    assert "has been deleted. Restore it first" in response.content.decode()
    stored = Student.all_objects.get(pk=student.pk)
    assert (stored.first_name, stored.deleted_at) == ("Kept", student.deleted_at)
    assert student.history.count() == history_rows


def test_deleting_a_deleted_record_again_in_the_admin_says_so_and_changes_nothing(admin_client):
    student = _deleted_student()
    response = admin_client.post(f"/admin/students/student/{student.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200 and "is already deleted" in response.content.decode()
    assert Student.all_objects.get(pk=student.pk).deleted_at == student.deleted_at


def test_the_history_revert_page_cannot_change_a_deleted_record(admin_client):
    student = make_student(first_name="Before")
    student.first_name = "After"
    student.save()
    student.soft_delete()
    version = student.history.get(first_name="Before", history_type="+")
    url = f"/admin/students/student/{student.pk}/history/{version.history_id}/"
    assert 'name="_save"' not in admin_client.get(url).content.decode()
    response = admin_client.post(url, _student_form(student_id=student.student_id, first_name="Before"), follow=True)
    assert "has been deleted. Restore it first" in response.content.decode()
    stored = Student.all_objects.get(pk=student.pk)
    assert stored.first_name == "After" and stored.is_deleted


def test_reverting_a_live_record_to_its_deleted_version_keeps_it_live(admin_client):
    # Deleting and restoring go through the services (cascade, collisions); a revert only brings
    # back values.
    student, _course = _student_and_course_with_records()
    student.soft_delete()
    deleted_version = student.history.latest()
    Student.all_objects.get(pk=student.pk).restore()
    url = f"/admin/students/student/{student.pk}/history/{deleted_version.history_id}/"
    response = admin_client.post(url, _student_form(student_id=student.student_id, email=student.email,
                                                    first_name="Reverted"))
    assert response.status_code == 302
    stored = Student.all_objects.get(pk=student.pk)
    assert (stored.first_name, stored.is_deleted) == ("Reverted", False)
    assert not any(row.is_deleted for row in _records_of(student))


def test_the_history_revert_page_refuses_a_save_without_the_change_permission(client):
    from django.contrib.auth.models import Permission

    reader = User.objects.create_user("reader", password="x", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(content_type__app_label="students",
                                                          codename="view_student"))
    client.force_login(reader)
    student = make_student(first_name="Before")
    version = student.history.get()
    response = client.post(f"/admin/students/student/{student.pk}/history/{version.history_id}/",
                           _student_form(student_id=student.student_id, email=student.email, first_name="Hacked"))
    assert response.status_code == 403
    assert Student.objects.get(pk=student.pk).first_name == "Before"


def _listed(client, url):
    return {str(row) for row in client.get(url).context["cl"].result_list}


@pytest.mark.parametrize(("search", "expected"), [
    ("S-0042", {"Eleni Nikolaou (S-0042)"}),
    ("nikolaou", {"Eleni Nikolaou (S-0042)"}),
    ("eleni", {"Eleni Nikolaou (S-0042)", "Eleni Smith (S-0099)"}),
    ("giorgos.p@", {"Γιώργος Παπαδόπουλος (S-0007)"}),
    ("παπαδοπουλος", {"Γιώργος Παπαδόπουλος (S-0007)"}),
    ("ΓΙΩΡΓΟΣ", {"Γιώργος Παπαδόπουλος (S-0007)"}),
    ("eleni smith", {"Eleni Smith (S-0099)"}),
    ("nobody", set()),
])
def test_the_student_admin_finds_students_by_id_name_or_email(admin_client, search, expected):
    make_student(student_id="S-0042", first_name="Eleni", last_name="Nikolaou", email="eleni.n@school.example")
    make_student(student_id="S-0099", first_name="Eleni", last_name="Smith", email="e.smith@school.example")
    make_student(student_id="S-0007", first_name="Γιώργος", last_name="Παπαδόπουλος", email="giorgos.p@school.example")
    make_student(student_id="S-0500", first_name="Eleni", last_name="Deleted").soft_delete()
    assert _listed(admin_client, f"/admin/students/student/?q={search}") == expected


@pytest.mark.parametrize(("search", "expected"), [
    ("math-101", {"MATH-101 — Mathematics"}),
    ("physics", {"PHYS-201 — Physics"}),
    ("101", {"MATH-101 — Mathematics", "GRK-101A — Νεοελληνική Γλώσσα"}),
    ("Νεοελληνική", {"GRK-101A — Νεοελληνική Γλώσσα"}),
    ("nothing", set()),
])
def test_the_course_admin_finds_courses_by_code_or_name(admin_client, search, expected):

    make_course(course_code="MATH-101", course_name="Mathematics")
    make_course(course_code="PHYS-201", course_name="Physics")
    make_course(course_code="GRK-101A", course_name="Νεοελληνική Γλώσσα")
    assert _listed(admin_client, f"/admin/courses/course/?q={search}") == expected


def test_the_student_picker_of_an_enrollment_finds_greek_names_and_leaves_out_deleted_students(admin_client):
    live = make_student(first_name="Γιώργος", last_name="Παπαδόπουλος")
    make_student(first_name="Γιώργος", last_name="Παπαδάκης").soft_delete()
    response = admin_client.get("/admin/autocomplete/", {"app_label": "courses", "model_name": "enrollment",
                                                         "field_name": "student", "term": "γιωργος παπα"})
    assert [item["id"] for item in response.json()["results"]] == [str(live.pk)]


@pytest.mark.parametrize("role", [roles.TEACHER, roles.VIEWER])
def test_teachers_and_viewers_with_the_staff_flag_are_kept_out_of_the_admin(role):
    """The admin checks model permissions, not the courses a teacher teaches (sms/admin_site.py)."""
    client = Client()
    client.force_login(make_user(role, is_staff=True))
    for path in ("/admin/", "/admin/grades/grade/", "/admin/attendance/attendance/add/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_staff_without_a_role_keep_the_admin_pages_their_permissions_allow(db):
    clerk = User.objects.create_user("records_clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_student"))
    client = Client()
    client.force_login(clerk)
    assert client.get("/admin/students/student/").status_code == 200
    assert client.get("/admin/grades/grade/").status_code == 403


@pytest.mark.parametrize("url", ADMIN_LISTS)
def test_every_domain_admin_list_runs_at_most_three_queries_of_its_own(admin_client, url):
    """The benchmark's target for every list: its count, its page and at most one query for the
    sidebar (the courses' semesters and categories), besides the session and the user."""
    _record_rows(5)
    assert _query_count(admin_client, url) <= 2 + 3


def test_admin_sidebar_filters_offer_the_courses_semesters_and_categories_and_filter_by_them(admin_client):
    import datetime
    from decimal import Decimal

    from grades.models import Grade

    _record_rows(2)
    other = make_course(semester="2025 Fall", evaluation_rules=[{"category": "Εργασία", "weight": 50}])
    student = make_student()
    enroll(student, other)
    Grade.objects.create(student=student, course=other, assignment_name="Essay", category="Εργασία",
                         grade=Decimal(12), max_grade=Decimal(20), date_assigned=datetime.date(2025, 10, 1))
    late = make_course(semester="2025 Fall")
    enroll(student, late)
    Grade.objects.create(student=student, course=late, assignment_name="Sheet", category="homework",
                         grade=Decimal(12), max_grade=Decimal(20), date_assigned=datetime.date(2025, 10, 1))
    page = admin_client.get("/admin/grades/grade/").content.decode()
    sidebar = page[page.index('id="changelist-filter"'):]
    assert sidebar.index("2025 Fall") < sidebar.index("2026 Fall") and "Εργασία" in sidebar
    filtered = admin_client.get("/admin/grades/grade/", {"category": "Εργασία", "course__semester": "2025 Fall"})
    assert "1 grade" in filtered.content.decode() and "Essay" in filtered.content.decode()
    # Categories match without regard to case, as the rules do.
    filtered = admin_client.get("/admin/grades/grade/", {"category": "Homework", "course__semester": "2025 Fall"})
    assert "1 grade" in filtered.content.decode() and "Sheet" in filtered.content.decode()
    years = admin_client.get("/admin/students/student/", {"study_year": "1"}).content.decode()
    assert 'href="?study_year=6"' in years
    credits = admin_client.get("/admin/courses/course/", {"credits": "12"})
    assert credits.status_code == 200 and 'href="?credits=1"' in credits.content.decode()


@pytest.mark.parametrize("url", ["/admin/students/student/?study_year=abc", "/admin/courses/course/?credits=x",
                                 "/admin/grades/grade/?course__semester=%00"])
def test_a_malformed_sidebar_filter_value_sends_the_admin_back_to_the_plain_list(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url.endswith("?e=1") and admin_client.get(response.url).status_code == 200
