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
