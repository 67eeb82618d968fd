"""/api/v1/students/: CRUD through the services, filters, pagination, roles, restore, final grades."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from conftest import enroll, make_course, make_student
from grades.services import grade_record
from sms.api.testing import data_of, error_of, token_client
from students.models import Student

pytestmark = pytest.mark.django_db
NEW = {"student_id": "S-100", "first_name": "Ελένη", "last_name": "Οικονόμου", "email": "eleni@x.gr"}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def test_a_teacher_creates_a_student_with_normalised_values(teacher):
    data = data_of(token_client(teacher).post("/api/v1/students/", {**NEW, "student_id": " s-100 "},
                                               format="json"), 201)
    assert Student.objects.get(pk=data["id"]).student_id == "S-100"


def test_it_reports_a_duplicate_email_with_its_own_code(teacher, student):
    error = error_of(token_client(teacher).post("/api/v1/students/", {**NEW, "email": student.email.upper()},
                                                format="json"), 400)
    assert error["code"] == "DUPLICATE_EMAIL"
    assert error["details"]["email"] == ["Another student already uses this email address. Use a different one."]


def test_it_reports_a_duplicate_student_id_with_its_own_code(teacher, student):
    error = error_of(token_client(teacher).post("/api/v1/students/", {**NEW, "student_id": student.student_id},
                                                format="json"), 400)
    assert error["code"] == "DUPLICATE_STUDENT_ID"


def test_it_rejects_a_bad_study_year_with_the_models_message(teacher):
    error = error_of(token_client(teacher).post("/api/v1/students/", {**NEW, "study_year": 9}, format="json"), 400)
    assert error["code"] == "VALIDATION_ERROR" and "study_year" in error["details"]


def test_it_rejects_text_where_a_number_belongs(teacher):
    error = error_of(token_client(teacher).post("/api/v1/students/", {**NEW, "study_year": "two"},
                                                format="json"), 400)
    assert error["details"] == {"study_year": ["A valid integer is required."]}


def test_a_partial_update_changes_one_field_and_keeps_history(teacher, student):
    data = data_of(token_client(teacher).patch(f"/api/v1/students/{student.pk}/", {"study_year": 3},
                                               format="json"))
    assert data["study_year"] == 3
    assert student.history.count() == 2


def test_a_full_update_needs_the_required_fields(teacher, student):
    error = error_of(token_client(teacher).put(f"/api/v1/students/{student.pk}/", {"study_year": 3},
                                               format="json"), 400)
    assert {"student_id", "first_name", "last_name", "email"} <= set(error["details"])


def test_a_viewer_cannot_create_edit_or_delete(viewer, student):
    client = token_client(viewer)
    error_of(client.post("/api/v1/students/", NEW, format="json"), 403)
    error_of(client.patch(f"/api/v1/students/{student.pk}/", {"study_year": 2}, format="json"), 403)
    error_of(client.delete(f"/api/v1/students/{student.pk}/"), 403)
    assert Student.objects.filter(pk=student.pk, study_year=1).exists()


def test_delete_is_soft_and_hides_the_student(teacher, student):
    client = token_client(teacher)
    assert client.delete(f"/api/v1/students/{student.pk}/").status_code == 204
    assert Student.all_objects.get(pk=student.pk).is_deleted
    error_of(client.get(f"/api/v1/students/{student.pk}/"), 404)
    error_of(client.patch(f"/api/v1/students/{student.pk}/", {"study_year": 2}, format="json"), 404)


def test_only_an_admin_restores(admin_user, teacher, student):
    student.soft_delete()
    error_of(token_client(teacher).post(f"/api/v1/students/{student.pk}/restore/"), 403)
    data = data_of(token_client(admin_user).post(f"/api/v1/students/{student.pk}/restore/"))
    assert data["id"] == student.pk and not Student.all_objects.get(pk=student.pk).is_deleted


def test_restoring_a_live_student_is_a_404(admin_user, student):
    error_of(token_client(admin_user).post(f"/api/v1/students/{student.pk}/restore/"), 404)


def test_restore_refuses_when_the_email_is_taken_again(admin_user, student):
    student.soft_delete()
    make_student(email=student.email)
    error = error_of(token_client(admin_user).post(f"/api/v1/students/{student.pk}/restore/"), 400)
    assert error["code"] == "VALIDATION_ERROR" and "cannot be restored" in error["message"]


def test_filters_combine_search_year_activity_and_course(viewer, course):
    wanted = make_student(first_name="Γιώργος", study_year=2)
    enroll(wanted, course)
    enroll(make_student(first_name="Γιώργος", study_year=3), course)
    make_student(first_name="Γιώργος", study_year=2)  # not in the course
    make_student(first_name="Γιώργος", study_year=2, is_active=False)
    data = data_of(token_client(viewer).get("/api/v1/students/", {
        "search": "Γιώργος", "study_year": 2, "is_active": "true", "course": course.pk}))
    assert [item["id"] for item in data["items"]] == [wanted.pk]


def test_an_unknown_course_filter_is_a_validation_error(viewer):
    error = error_of(token_client(viewer).get("/api/v1/students/", {"course": 99999}), 400)
    assert error["code"] == "VALIDATION_ERROR" and "course" in error["details"]


def test_ordering_by_student_id_descending(viewer):
    for code in ("S-A", "S-C", "S-B"):
        make_student(student_id=code)
    data = data_of(token_client(viewer).get("/api/v1/students/", {"ordering": "-student_id"}))
    assert [item["student_id"] for item in data["items"]] == ["S-C", "S-B", "S-A"]


def test_pages_ordered_by_a_shared_value_neither_repeat_nor_skip_rows(viewer):
    ids = {make_student(study_year=2).pk for _ in range(9)}
    client = token_client(viewer)
    seen = [item["id"] for page in (1, 2, 3) for item in data_of(client.get(
        "/api/v1/students/", {"ordering": "study_year", "page_size": 3, "page": page}))["items"]]
    assert sorted(seen) == sorted(ids)


def test_pagination_reports_items_total_page_size_and_pages(viewer):
    for _ in range(7):
        make_student()
    data = data_of(token_client(viewer).get("/api/v1/students/", {"page": 2, "page_size": 3}))
    assert (len(data["items"]), data["total"], data["page"], data["page_size"], data["pages"]) == (3, 7, 2, 3, 3)


def test_page_size_is_capped_at_200(viewer):
    data = data_of(token_client(viewer).get("/api/v1/students/", {"page_size": 5000}))
    assert data["page_size"] == 200


def test_a_page_past_the_end_is_a_404_saying_how_many_pages_there_are(viewer):
    for _ in range(3):
        make_student()
    client = token_client(viewer)
    error = error_of(client.get("/api/v1/students/", {"page": 9, "page_size": 2}), 404)
    assert (error["code"], error["message"]) == ("HTTP_404", "Page 9 does not exist: the list has 2 pages.")
    greek = client.get("/api/v1/students/", {"page": 3, "page_size": 5}, HTTP_ACCEPT_LANGUAGE="el")
    assert error_of(greek, 404)["message"] == "Η σελίδα 3 δεν υπάρχει: η λίστα έχει 1 σελίδα."


def test_the_first_page_of_an_empty_list_is_no_error(viewer):
    data = data_of(token_client(viewer).get("/api/v1/students/", {"page": 1, "search": "nobody"}))
    assert (data["items"], data["total"], data["pages"]) == ([], 0, 0)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "9" * 5000])
def test_a_malformed_page_is_a_validation_error_naming_the_parameter(viewer, page):
    make_student()
    error = error_of(token_client(viewer).get("/api/v1/students/", {"page": page}), 400)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == {"page": ['The parameter "page" must be a whole number of at least 1.']}
    assert error["message"] == 'The parameter "page" must be a whole number of at least 1.'


def test_a_malformed_page_is_explained_in_greek(viewer):
    response = token_client(viewer).get("/api/v1/students/", {"page": "abc"}, HTTP_ACCEPT_LANGUAGE="el")
    assert error_of(response, 400)["message"] == (
        "Η παράμετρος «page» πρέπει να είναι ακέραιος αριθμός τουλάχιστον 1.")


def test_a_blank_or_last_page_is_accepted(viewer):
    for _ in range(5):
        make_student()
    client = token_client(viewer)
    assert data_of(client.get("/api/v1/students/", {"page": "", "page_size": 2}))["page"] == 1
    assert data_of(client.get("/api/v1/students/", {"page": "last", "page_size": 2}))["page"] == 3


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_list_takes_the_same_queries_whatever_the_page_size(viewer, django_assert_num_queries, page_size):
    for _ in range(120):
        make_student()
    client = token_client(viewer)
    # token + user, role groups, COUNT(*), the page
    with django_assert_num_queries(4):
        data = data_of(client.get("/api/v1/students/", {"page_size": page_size}))
    assert len(data["items"]) == page_size


def test_final_grades_show_each_course_result_and_the_gpa(viewer, student):
    course = make_course(credits=4)
    enroll(student, course)
    grade_record(student=student, course=course, assignment_name="Exam", category="Final",
                 grade=Decimal(18), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))
    data = data_of(token_client(viewer).get(f"/api/v1/students/{student.pk}/final-grades/"))
    row = data["courses"][0]
    assert (row["course"], row["value20"], row["letter"], row["provisional"], row["passed"]) == (
        course.pk, "18.0", "A-", True, True)
    assert data["gpa"] == "3.60"


def test_final_grades_say_when_rules_are_missing(viewer, student):
    enroll(student, make_course(evaluation_rules=[]))
    row = data_of(token_client(viewer).get(f"/api/v1/students/{student.pk}/final-grades/"))["courses"][0]
    assert row["status"] == "no_rules" and row["value20"] is None and "rules" in row["message"]


def test_final_grades_can_be_limited_to_one_semester(viewer, student):
    enroll(student, make_course(semester="2026 Spring"))
    wanted = enroll(student, make_course(semester="2026 Fall")).course
    data = data_of(token_client(viewer).get(f"/api/v1/students/{student.pk}/final-grades/",
                                            {"semester": "2026 fall"}))
    assert [row["course"] for row in data["courses"]] == [wanted.pk]
