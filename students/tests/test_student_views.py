"""The student pages: list, detail, create, edit, delete, restore, for each role."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from attendance.models import Attendance
from conftest import enroll, make_course, make_student
from grades.models import Grade
from students.models import Student

pytestmark = pytest.mark.django_db

VALID = {
    "student_id": "s2026-100", "first_name": "Ελένη", "last_name": "Παπαδάκη", "email": "Eleni@School.example",
    "enrollment_date": "2026-09-01", "study_year": "2", "class_division": "B1", "is_active": "on",
    "father_name": "", "phone": "", "mobile_phone": "", "health_issue": "", "note": "",
}


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("students:list"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_list_runs_a_fixed_number_of_queries_with_many_students(client, viewer, django_assert_num_queries):
    for _ in range(60):
        make_student()
    client.force_login(viewer)
    # session, user, role groups, course choices of the filter form, count, page of students
    with django_assert_num_queries(6):
        response = client.get(reverse("students:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert "60 results" in response.content.decode()


def test_list_searches_ignoring_case_and_greek_accents(client, viewer):
    make_student(first_name="Ελένη", last_name="Παπαδάκη")
    make_student(first_name="Nikos", last_name="Georgiou")
    client.force_login(viewer)
    response = client.get(reverse("students:list"), {"search": "ελενη"})
    names = [student.first_name for student in response.context["page"].object_list]
    assert names == ["Ελένη"]


def test_list_filters_by_study_year_active_and_course(client, viewer, course):
    wanted = make_student(study_year=3)
    enroll(wanted, course)
    make_student(study_year=3, is_active=False)
    make_student(study_year=1)
    client.force_login(viewer)
    response = client.get(
        reverse("students:list"), {"study_year": 3, "is_active": "true", "course": course.pk, "ordering": "-student_id"}
    )
    assert list(response.context["page"].object_list) == [wanted]


def test_list_with_bad_filter_values_explains_instead_of_failing(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("students:list"), {"study_year": "second", "course": "999999", "page": "x"})
    assert response.status_code == 200
    assert "Fix the search fields above" in response.content.decode()


def test_viewer_sees_no_edit_controls_and_is_refused_on_write_urls(client, viewer, student):
    client.force_login(viewer)
    page = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert 'id="edit-student"' not in page and 'id="delete-student"' not in page
    assert 'id="add-student"' not in client.get(reverse("students:list")).content.decode()
    for name in ("students:edit", "students:delete"):
        response = client.get(reverse(name, args=[student.pk]))
        assert response.status_code == 403
        assert response.context["request_id"] in response.content.decode()
    assert client.post(reverse("students:create"), VALID).status_code == 403
    assert not Student.objects.filter(student_id="S2026-100").exists()


def test_teacher_creates_a_student_and_the_values_are_normalised(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("students:create"), VALID)
    student = Student.objects.get(student_id="S2026-100")
    assert response.status_code == 302 and response.url == student.get_absolute_url()
    assert student.email == "eleni@school.example" and student.study_year == 2
    assert student.history.first().history_source == "web"
    follow = client.get(response.url)
    assert "Student Ελένη Παπαδάκη was added." in follow.content.decode()


def test_create_with_bad_input_keeps_the_form_filled_and_says_what_to_fix(client, teacher):
    make_student(email="taken@school.example")
    client.force_login(teacher)
    bad = {**VALID, "email": "taken@school.example", "study_year": "9", "phone": "call me"}
    response = client.post(reverse("students:create"), bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Another student already uses this email address" in str(form.errors["email"])
    assert "study_year" in form.errors and "phone" in form.errors
    page = response.content.decode()
    assert 'value="Παπαδάκη"' in page and "nothing was saved yet" in page
    assert not Student.objects.filter(student_id="S2026-100").exists()


def test_edit_saves_changes_and_a_duplicate_student_id_is_refused(client, teacher, student):
    other = make_student()
    client.force_login(teacher)
    url = reverse("students:edit", args=[student.pk])
    data = {**VALID, "student_id": student.student_id, "email": student.email, "first_name": "Anna"}
    assert client.post(url, data).status_code == 302
    student.refresh_from_db()
    assert student.first_name == "Anna"
    response = client.post(url, {**data, "student_id": other.student_id})
    assert "Another student already has this student ID" in str(response.context["form"].errors["student_id"])


def test_delete_asks_first_then_soft_deletes_with_dependants(client, teacher, student, course):
    enroll(student, course)
    client.force_login(teacher)
    url = reverse("students:delete", args=[student.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and Student.objects.filter(pk=student.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Student.objects.filter(pk=student.pk).exists()
    assert Student.all_objects.get(pk=student.pk).is_deleted
    assert student.enrollments.count() == 0
    assert client.get(reverse("students:detail", args=[student.pk])).status_code == 404


def test_only_admins_see_and_restore_deleted_students(client, teacher, admin_user, student):
    student.soft_delete()
    client.force_login(teacher)
    assert client.get(reverse("students:deleted")).status_code == 403
    assert client.post(reverse("students:restore", args=[student.pk])).status_code == 403
    client.force_login(admin_user)
    assert student.student_id in client.get(reverse("students:deleted")).content.decode()
    response = client.post(reverse("students:restore", args=[student.pk]))
    assert response.status_code == 302
    assert Student.objects.filter(pk=student.pk).exists()


def test_restore_that_would_collide_explains_the_conflict(client, admin_user, student):
    student.soft_delete()
    make_student(email=student.email)
    client.force_login(admin_user)
    response = client.post(reverse("students:restore", args=[student.pk]), follow=True)
    assert "cannot be restored" in response.content.decode()
    assert Student.all_objects.get(pk=student.pk).is_deleted


def test_restore_of_a_live_student_is_not_found(client, admin_user, student):
    client.force_login(admin_user)
    assert client.post(reverse("students:restore", args=[student.pk])).status_code == 404


def test_detail_shows_final_grades_and_attendance_in_fixed_queries(client, viewer, django_assert_num_queries):
    student = make_student()
    for _ in range(55):
        course = make_course(evaluation_rules=[{"category": "Homework", "weight": 40}, {"category": "Final", "weight": 60}])
        enroll(student, course)
        for name, category in (("Essay", "Homework"), ("Exam", "Final")):
            Grade.objects.create(
                student=student, course=course, assignment_name=name, category=category,
                grade=Decimal(17), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1),
            )
        for day, status in ((1, "Absent"), (2, "Late")):
            Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, day), status=status)
    client.force_login(viewer)
    # session, user, role, student; enrollments with courses and absence counts, grades (final
    # grades); grades for the lists; attendance counts
    with django_assert_num_queries(8):
        response = client.get(reverse("students:detail", args=[student.pk]))
    page = response.content.decode()
    assert len(response.context["courses"]) == 55
    assert page.count("17.0</strong>/20 · B · Λίαν Καλώς") == 55
    assert page.count("1 of 8 allowed") == 55  # 4 periods × 14 weeks × 15 % = 8; Late does not count
    assert page.count("<td>Exam</td>") == 55 and page.count("<td>Essay</td>") == 55


def test_detail_says_when_a_course_has_no_rules(client, viewer, student):
    enroll(student, make_course(evaluation_rules=[]))
    client.force_login(viewer)
    page = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert "Evaluation rules not set for this course" in page


def test_deleted_list_runs_a_fixed_number_of_queries_with_many_students(client, admin_user, django_assert_num_queries):
    for _ in range(55):
        make_student().soft_delete()
    client.force_login(admin_user)
    # session, user, role groups, count, page of deleted students
    with django_assert_num_queries(5):
        response = client.get(reverse("students:deleted"))
    assert len(response.context["page"].object_list) == 25 and "55" in response.content.decode()


def test_sort_choices_follow_the_page_language(client, viewer):
    client.force_login(viewer)
    english = client.get(reverse("students:list")).content.decode()
    assert ">Last name (descending)</option>" in english and ">Date added</option>" in english
    greek = client.get(reverse("students:list"), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert ">Επώνυμο (φθίνουσα σειρά)</option>" in greek and "descending" not in greek
    courses = client.get(reverse("courses:list"), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "descending" not in courses and ">Course code<" not in courses
