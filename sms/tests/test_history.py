import pytest
from django.test import RequestFactory

from conftest import make_student, make_user
from sms import context, history
from students.models import Student
from students.services import student_update

pytestmark = pytest.mark.django_db


def test_history_rows_record_user_ip_request_id_and_entry_point():
    user = make_user("teacher", "kostas")
    request = RequestFactory().get("/students/")
    request.user = user
    with context.acting(request=request, request_id="req-123", ip_address="10.1.2.3", source=context.SOURCE_WEB):
        student = make_student()
        student_update(student=student, data={"first_name": "Eleni"}, reason="Typo in name")
    created, changed = student.history.order_by("history_id")
    assert (changed.history_user, changed.history_username) == (user, "kostas")
    assert (changed.history_ip_address, changed.history_request_id) == ("10.1.2.3", "req-123")
    assert changed.history_source == "web"
    assert changed.history_change_reason == "Typo in name"
    assert created.history_change_reason == "web"  # no explicit reason: the entry point
    assert changed.prev_record.first_name == "Maria"


def test_history_outside_a_request_is_marked_as_a_command():
    student = make_student()
    row = student.history.get()
    assert (row.history_source, row.history_change_reason, row.history_user) == ("command", "command", None)


def test_the_username_survives_the_users_deletion():
    user = make_user("teacher", "deleted_teacher")
    request = RequestFactory().get("/")
    request.user = user
    with context.acting(request=request, source=context.SOURCE_WEB):
        student = make_student()
    user.delete()
    row = student.history.get()
    assert (row.history_user, row.history_username) == (None, "deleted_teacher")


def test_soft_delete_and_restore_are_recorded_in_history():
    student = make_student()
    student.soft_delete()
    student.restore()
    kinds = list(student.history.order_by("history_id").values_list("deleted_at", flat=True))
    assert kinds[0] is None and kinds[1] is not None and kinds[2] is None


def test_bulk_create_writes_one_history_row_per_object_with_context():
    with context.acting(request_id="bulk-1", source=context.SOURCE_COMMAND):
        created = history.bulk_create(
            Student, [Student(student_id=f"B{n}", first_name="A", last_name="B", email=f"b{n}@x.gr") for n in range(3)]
        )
    rows = Student.history.filter(id__in=[s.pk for s in created])
    assert rows.count() == 3
    assert set(rows.values_list("history_type", "history_request_id", "history_source")) == {("+", "bulk-1", "command")}


def test_the_middleware_echoes_a_safe_client_request_id_and_replaces_an_unsafe_one(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/", HTTP_X_REQUEST_ID="client-id-42")
    assert response["X-Request-ID"] == "client-id-42"
    bad = client.get("/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert bad["X-Request-ID"] != "bad id\nwith newline" and len(bad["X-Request-ID"]) == 32


def test_bulk_insert_writes_plain_rows_with_defaults_and_one_history_row_each():
    import datetime
    from decimal import Decimal

    from conftest import enroll, make_course
    from grades.models import Grade

    course = make_course()
    students = [make_student() for _ in range(3)]
    for student in students:
        enroll(student, course)
    rows = [
        {"student_id": s.pk, "course_id": course.pk, "assignment_name": "Quiz", "category": "Homework",
         "grade": Decimal("12.5"), "max_grade": Decimal(20), "date_assigned": datetime.date(2026, 10, 1)}
        for s in students
    ]
    with context.acting(source=context.SOURCE_COMMAND, request_id="seed-1"):
        assert history.bulk_insert(Grade, rows, batch_size=2) == 3
    grades = list(Grade.objects.order_by("pk"))
    assert [g.grade for g in grades] == [Decimal("12.5")] * 3
    assert grades[0].notes == "" and grades[0].weight == Decimal(1) and grades[0].created_at is not None
    assert Grade.history.filter(history_type="+", history_request_id="seed-1").count() == 3


def test_bulk_insert_gives_each_row_its_history_when_the_id_sequence_has_a_gap():
    """Sequences skip the ids of rolled-back or flushed rows; the inserted ids start above the gap."""
    import datetime
    from decimal import Decimal

    from django.db import connection

    from conftest import enroll, make_course
    from grades.models import Grade

    course = make_course()
    student = make_student()
    enroll(student, course)
    row = {"student_id": student.pk, "course_id": course.pk, "category": "Homework", "grade": Decimal(10),
           "max_grade": Decimal(20), "date_assigned": datetime.date(2026, 10, 1)}
    history.bulk_insert(Grade, [{**row, "assignment_name": "Gap"}])
    with connection.cursor() as cursor:  # a hand-removed row leaves its id used in the sequence
        cursor.execute(f"DELETE FROM {Grade.history.model._meta.db_table}")
        cursor.execute(f"DELETE FROM {Grade._meta.db_table}")
    history.bulk_insert(Grade, [{**row, "assignment_name": f"Quiz {n}"} for n in range(3)])
    assert sorted(Grade.history.values_list("id", flat=True)) == sorted(Grade.objects.values_list("pk", flat=True))
    assert Grade.history.count() == 3


def _student_form(student, **changes):
    fields = ("student_id", "first_name", "last_name", "email", "enrollment_date", "study_year")
    return {**{name: getattr(student, name) for name in fields}, "is_active": "on", **changes}


def _web_edit(admin_user, student):
    from django.test import Client

    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(admin_user)
    return client.post(f"/students/{student.pk}/edit/", _student_form(student, first_name="Eleni"),
                       HTTP_X_REQUEST_ID="req-web-1")


def _api_edit(admin_user, student):
    from sms.api.testing import token_client

    return token_client(admin_user, REMOTE_ADDR="10.0.0.7").patch(
        f"/api/v1/students/{student.pk}/", {"first_name": "Eleni"}, format="json", HTTP_X_REQUEST_ID="req-api-1")


def _admin_edit(admin_user, student):
    from django.test import Client

    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(admin_user)
    return client.post(f"/admin/students/student/{student.pk}/change/", _student_form(student, first_name="Eleni"),
                       HTTP_X_REQUEST_ID="req-admin-1")


@pytest.mark.parametrize(("edit", "source", "status"), [
    (_web_edit, "web", 302), (_api_edit, "api", 200), (_admin_edit, "admin", 302)])
def test_a_request_through_each_entry_point_writes_who_from_where_which_request_and_why(
        admin_user, edit, source, status):
    student = make_student()
    response = edit(admin_user, student)
    assert response.status_code == status, response.content[:500]
    row = student.history.latest()
    assert row.first_name == "Eleni" and row.history_type == "~"
    assert (row.history_user, row.history_username) == (admin_user, admin_user.username)
    assert row.history_ip_address == "10.0.0.7"
    assert row.history_request_id == response["X-Request-ID"] == f"req-{source}-1"
    assert (row.history_source, row.history_change_reason) == (source, source)


def test_a_web_edit_with_a_reason_keeps_the_reason_with_the_request_details(client, teacher):
    import datetime
    from decimal import Decimal

    from conftest import enroll, make_course
    from grades.models import Grade

    course = make_course()
    course.teachers.add(teacher)
    student = make_student()
    enroll(student, course)
    grade = Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                                 grade=Decimal(15), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))
    client.force_login(teacher)
    data = {"assignment_name": "Quiz", "category": "Homework", "grade": "17", "max_grade": "20", "weight": "1",
            "date_assigned": "2026-10-01", "date_submitted": "", "notes": "", "reason": "Re-marked after appeal"}
    response = client.post(f"/grades/{grade.pk}/edit/", data, REMOTE_ADDR="192.0.2.44",
                           HTTP_X_REQUEST_ID="appeal-7")
    assert response.status_code == 302
    row = grade.history.latest()
    assert (row.grade, row.history_user, row.history_username) == (Decimal(17), teacher, teacher.username)
    assert (row.history_ip_address, row.history_request_id) == ("192.0.2.44", "appeal-7")
    assert (row.history_source, row.history_change_reason) == ("web", "Re-marked after appeal")


def test_rows_converted_once_gives_what_values_list_gives_with_a_bounded_memory():
    """The audit chain hashes these rows: a value converted differently would break every digest."""
    import datetime
    from decimal import Decimal

    from conftest import enroll, make_course
    from courses.models import Course
    from grades.models import Grade

    course = make_course()
    course.evaluation_rules = [{"category": "Homework", "weight": 100}]
    course.save()
    students = [make_student() for _ in range(4)]
    for index, student in enumerate(students):
        enroll(student, course)
        Grade.objects.create(student=student, course=course, assignment_name=f"Quiz {index}",
                             category="Homework", grade=Decimal("12.5") + index % 2,
                             max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1 + index % 2))
    # Decimals, dates, datetimes, text, None, and a JSON column (unhashable once converted on PostgreSQL).
    grades = Grade.history.order_by("pk").values_list(
        "pk", "grade", "max_grade", "date_assigned", "date_submitted", "history_date", "created_at", "notes")
    expected = list(grades)
    assert list(history.rows_converted_once(grades)) == expected
    assert list(history.rows_converted_once(grades, chunk_size=1, memory=1)) == expected
    assert [tuple(map(type, row)) for row in history.rows_converted_once(grades)] == [
        tuple(map(type, row)) for row in expected]
    rules = Course.history.order_by("pk").values_list("pk", "evaluation_rules", "absence_penalty")
    assert list(history.rows_converted_once(rules)) == list(rules)
