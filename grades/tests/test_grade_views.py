"""The grade pages: roster entry (all or nothing, errors beside rows), sheet, edit and delete."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import enroll, make_course, make_student
from grades.models import Grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def taught(teacher):
    course = make_course()
    course.teachers.add(teacher)
    students = [make_student() for _ in range(3)]
    for student in students:
        enroll(student, course)
    return course, students


def roster_post(students, grades, **header):
    data = {"assignment_name": "Test 1", "category": "Homework", "max_grade": "20", "weight": "1",
            "date_assigned": "2026-10-01", **header}
    for student, grade in zip(students, grades):
        data[f"row-{student.pk}-grade"] = grade
    return data


def test_roster_shows_one_row_per_enrolled_student_in_fixed_queries(client, teacher, django_assert_num_queries):
    course = make_course()
    course.teachers.add(teacher)
    for _ in range(55):
        enroll(make_student(), course)
    client.force_login(teacher)
    # session, user, role, course, taught courses, enrolled students
    with django_assert_num_queries(6):
        response = client.get(reverse("grades:roster", args=[course.pk]))
    assert len(response.context["rows"]) == 55
    assert 'name="category"' in response.content.decode() and ">Midterm</option>" in response.content.decode()


def test_a_teacher_records_a_roster_and_blank_rows_are_no_grade(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["18", "12.5", ""]))
    assert response.status_code == 302 and response.url == reverse("grades:list", args=[course.pk])
    grades = {g.student_id: g for g in Grade.objects.all()}
    assert set(grades) == {students[0].pk, students[1].pk}
    assert grades[students[1].pk].grade == Decimal("12.5") and grades[students[1].pk].max_grade == 20
    assert grades[students[0].pk].history.first().history_source == "web"


def test_one_invalid_row_saves_nothing_and_shows_its_error_beside_it(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students, ["18", "23", "abc"])
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert response.status_code == 200 and Grade.objects.count() == 0
    page = response.content.decode()
    assert "Nothing was saved" in page
    # Both rows are explained in the same answer: not a number, and above the maximum.
    assert f'id="row-{students[2].pk}" class="roster-row row-error"' in page
    assert f'id="row-{students[1].pk}" class="roster-row row-error"' in page
    assert f'id="row-{students[0].pk}" class="roster-row"' in page
    assert "Enter the grade as a number, e.g. 17.5, or leave it blank for no grade." in page
    assert "Grade 23 is above the maximum 20 for this assignment." in page
    assert 'value="18"' in page and 'value="abc"' in page  # what was typed comes back
    data[f"row-{students[2].pk}-grade"] = "15"
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert "Grade 23 is above the maximum 20 for this assignment." in response.content.decode()
    assert 'value="18"' in response.content.decode() and Grade.objects.count() == 0
    data[f"row-{students[1].pk}-grade"] = "20"
    assert client.post(reverse("grades:roster", args=[course.pk]), data).status_code == 302
    assert Grade.objects.count() == 3


def test_a_row_may_override_the_maximum(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students[:1], ["45"])
    data[f"row-{students[0].pk}-max_grade"] = "50"
    assert client.post(reverse("grades:roster", args=[course.pk]), data).status_code == 302
    assert Grade.objects.get().max_grade == 50


def test_an_empty_roster_or_a_missing_header_is_explained(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["", "", ""]))
    assert "Enter at least one grade" in response.content.decode()
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["10"], assignment_name="",
                                                                                   category="Nonsense"))
    assert "assignment_name" in response.context["header"].errors and "category" in response.context["header"].errors
    assert Grade.objects.count() == 0


def test_recording_the_same_assignment_twice_is_refused(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["10"]))
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["11"], assignment_name="test 1"))
    assert "already has a grade for" in response.content.decode()
    assert Grade.objects.count() == 1


def test_viewers_and_other_teachers_cannot_enter_grades(client, viewer, teacher, course, student):
    enroll(student, course)
    for user in (viewer, teacher):
        client.force_login(user)
        assert client.get(reverse("grades:roster", args=[course.pk])).status_code == 403
        assert client.post(reverse("grades:roster", args=[course.pk]), roster_post([student], ["10"])).status_code == 403
    assert not Grade.objects.exists()


def test_unknown_or_deleted_course_is_not_found(client, admin_user, course):
    client.force_login(admin_user)
    assert client.get(reverse("grades:roster", args=[999999])).status_code == 404
    course.soft_delete()
    assert client.get(reverse("grades:roster", args=[course.pk])).status_code == 404


def make_grade(student, course, grade="15"):
    return Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                                grade=Decimal(grade), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))


def test_sheet_shows_grades_and_final_grades_in_fixed_queries(client, viewer, django_assert_num_queries):
    course = make_course(evaluation_rules=[{"category": "Homework", "weight": 100}])
    for _ in range(55):
        student = make_student()
        enroll(student, course)
        make_grade(student, course)
    client.force_login(viewer)
    # session, user, role, course, enrollments with students and absence counts, grades (the final
    # grades reuse both; no daily performance query: no rule counts it)
    with django_assert_num_queries(6):
        response = client.get(reverse("grades:list", args=[course.pk]))
    page = response.content.decode()
    assert page.count("15.0</strong>/20 · C · Καλώς") == 55 and "edit-grade" not in page


def test_a_teacher_corrects_a_grade_with_a_reason_kept_in_history(client, teacher, taught):
    course, students = taught
    grade = make_grade(students[0], course)
    client.force_login(teacher)
    url = reverse("grades:edit", args=[grade.pk])
    data = {"assignment_name": "Quiz", "category": "Homework", "grade": "17", "max_grade": "20", "weight": "1",
            "date_assigned": "2026-10-01", "date_submitted": "", "notes": "", "reason": "Re-marked after appeal"}
    assert client.post(url, data).status_code == 302
    grade.refresh_from_db()
    assert grade.grade == 17
    latest = grade.history.first()
    assert latest.history_change_reason == "Re-marked after appeal" and latest.prev_record.grade == 15


def test_editing_a_grade_above_its_maximum_keeps_the_form_and_says_why(client, teacher, taught):
    course, students = taught
    grade = make_grade(students[0], course)
    client.force_login(teacher)
    data = {"assignment_name": "Quiz", "category": "Homework", "grade": "25", "max_grade": "20", "weight": "1",
            "date_assigned": "2026-10-01", "date_submitted": "2026-09-01", "notes": "", "reason": ""}
    response = client.post(reverse("grades:edit", args=[grade.pk]), data)
    assert response.status_code == 200
    assert "Grade 25 is above the maximum 20" in str(response.context["form"].errors["grade"])
    grade.refresh_from_db()
    assert grade.grade == 15


def test_delete_asks_first_and_other_teachers_are_refused(client, teacher, viewer, taught):
    course, students = taught
    grade = make_grade(students[0], course)
    client.force_login(viewer)
    assert client.post(reverse("grades:delete", args=[grade.pk])).status_code == 403
    client.force_login(teacher)
    assert client.get(reverse("grades:delete", args=[grade.pk])).status_code == 200
    assert client.post(reverse("grades:delete", args=[grade.pk])).status_code == 302
    assert not Grade.objects.exists() and Grade.all_objects.get().is_deleted
    assert client.get(reverse("grades:edit", args=[grade.pk])).status_code == 404


def test_a_grade_typed_with_a_decimal_comma_is_accepted(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students[:2], ["12,5", " 17.25 "], max_grade="20,0")
    assert client.post(reverse("grades:roster", args=[course.pk]), data).status_code == 302
    assert sorted(Grade.objects.values_list("grade", flat=True)) == [Decimal("12.5"), Decimal("17.25")]


def test_negative_grades_row_maximums_and_bad_header_values_are_explained(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students, ["-1", "45", "10"], date_assigned="2026-02-30", weight="abc")
    data[f"row-{students[1].pk}-max_grade"] = "40"
    data[f"row-{students[2].pk}-max_grade"] = "0"
    data[f"row-{students[2].pk}-date_submitted"] = "yesterday"
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert response.status_code == 200 and not Grade.objects.exists()
    rows = {student.pk: form for student, form in response.context["rows"]}
    assert rows[students[0].pk].errors["grade"] == ["A grade cannot be negative."]
    assert rows[students[1].pk].errors["grade"] == ["Grade 45 is above the maximum 40 for this assignment."]
    assert rows[students[2].pk].errors["max_grade"] == ["The maximum grade must be more than 0."]
    assert "date_submitted" in rows[students[2].pk].errors
    header = response.context["header"]
    assert "date_assigned" in header.errors and header.errors["weight"] == ["Enter a number, e.g. 17.5."]


def test_a_submission_date_before_the_assignment_is_a_row_error_from_the_service(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students[:2], ["10", "11"])
    data[f"row-{students[1].pk}-date_submitted"] = "2026-09-01"
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert response.status_code == 200 and not Grade.objects.exists()
    assert "The submission date cannot be before the date assigned." in response.content.decode()
    assert f'id="row-{students[1].pk}" class="roster-row row-error"' in response.content.decode()


def test_the_roster_and_its_errors_are_in_greek(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    client.cookies["django_language"] = "el"
    page = client.get(reverse("grades:roster", args=[course.pk])).content.decode()
    assert "Αποθήκευση" in page and "Save all grades" not in page
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["x", "23", ""]))
    page = response.content.decode()
    assert "Enter the grade as a number" not in page and "Grade 23 is above" not in page
    assert "Εισαγάγετε τον βαθμό ως αριθμό" in page
    assert "Ο βαθμός 23 είναι πάνω από το μέγιστο 20 για αυτή την εργασία." in page
    assert not Grade.objects.exists()


def test_sheet_shows_edit_links_to_the_courses_teacher_and_greek_numbers(client, teacher, taught):
    course, students = taught
    grade = make_grade(students[0], course, grade="15.5")
    client.force_login(teacher)
    page = client.get(reverse("grades:list", args=[course.pk])).content.decode()
    assert reverse("grades:edit", args=[grade.pk]) in page and 'id="enter-grades"' in page
    client.cookies["django_language"] = "el"
    assert "15,50/20,00" in client.get(reverse("grades:list", args=[course.pk])).content.decode()


def test_sheet_of_an_unknown_or_deleted_course_is_not_found(client, viewer, course):
    client.force_login(viewer)
    assert client.get(reverse("grades:list", args=[999999])).status_code == 404
    course.soft_delete()
    assert client.get(reverse("grades:list", args=[course.pk])).status_code == 404


def test_editing_with_a_non_number_keeps_the_form_and_a_deleted_grade_is_gone(client, teacher, taught):
    course, students = taught
    grade = make_grade(students[0], course)
    client.force_login(teacher)
    data = {"assignment_name": "Quiz", "category": "Homework", "grade": "fifteen", "max_grade": "20",
            "weight": "1", "date_assigned": "not a date", "date_submitted": "", "notes": "", "reason": ""}
    response = client.post(reverse("grades:edit", args=[grade.pk]), data)
    assert response.status_code == 200 and "grade" in response.context["form"].errors
    assert "date_assigned" in response.context["form"].errors and 'value="fifteen"' in response.content.decode()
    data.update(grade="16,5", date_assigned="2026-10-01")
    response = client.post(reverse("grades:edit", args=[grade.pk]), data, follow=True)
    assert "was saved" in response.content.decode()
    grade.refresh_from_db()
    assert grade.grade == Decimal("16.5")
    client.post(reverse("grades:delete", args=[grade.pk]))
    assert client.post(reverse("grades:delete", args=[grade.pk])).status_code == 404


def test_a_failed_roster_of_many_students_answers_in_fixed_queries(client, teacher, django_assert_num_queries):
    course = make_course()
    course.teachers.add(teacher)
    students = [make_student() for _ in range(55)]
    for student in students:
        enroll(student, course)
    client.force_login(teacher)
    data = roster_post(students, ["25"] * 55)
    # session, user, role, course, taught courses, enrolled students: range errors need no database
    with django_assert_num_queries(6):
        response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert response.content.decode().count("roster-row row-error") == 55


def test_a_roster_posted_without_the_csrf_token_is_refused_and_the_page_carries_one(teacher, taught):
    course, students = taught
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    page = client.get(reverse("grades:roster", args=[course.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["10"]))
    assert response.status_code == 403 and not Grade.objects.exists()


def test_the_header_fills_down_category_maximum_date_and_weight_to_every_row(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students, ["30", "25", "40"], category="Midterm", max_grade="50", weight="2",
                       date_assigned="2026-10-07")
    response = client.post(reverse("grades:roster", args=[course.pk]), data, follow=True)
    saved = Grade.objects.all()
    assert {(g.category, g.max_grade, g.weight, g.date_assigned, g.assignment_name) for g in saved} == {
        ("Midterm", Decimal(50), Decimal(2), datetime.date(2026, 10, 7), "Test 1")}
    assert saved.count() == 3 and "3 grades recorded for “Test 1”." in response.content.decode()


def test_rows_above_the_maximum_are_reported_at_once_when_another_header_field_is_wrong(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students, ["25", "15", ""], weight="abc")
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert response.status_code == 200 and not Grade.objects.exists()
    rows = {student.pk: form for student, form in response.context["rows"]}
    assert response.context["header"].errors["weight"] == ["Enter a number, e.g. 17.5."]
    assert rows[students[0].pk].errors["grade"] == ["Grade 25 is above the maximum 20 for this assignment."]
    assert not rows[students[1].pk].errors
    # With the maximum itself wrong there is nothing to compare with: only the header error shows.
    response = client.post(reverse("grades:roster", args=[course.pk]), roster_post(students, ["25"], max_grade="x"))
    assert "max_grade" in response.context["header"].errors
    assert not any(form.errors for _student, form in response.context["rows"])


def test_a_row_without_a_grade_but_with_notes_or_its_own_maximum_is_refused_not_dropped(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = roster_post(students, ["15", "", ""])
    data[f"row-{students[1].pk}-notes"] = "Absent, retakes on Monday"
    data[f"row-{students[2].pk}-max_grade"] = "50"
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    assert response.status_code == 200 and not Grade.objects.exists()  # not even the good row
    rows = {student.pk: form for student, form in response.context["rows"]}
    assert rows[students[1].pk].errors == {
        "notes": ["No grade in this row, so its notes would not be saved: enter the grade or clear the notes."]}
    assert rows[students[2].pk].errors == {
        "max_grade": ["No grade in this row, so its maximum would not be saved: enter the grade or clear the maximum."]}
    page = response.content.decode()
    assert f'id="row-{students[1].pk}" class="roster-row row-error"' in page
    assert 'value="Absent, retakes on Monday"' in page and "Nothing was saved" in page
    data[f"row-{students[1].pk}-grade"] = "12,5"
    data[f"row-{students[2].pk}-max_grade"] = ""
    assert client.post(reverse("grades:roster", args=[course.pk]), data).status_code == 302
    assert Grade.objects.get(student=students[1]).notes == "Absent, retakes on Monday"
    assert Grade.objects.count() == 2


def test_what_copy_down_leaves_in_rows_without_a_grade_is_no_error(client, teacher, taught):
    # "Copy the first row's maximum and date down" fills the blank cells of every row, also of the
    # students without a grade; those rows record nothing and must not be refused for it.
    course, students = taught
    first, *others = sorted(students, key=lambda s: (s.last_name, s.first_name, s.student_id))  # roster order
    client.force_login(teacher)
    data = roster_post([first, *others], ["45", "", ""], max_grade="20")
    for student in students:
        data[f"row-{student.pk}-date_submitted"] = "2026-10-02"
        data[f"row-{student.pk}-max_grade"] = "50"
    data[f"row-{others[1].pk}-notes"] = "   "
    assert client.post(reverse("grades:roster", args=[course.pk]), data).status_code == 302
    assert list(Grade.objects.values_list("student_id", "max_grade")) == [(first.pk, Decimal(50))]


def test_a_row_without_a_grade_may_repeat_the_header_maximum_but_not_set_another(client, teacher, taught):
    course, students = taught
    first, second, third = sorted(students, key=lambda s: (s.last_name, s.first_name, s.student_id))
    client.force_login(teacher)
    data = roster_post([first, second, third], ["15", "", ""], max_grade="20")
    data[f"row-{first.pk}-max_grade"] = "50"
    data[f"row-{second.pk}-max_grade"] = "20,00"
    data[f"row-{third.pk}-max_grade"] = "40"
    response = client.post(reverse("grades:roster", args=[course.pk]), data)
    rows = {student.pk: form for student, form in response.context["rows"]}
    assert not rows[second.pk].errors and "max_grade" in rows[third.pk].errors
    assert not Grade.objects.exists()


def test_the_roster_boxes_are_text_boxes_that_take_a_decimal_comma(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    page = client.get(reverse("grades:roster", args=[course.pk])).content.decode()
    assert 'type="number"' not in page
    assert page.count('inputmode="decimal"') == 2 + 2 * len(students)  # header maximum and weight, two per row
    data = roster_post(students, ["1,5", "17,5", "9.75"], max_grade="20,5", weight="1,5")
    assert client.post(reverse("grades:roster", args=[course.pk]), data).status_code == 302
    assert sorted(Grade.objects.values_list("grade", "max_grade", "weight")) == [
        (Decimal("1.5"), Decimal("20.5"), Decimal("1.5")), (Decimal("9.75"), Decimal("20.5"), Decimal("1.5")),
        (Decimal("17.5"), Decimal("20.5"), Decimal("1.5"))]
