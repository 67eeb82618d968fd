"""Site pages: sign-in (staff and admin forms) and its brute-force limit, the remembered language, the dashboard, errors."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from audit.models import AuditLog
from conftest import enroll, make_course, make_student
from courses.semesters import semester_of
from grades.models import Grade
from sms.models import UserPreference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_sign_in_with_the_right_password_goes_to_the_dashboard(client, teacher):
    response = client.post(reverse("login"), {"username": "teacher_user", "password": "pass-1234"})
    assert response.status_code == 302 and response.url == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert 'id="signed-in-as"' in page and "Signed in as teacher_user" in page and "(<span id=\"signed-in-role\">teacher</span>)" in page


def test_a_wrong_password_says_so_and_keeps_the_username(client, teacher):
    response = client.post(reverse("login"), {"username": "teacher_user", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200 and "Please enter a correct username and password" in page
    assert 'value="teacher_user"' in page


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "100/m", "username": "3/m"})
def test_repeated_failures_for_one_account_are_throttled_even_with_the_right_password(client, teacher):
    for _ in range(3):
        client.post(reverse("login"), {"username": "teacher_user", "password": "guess"})
    response = client.post(reverse("login"), {"username": "Teacher_User", "password": "pass-1234"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "2/m", "username": "100/m"})
def test_many_attempts_from_one_address_are_throttled_across_usernames(client):
    for name in ("a", "b"):
        client.post(reverse("login"), {"username": name, "password": "x"})
    assert client.post(reverse("login"), {"username": "c", "password": "x"}).status_code == 429


def test_login_throttle_fails_open_when_the_cache_is_down(client, teacher, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr("sms.views.get_usage", broken)
    response = client.post(reverse("login"), {"username": "teacher_user", "password": "pass-1234"})
    assert response.status_code == 302


def admin_sign_in(client, password, username="admin_user", **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **headers)


def staff_sign_in(client, password, username="admin_user"):
    return client.post(reverse("login"), {"username": username, "password": password})


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "100/m", "username": "3/m"})
def test_the_admin_sign_in_is_throttled_after_the_limit_even_with_the_right_password(client, admin_user):
    for _ in range(3):
        assert admin_sign_in(client, "guess").status_code == 200
    response = admin_sign_in(client, "pass-1234", username="Admin_User")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts. Wait a minute" in page and 'id="login-form"' in page
    assert "_auth_user_id" not in client.session
    # Over the limit the password is not even checked: three failures audited, not four.
    assert AuditLog.objects.filter(action="login_failed", username="admin_user").count() == 3


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "100/m", "username": "3/m"})
def test_the_admin_refusal_is_in_greek_for_a_greek_browser(client, admin_user):
    for _ in range(3):
        admin_sign_in(client, "guess")
    page = admin_sign_in(client, "pass-1234", HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Πάρα πολλές προσπάθειες σύνδεσης. Περιμένετε ένα λεπτό" in page


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "100/m", "username": "4/m"})
def test_the_staff_and_admin_sign_in_forms_share_one_budget(client, admin_user):
    staff_sign_in(client, "guess-1")
    admin_sign_in(client, "guess-2")
    staff_sign_in(client, "guess-3")
    admin_sign_in(client, "guess-4")
    assert admin_sign_in(client, "pass-1234").status_code == 429
    assert staff_sign_in(client, "pass-1234").status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "3/m", "username": "100/m"})
def test_many_admin_attempts_from_one_address_are_throttled_across_usernames(client):
    for name in ("a", "b", "c"):
        admin_sign_in(client, "x", username=name)
    assert admin_sign_in(client, "x", username="d").status_code == 429


@override_settings(SMS_LOGIN_RATE_LIMITS={"ip": "100/m", "username": "3/m"})
def test_a_right_password_within_the_limit_still_signs_in_to_the_admin(client, admin_user):
    for _ in range(2):
        admin_sign_in(client, "guess")
    assert admin_sign_in(client, "pass-1234").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_throttle_fails_open_when_the_cache_is_down(client, admin_user, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr("sms.views.get_usage", broken)
    assert admin_sign_in(client, "pass-1234").status_code == 302


def test_sign_out_needs_post_and_ends_the_session(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_the_chosen_language_is_remembered_for_the_user_in_a_new_browser(client, teacher):
    client.force_login(teacher)
    client.post(reverse("set_language"), {"language": "el", "next": "/"})
    assert UserPreference.objects.get(user=teacher).language == "el"
    other_browser = Client()
    other_browser.post(reverse("login"), {"username": "teacher_user", "password": "pass-1234"})
    page = other_browser.get(reverse("students:list")).content.decode()
    assert '<html lang="el">' in page and "Μαθητές" in page


def test_an_unknown_language_code_is_ignored(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert not UserPreference.objects.filter(user=teacher).exists()


def test_anonymous_visitors_can_switch_language_on_the_sign_in_page(client):
    client.post(reverse("set_language"), {"language": "el", "next": "/accounts/login/"})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="el">' in page


def test_dashboard_lists_todays_attendance_tasks_and_latest_grades_for_a_teacher(
    client, teacher, django_assert_num_queries
):
    today = timezone.localdate()
    mine = [make_course(semester=semester_of(today)) for _ in range(3)]
    for course in mine:
        course.teachers.add(teacher)
    make_course(semester=semester_of(today), course_name="Not mine")
    student = make_student()
    for course in mine:
        enroll(student, course)
        Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                             grade=Decimal(15), max_grade=Decimal(20), date_assigned=today)
    Attendance.objects.create(student=student, course=mine[0], date=today)
    client.force_login(teacher)
    # session, user, role, the teacher's courses with counts and today's flag, latest grades
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "Not mine" not in page
    assert page.count("not taken yet") == 2 and page.count(">taken<") == 1
    assert page.count("15.00 / 20.00") == 3


def test_viewers_see_no_attendance_or_grade_entry_links_on_the_dashboard(client, viewer, admin_user):
    course = make_course(semester=semester_of(timezone.localdate()))
    links = (f'href="{reverse("attendance:roster", args=[course.pk])}"',
             f'href="{reverse("grades:roster", args=[course.pk])}"', ">Take attendance<", ">Enter grades<")
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert all(link in page for link in links)
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert course.course_code in page and "not taken yet" in page  # the course is listed, read-only
    assert not any(link in page for link in links)


def test_dashboard_says_when_there_is_nothing_yet(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert "No courses this semester." in page and "No grades entered yet." in page


def test_not_found_page_is_friendly_in_both_languages_and_shows_the_request_id(client, viewer):
    client.force_login(viewer)
    response = client.get("/students/999999/", HTTP_X_REQUEST_ID="req-404-check")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "req-404-check" in page
    response = client.get("/students/999999/", HTTP_ACCEPT_LANGUAGE="el", HTTP_X_REQUEST_ID="req-el")
    assert "Η σελίδα δεν βρέθηκε" in response.content.decode() and "req-el" in response.content.decode()


def test_server_error_page_is_friendly_and_shows_no_details(client, viewer):
    client.force_login(viewer)
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF="sms.tests.urls_boom"):
        response = client.get("/boom/", HTTP_X_REQUEST_ID="req-500")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and "req-500" in page and "secret detail" not in page


def test_an_expired_form_gets_a_friendly_403(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(reverse("set_language"), {"language": "el"})
    assert response.status_code == 403 and "This form has expired" in response.content.decode()


def test_dates_are_formatted_per_language(client, viewer):
    make_student(first_name="Dated", enrollment_date=datetime.date(2026, 9, 1))
    client.force_login(viewer)
    student_url = client.get(reverse("students:list")).context["page"].object_list[0].get_absolute_url()
    assert "Sept. 1, 2026" in client.get(student_url).content.decode()
    assert "01/09/2026" in client.get(student_url, HTTP_ACCEPT_LANGUAGE="el").content.decode()


def test_teachers_and_viewers_cannot_reach_the_admin_or_user_administration(client, teacher, viewer):
    for user in (teacher, viewer):
        client.force_login(user)
        for url in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{user.pk}/change/"):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/admin/login/")
        page = client.get(reverse("home")).content.decode()
        assert "/admin/" not in page


def test_dashboard_runs_a_fixed_number_of_queries_with_many_courses_and_grades(
        client, admin_user, django_assert_num_queries):
    today = timezone.localdate()
    student = make_student()
    for _ in range(55):
        course = make_course(semester=semester_of(today))
        enroll(student, course)
        Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                             grade=Decimal(15), max_grade=Decimal(20), date_assigned=today)
    client.force_login(admin_user)
    # session, user, role groups, the semester's courses with counts and today's flag, latest grades
    with django_assert_num_queries(5):
        response = client.get(reverse("home"))
    assert response.content.decode().count("not taken yet") == 55


def test_forbidden_and_server_error_pages_are_greek_for_greek_users_with_the_request_id(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("students:create"), HTTP_ACCEPT_LANGUAGE="el", HTTP_X_REQUEST_ID="req-403-el")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Δεν έχετε δικαίωμα για αυτή την ενέργεια" in page and "req-403-el" in page
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF="sms.tests.urls_boom"):
        response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="el", HTTP_X_REQUEST_ID="req-500-el")
    page = response.content.decode()
    assert response.status_code == 500 and '<html lang="el">' in page
    assert "Κάτι πήγε στραβά από τη δική μας πλευρά" in page and "req-500-el" in page


def test_a_teacher_changes_their_password_on_an_sms_page_in_their_language(client, teacher):
    client.force_login(teacher)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in home
    page = client.get(reverse("password_change"), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert 'id="main-nav"' in page and "Αλλαγή κωδικού" in page and "Django" not in page
    wrong = client.post(reverse("password_change"), {
        "old_password": "nope", "new_password1": "a-new-pass-4321", "new_password2": "a-new-pass-4321"})
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    response = client.post(reverse("password_change"), {
        "old_password": "pass-1234", "new_password1": "a-new-pass-4321", "new_password2": "a-new-pass-4321"},
        follow=True)
    assert "Your password was changed." in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password("a-new-pass-4321")
