"""The course pages: list, detail, rules editor, delete, bulk enrolment and unenrolment."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from attendance.models import Attendance
from conftest import enroll, make_course, make_student, make_user
from courses.models import Course, Enrollment
from grades.models import Grade
from sms import roles

pytestmark = pytest.mark.django_db


def course_data(**overrides):
    data = {
        "course_code": "phys-101", "course_name": "Physics", "semester": "2026 fall", "credits": "5",
        "description": "", "hours_per_week": "4", "periods_per_week": "4", "absence_penalty": "0",
        "rules-TOTAL_FORMS": "3", "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0", "rules-MAX_NUM_FORMS": "20",
        "rules-0-category": "Homework", "rules-0-weight": "30",
        "rules-1-category": "Τελική", "rules-1-weight": "50",
        "rules-2-category": "", "rules-2-weight": "",
    }
    data.update(overrides)
    return data


def test_list_runs_a_fixed_number_of_queries_with_many_courses(client, viewer, django_assert_num_queries):
    for _ in range(55):
        enroll(make_student(), make_course())
    client.force_login(viewer)
    # session, user, role, count, page of courses with enrolled counts, their teachers
    with django_assert_num_queries(6):
        response = client.get(reverse("courses:list"), {"semester": "2026 fall"})
    assert response.status_code == 200 and len(response.context["page"].object_list) == 25


def test_admin_creates_a_course_with_rules_and_sees_the_total_explained(client, admin_user, teacher):
    client.force_login(admin_user)
    response = client.post(reverse("courses:create"), course_data(teachers=[teacher.pk]))
    course = Course.objects.get(course_code="PHYS-101")
    assert response.status_code == 302 and response.url == course.get_absolute_url()
    assert course.semester == "2026 Fall"
    assert course.evaluation_rules == [{"category": "Homework", "weight": 30}, {"category": "Τελική", "weight": 50}]
    assert list(course.teachers.all()) == [teacher]
    page = client.get(response.url).content.decode()
    assert "Weights add up to <strong id=\"weight-total\">80</strong> of 100." in page
    assert "shown as provisional" in page


def test_rules_over_100_are_refused_beside_the_rules_and_nothing_is_saved(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("courses:create"), course_data(**{"rules-2-category": "Lab", "rules-2-weight": "40"}))
    assert response.status_code == 200
    assert "The weights add up to 120" in " ".join(response.context["rules_errors"])
    assert response.context["weight_total"] == 120
    assert 'value="Physics"' in response.content.decode()
    assert not Course.objects.exists()


def test_a_rule_row_without_a_weight_and_a_bad_code_are_both_reported(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("courses:create"), course_data(course_code="phys 101!", **{"rules-1-weight": ""})
    )
    assert response.status_code == 200
    assert "course_code" in response.context["form"].errors
    assert "Enter a weight for “Τελική”." in response.content.decode()


def test_a_tampered_rules_formset_is_an_error_not_a_crash(client, admin_user):
    client.force_login(admin_user)
    data = course_data()
    del data["rules-TOTAL_FORMS"]
    response = client.post(reverse("courses:create"), data)
    assert response.status_code == 200 and not Course.objects.exists()


def test_duplicate_course_code_is_reported_on_the_field(client, admin_user, course):
    client.force_login(admin_user)
    response = client.post(reverse("courses:create"), course_data(course_code=course.course_code.lower()))
    assert "Another course already has this code" in str(response.context["form"].errors["course_code"])


def test_edit_keeps_existing_rules_in_the_editor(client, admin_user, course):
    client.force_login(admin_user)
    page = client.get(reverse("courses:edit", args=[course.pk])).content.decode()
    assert 'value="Homework"' in page and 'value="Final"' in page
    assert "Weights add up to <strong id=\"weight-total\">100</strong>" in page


def test_teachers_and_viewers_cannot_create_edit_or_delete_courses(client, teacher, viewer, course):
    for user in (teacher, viewer):
        client.force_login(user)
        assert client.get(reverse("courses:create")).status_code == 403
        assert client.post(reverse("courses:edit", args=[course.pk]), course_data()).status_code == 403
        assert client.post(reverse("courses:delete", args=[course.pk])).status_code == 403
    assert Course.objects.filter(pk=course.pk, course_name="Mathematics").exists()


def test_delete_soft_deletes_and_admin_restores(client, admin_user, course, student):
    enroll(student, course)
    client.force_login(admin_user)
    assert client.post(reverse("courses:delete", args=[course.pk])).status_code == 302
    assert not Course.objects.filter(pk=course.pk).exists() and not Enrollment.objects.exists()
    assert client.get(reverse("courses:detail", args=[course.pk])).status_code == 404
    assert client.post(reverse("courses:restore", args=[course.pk])).status_code == 302
    assert Enrollment.objects.filter(course=course, student=student).exists()


def test_detail_lists_students_with_final_grades_in_fixed_queries(client, viewer, course, django_assert_num_queries):
    for number in range(3):
        course.teachers.add(make_user(roles.TEACHER, f"course_teacher{number}", first_name=f"Teacher{number}"))
    for _ in range(55):
        student = make_student()
        enroll(student, course)
        for name, category in (("Essay", "Homework"), ("Midterm", "Midterm"), ("Exam", "Final")):
            Grade.objects.create(
                student=student, course=course, assignment_name=name, category=category,
                grade=Decimal(15), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1),
            )
        for day, status in ((1, "Absent"), (2, "Excused"), (3, "Late")):
            Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, day), status=status)
    client.force_login(viewer)
    # session, user, role, course, teachers, enrollments with students and absence counts, grades
    with django_assert_num_queries(7):
        response = client.get(reverse("courses:detail", args=[course.pk]))
    page = response.content.decode()
    assert len(response.context["rows"]) == 55
    assert page.count("15.0</strong>/20 · C · Καλώς") == 55
    assert page.count("<td>2</td>") == 55  # Absent and Excused count toward the limit, Late does not
    assert all(f"Teacher{number}" in page for number in range(3))


def test_detail_says_which_students_have_no_grade_yet_and_when_nobody_is_enrolled(client, viewer, course):
    client.force_login(viewer)
    assert "No students enrolled yet." in client.get(reverse("courses:detail", args=[course.pk])).content.decode()
    enroll(make_student(), course)
    assert "No grades yet." in client.get(reverse("courses:detail", args=[course.pk])).content.decode()


def test_teacher_of_the_course_enrols_students_in_bulk(client, teacher, course):
    course.teachers.add(teacher)
    students = [make_student() for _ in range(3)]
    already = make_student()
    enroll(already, course)
    client.force_login(teacher)
    page = client.get(reverse("courses:enrol", args=[course.pk]))
    assert already not in page.context["candidates"] and students[0] in page.context["candidates"]
    response = client.post(reverse("courses:enrol", args=[course.pk]), {"students": [s.pk for s in students[:2]]})
    assert response.status_code == 302
    assert set(Enrollment.objects.filter(course=course).values_list("student_id", flat=True)) == {
        already.pk, students[0].pk, students[1].pk}


def test_the_enrolment_message_counts_in_words_in_english_and_greek(client, admin_user, course):
    from django.utils import translation

    one, two, three = (make_student() for _ in range(3))
    client.force_login(admin_user)
    response = client.post(reverse("courses:enrol", args=[course.pk]), {"students": [one.pk]}, follow=True)
    assert f"1 student enrolled in {course.course_code}." in response.content.decode()
    with translation.override("el"):
        response = client.post(reverse("courses:enrol", args=[course.pk]), {"students": [two.pk, three.pk]},
                               follow=True, HTTP_ACCEPT_LANGUAGE="el")
    assert f"2 μαθητές εγγράφηκαν στο {course.course_code}." in response.content.decode()


def test_enrol_search_narrows_the_candidates(client, admin_user, course):
    make_student(last_name="Zorbas")
    make_student(last_name="Alexiou")
    client.force_login(admin_user)
    response = client.get(reverse("courses:enrol", args=[course.pk]), {"search": "zorb"})
    assert [s.last_name for s in response.context["candidates"]] == ["Zorbas"]


def test_enrolling_nobody_or_an_already_enrolled_student_explains_and_keeps_the_choice(client, admin_user, course):
    student = make_student()
    enroll(student, course)
    other = make_student()
    client.force_login(admin_user)
    response = client.post(reverse("courses:enrol", args=[course.pk]), {})
    assert "Tick at least one student to enrol." in response.content.decode()
    response = client.post(reverse("courses:enrol", args=[course.pk]), {"students": [student.pk, other.pk]})
    assert "no longer available" in response.content.decode()
    assert f'value="{other.pk}" id="enrol-{other.pk}" checked' in response.content.decode()
    assert not Enrollment.objects.filter(student=other).exists()
    response = client.post(reverse("courses:enrol", args=[course.pk]), {"students": ["abc"]})
    assert response.status_code == 200


def test_a_teacher_of_another_course_cannot_enrol_or_unenrol(client, teacher, course, student):
    enrollment = enroll(student, course)
    client.force_login(teacher)
    assert client.get(reverse("courses:enrol", args=[course.pk])).status_code == 403
    url = reverse("courses:unenrol", args=[course.pk, enrollment.pk])
    assert client.post(url).status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_unenrol_soft_deletes_the_enrollment_and_requires_post(client, admin_user, course, student):
    enrollment = enroll(student, course)
    client.force_login(admin_user)
    url = reverse("courses:unenrol", args=[course.pk, enrollment.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert client.post(url).status_code == 404


def test_tampered_ids_beyond_any_database_key_are_form_errors_not_crashes(client, admin_user, course):
    huge = "9" * 23
    client.force_login(admin_user)
    response = client.post(reverse("courses:create"), course_data(teachers=[huge]))
    assert response.status_code == 200 and "teachers" in response.context["form"].errors
    assert not Course.objects.filter(course_code="PHYS-101").exists()
    response = client.post(reverse("courses:enrol", args=[course.pk]), {"students": [huge]})
    assert response.status_code == 200 and "students" in response.context["form"].errors
    assert not Enrollment.objects.exists()


def test_a_search_with_a_nul_character_lists_instead_of_failing(client, admin_user, course):
    # PostgreSQL refuses NUL in a query; the search ignores it.
    gone = make_student(last_name="Zorbas")
    gone.soft_delete()
    make_student(last_name="Alexiou")
    client.force_login(admin_user)
    response = client.get(reverse("courses:enrol", args=[course.pk]), {"search": "Alex\x00"})
    assert [s.last_name for s in response.context["candidates"]] == ["Alexiou"]
    response = client.get(reverse("students:deleted"), {"search": "zorb\x00"})
    assert response.status_code == 200 and "Zorbas" in response.content.decode()


def test_a_teacher_filter_beyond_any_database_key_explains_instead_of_failing(client, viewer, course):
    client.force_login(viewer)
    response = client.get(reverse("courses:list"), {"teacher": "9" * 23})
    assert response.status_code == 200 and "teacher" in response.context["filters"].errors


def test_deleted_list_runs_a_fixed_number_of_queries_with_many_courses(client, admin_user, django_assert_num_queries):
    for _ in range(55):
        make_course().soft_delete()
    client.force_login(admin_user)
    # session, user, role groups, count, page of deleted courses
    with django_assert_num_queries(5):
        response = client.get(reverse("courses:deleted"))
    assert len(response.context["page"].object_list) == 25


def test_enrol_page_runs_a_fixed_number_of_queries_with_many_candidates(
        client, teacher, course, django_assert_num_queries):
    course.teachers.add(teacher)
    for _ in range(55):
        make_student()
    client.force_login(teacher)
    # session, user, role groups, course, is the teacher assigned, candidates (not enrolled yet)
    with django_assert_num_queries(6):
        response = client.get(reverse("courses:enrol", args=[course.pk]))
    assert len(response.context["candidates"]) == 55


def test_viewers_see_no_edit_controls_on_the_course_list_and_admins_do(client, viewer, admin_user, course):
    controls = ('id="add-course"', f'href="{reverse("courses:deleted")}"',
                f'href="{reverse("courses:edit", args=[course.pk])}"')
    client.force_login(admin_user)
    page = client.get(reverse("courses:list")).content.decode()
    assert all(control in page for control in controls)
    client.force_login(viewer)
    page = client.get(reverse("courses:list")).content.decode()
    assert course.course_code in page
    assert not any(control in page for control in controls)


def test_viewers_see_no_edit_controls_on_the_course_page_and_admins_do(client, viewer, admin_user, course, student):
    enrollment = enroll(student, course)
    controls = (
        'id="edit-course"', 'id="delete-course"', 'id="enrol-students"', 'id="enter-grades"',
        'id="take-attendance"', f'href="{reverse("courses:enrol", args=[course.pk])}"',
        f'href="{reverse("grades:roster", args=[course.pk])}"', f'href="{reverse("attendance:roster", args=[course.pk])}"',
        f'action="{reverse("courses:unenrol", args=[course.pk, enrollment.pk])}"', ">Unenrol<",
    )
    client.force_login(admin_user)
    page = client.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert all(control in page for control in controls)
    client.force_login(viewer)
    page = client.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert student.last_name in page  # the enrolled students are listed, only without the controls
    assert not any(control in page for control in controls)


def test_the_rules_editor_carries_every_explanation_and_shows_only_the_one_for_the_total(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("courses:create")).content.decode()
    # The script shows the right one as weights are typed; before any, only "No rules yet" shows.
    shown = re.findall(r'data-rules-state="(\w+)">', page)
    hidden = re.findall(r'data-rules-state="(\w+)" hidden>', page)
    assert shown == ["none"] and sorted(hidden) == ["complete", "over", "under"]
    response = client.post(reverse("courses:create"), course_data(**{"rules-2-category": "Lab", "rules-2-weight": "40"}))
    assert re.findall(r'data-rules-state="(\w+)">', response.content.decode()) == ["over"]


def test_the_course_page_explains_only_its_own_total(client, viewer, course):
    client.force_login(viewer)
    page = client.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert re.findall(r'data-rules-state="(\w+)">', page) == ["complete"] and 'hidden>' not in page


def test_the_delete_page_says_where_the_course_can_be_restored(client, admin_user, course):
    client.force_login(admin_user)
    page = client.get(reverse("courses:delete", args=[course.pk])).content.decode()
    assert "from “Deleted courses” on the courses page" in page and "administration site" not in page
    page = client.get(reverse("courses:delete", args=[course.pk]), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "«Διαγραμμένα μαθήματα»" in page
