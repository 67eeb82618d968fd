"""/api/v1/courses/ and /api/v1/enrollments/: admin-only courses, teachers enrol in their courses."""

import pytest
from django.core.cache import cache

from conftest import enroll, make_course, make_student
from courses.models import Course, Enrollment
from sms.api.testing import data_of, error_of, token_client

pytestmark = pytest.mark.django_db
NEW = {"course_code": "phys-1", "course_name": "Physics", "semester": "2026 Fall", "credits": 4,
       "evaluation_rules": [{"category": "Homework", "weight": 40}, {"category": "Final", "weight": 60}]}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def test_an_admin_creates_a_course_with_teachers(admin_user, teacher):
    data = data_of(token_client(admin_user).post("/api/v1/courses/", {**NEW, "teachers": [teacher.pk]},
                                                  format="json"), 201)
    assert data["course_code"] == "PHYS-1" and data["teachers"] == [teacher.pk]
    assert list(Course.objects.get(pk=data["id"]).teachers.all()) == [teacher]


def test_a_teacher_cannot_create_or_edit_courses(teacher, course):
    client = token_client(teacher)
    error_of(client.post("/api/v1/courses/", NEW, format="json"), 403)
    error_of(client.patch(f"/api/v1/courses/{course.pk}/", {"credits": 2}, format="json"), 403)


def test_it_rejects_weights_over_100_with_the_rules_message(admin_user):
    rules = [{"category": "Homework", "weight": 70}, {"category": "Final", "weight": 60}]
    error = error_of(token_client(admin_user).post("/api/v1/courses/", {**NEW, "evaluation_rules": rules},
                                                   format="json"), 400)
    assert error["code"] == "VALIDATION_ERROR" and "evaluation_rules" in error["details"]


def test_it_reports_a_duplicate_course_code(admin_user, course):
    error = error_of(token_client(admin_user).post("/api/v1/courses/", {**NEW, "course_code": course.course_code},
                                                   format="json"), 400)
    assert error["code"] == "DUPLICATE_COURSE_CODE"


def test_an_update_can_replace_the_teachers(admin_user, teacher, course):
    data = data_of(token_client(admin_user).patch(f"/api/v1/courses/{course.pk}/", {"teachers": [teacher.pk]},
                                                  format="json"))
    assert data["teachers"] == [teacher.pk]


def test_only_teachers_can_be_named_teachers(admin_user, viewer, course):
    error = error_of(token_client(admin_user).patch(f"/api/v1/courses/{course.pk}/", {"teachers": [viewer.pk]},
                                                    format="json"), 400)
    assert "teachers" in error["details"]


def test_filters_by_semester_and_search(viewer):
    wanted = make_course(course_code="BIO-1", semester="2026 Spring")
    make_course(course_code="BIO-2", semester="2026 Fall")
    data = data_of(token_client(viewer).get("/api/v1/courses/", {"semester": "2026 spring", "search": "bio"}))
    assert [item["id"] for item in data["items"]] == [wanted.pk]


def test_deleting_a_course_is_soft_and_admin_restores_it(admin_user, enrollment):
    client = token_client(admin_user)
    assert client.delete(f"/api/v1/courses/{enrollment.course_id}/").status_code == 204
    assert not Enrollment.objects.filter(pk=enrollment.pk).exists()
    data_of(client.post(f"/api/v1/courses/{enrollment.course_id}/restore/"))
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_course_list_takes_the_same_queries_whatever_the_page_size(
        viewer, teacher, django_assert_num_queries, page_size):
    for _ in range(120):
        make_course().teachers.add(teacher)
    client = token_client(viewer)
    # token + user, role groups, COUNT(*), the page, the page's teachers (one prefetch)
    with django_assert_num_queries(5):
        data = data_of(client.get("/api/v1/courses/", {"page_size": page_size}))
    assert len(data["items"]) == page_size


def test_a_teacher_enrols_a_student_in_a_course_they_teach(teacher, student, course):
    course.teachers.add(teacher)
    data = data_of(token_client(teacher).post("/api/v1/enrollments/", {"student": student.pk, "course": course.pk},
                                               format="json"), 201)
    assert Enrollment.objects.filter(pk=data["id"], student=student, course=course).exists()


def test_a_teacher_cannot_enrol_in_a_course_they_do_not_teach(teacher, student, course):
    error_of(token_client(teacher).post("/api/v1/enrollments/", {"student": student.pk, "course": course.pk},
                                        format="json"), 403)
    assert not Enrollment.objects.exists()


def test_enrolling_twice_reports_enrollment_exists(admin_user, enrollment):
    error = error_of(token_client(admin_user).post(
        "/api/v1/enrollments/", {"student": enrollment.student_id, "course": enrollment.course_id},
        format="json"), 400)
    assert error["code"] == "ENROLLMENT_EXISTS"


def test_enrolling_a_deleted_student_is_a_validation_error(admin_user, course):
    gone = make_student()
    gone.soft_delete()
    error = error_of(token_client(admin_user).post("/api/v1/enrollments/", {"student": gone.pk, "course": course.pk},
                                                   format="json"), 400)
    assert "student" in error["details"]


def test_enrollments_cannot_be_edited(admin_user, enrollment, course):
    client = token_client(admin_user)
    other = make_course()
    for method in (client.patch, client.put):
        response = method(f"/api/v1/enrollments/{enrollment.pk}/", {"course": other.pk}, format="json")
        assert error_of(response, 405)["code"] == "HTTP_405"
        assert "PATCH" not in response["Allow"] and "DELETE" in response["Allow"]
    enrollment.refresh_from_db()
    assert enrollment.course == course


def test_a_teacher_unenrols_only_in_their_courses(teacher, enrollment):
    client = token_client(teacher)
    error_of(client.delete(f"/api/v1/enrollments/{enrollment.pk}/"), 403)
    enrollment.course.teachers.add(teacher)
    assert token_client(teacher).delete(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 204


def test_enrollments_filter_by_course(viewer, course):
    wanted = enroll(make_student(), course)
    enroll(make_student(), make_course())
    data = data_of(token_client(viewer).get("/api/v1/enrollments/", {"course": course.pk}))
    assert [item["id"] for item in data["items"]] == [wanted.pk]


def test_a_teacher_filter_beyond_any_database_key_is_a_validation_error(viewer):
    error = error_of(token_client(viewer).get("/api/v1/courses/", {"teacher": "9" * 23}), 400)
    assert error["code"] == "VALIDATION_ERROR" and "teacher" in error["details"]


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_enrollment_list_takes_the_same_queries_whatever_the_page_size(
        viewer, django_assert_num_queries, page_size):
    course = make_course()
    for _ in range(120):
        enroll(make_student(), course)
    client = token_client(viewer)
    # token + user, role groups, COUNT(*), the page
    with django_assert_num_queries(4):
        data = data_of(client.get("/api/v1/enrollments/", {"page_size": page_size}))
    assert len(data["items"]) == page_size
