"""The attendance roster: pre-filled Present, saved at once, re-opened to edit, limits shown."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from conftest import enroll, make_course, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def taught(teacher):
    course = make_course(periods_per_week=1)  # 14 periods → limit 2, warning from 2
    course.teachers.add(teacher)
    students = [make_student() for _ in range(3)]
    for student in students:
        enroll(student, course)
    return course, students


def url(course, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('attendance:roster', args=[course.pk])}{'?' + query if query else ''}"


def statuses(students, *values):
    return {f"row-{s.pk}-status": value for s, value in zip(students, values)}


def test_roster_is_prefilled_present_in_fixed_queries(client, teacher, django_assert_num_queries):
    course = make_course()
    course.teachers.add(teacher)
    for _ in range(55):
        enroll(make_student(), course)
    client.force_login(teacher)
    # session, user, role, course, taught courses, students with absence counts, the day's records
    with django_assert_num_queries(7):
        response = client.get(url(course))
    page = response.content.decode()
    assert len(response.context["rows"]) == 55
    assert page.count('value="Present" class="status-choice"') == 55
    assert page.count("checked") == 55


def test_saving_marks_everyone_and_reopening_the_day_edits_without_duplicates(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    day = timezone.localdate().isoformat()
    response = client.post(url(course, date=day, period=2), statuses(students, "Present", "Absent", "Late"))
    assert response.status_code == 302 and f"date={day}&period=2" in response.url
    assert Attendance.objects.count() == 3
    follow = client.get(response.url).content.decode()
    assert "1 present, 1 absent, 1 late, 0 excused" in follow
    assert "already taken: you are editing it" in follow
    client.post(url(course, date=day, period=2), statuses(students, "Present", "Excused", "Late"))
    assert Attendance.objects.count() == 3
    record = Attendance.objects.get(student=students[1])
    assert record.status == "Excused" and record.history.count() == 2


def test_a_future_date_or_bad_period_is_refused_with_a_clear_message(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.get(url(course, date=tomorrow, period=1))
    assert "cannot be taken for a future date" in response.content.decode()
    response = client.post(url(course, date=tomorrow, period=1), statuses(students, "Absent"))
    assert response.status_code == 200 and not Attendance.objects.exists()
    response = client.get(url(course, date="not-a-date", period=99))
    assert response.status_code == 200 and "day" in response.context and not response.context["day"].is_valid()


def checked_statuses(page):
    """{input name: value} of the radio buttons the page shows checked."""
    tags = re.findall(r"<input [^>]*type=\"radio\"[^>]*>", page)
    return {re.search(r'name="([^"]+)"', tag)[1]: re.search(r'value="([^"]+)"', tag)[1]
            for tag in tags if re.search(r"\schecked[\s>]", tag)}


def test_an_unknown_status_keeps_the_roster_and_saves_nothing(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    data = statuses(students, "Late", "Sleeping", "Absent") | {f"row-{students[2].pk}-notes": "Doctor's note"}
    response = client.post(url(course), data)
    assert response.status_code == 200 and not Attendance.objects.exists()
    page = response.content.decode()
    assert f'id="row-{students[1].pk}" class="roster-row row-error"' in page
    # The choices made come back as chosen, not reset to Present: only the bad row needs a click.
    assert checked_statuses(page) == {f"row-{students[0].pk}-status": "Late", f"row-{students[2].pk}-status": "Absent"}
    assert 'value="Doctor&#x27;s note"' in page


def test_students_near_and_over_the_limit_are_flagged(client, teacher, taught):
    course, students = taught
    for offset in range(3):
        Attendance.objects.create(student=students[0], course=course, status="Absent",
                                  date=timezone.localdate() - datetime.timedelta(days=offset + 1))
    for offset in range(2):
        Attendance.objects.create(student=students[1], course=course, status="Excused",
                                  date=timezone.localdate() - datetime.timedelta(days=offset + 1))
    Attendance.objects.create(student=students[2], course=course, status="Late",
                              date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(teacher)
    page = client.get(url(course)).content.decode()
    assert page.count("over the limit") == 1 and page.count("near the limit") == 1


def test_viewers_and_other_teachers_are_refused(client, viewer, teacher, course, student):
    enroll(student, course)
    for user in (viewer, teacher):
        client.force_login(user)
        assert client.get(url(course)).status_code == 403
        assert client.post(url(course), statuses([student], "Absent")).status_code == 403
    assert not Attendance.objects.exists()


def summary_url(course):
    return reverse("attendance:course-summary", args=[course.pk])


def test_unknown_or_deleted_course_is_not_found(client, admin_user, course):
    client.force_login(admin_user)
    for name in ("attendance:roster", "attendance:course-summary"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
    course.soft_delete()
    assert client.get(url(course)).status_code == 404
    assert client.post(url(course), {}).status_code == 404
    assert client.get(summary_url(course)).status_code == 404


def test_a_roster_posted_for_a_bad_day_saves_nothing_and_explains(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    for params in ({"date": "2026-13-45", "period": 1}, {"date": "2026-10-01", "period": "abc"},
                   {"date": "2026-10-01", "period": 0}):
        response = client.post(url(course, **params), statuses(students, "Absent", "Absent", "Absent"))
        assert response.status_code == 200 and not response.context["day"].is_valid()
    assert not Attendance.objects.exists()


def test_a_post_without_statuses_saves_nothing_and_marks_every_row(client, teacher, taught):
    course, _students = taught
    client.force_login(teacher)
    response = client.post(url(course), {})
    assert response.status_code == 200 and not Attendance.objects.exists()
    assert response.content.decode().count("roster-row row-error") == 3


def test_summary_counts_each_status_and_flags_near_and_over_the_limit(client, viewer, taught):
    course, students = taught  # limit 2, warning from 2
    today = timezone.localdate()
    for offset, status in enumerate(["Absent", "Excused", "Absent", "Late", "Present"]):
        Attendance.objects.create(student=students[0], course=course, status=status,
                                  date=today - datetime.timedelta(days=offset + 1))
    for offset, status in enumerate(["Absent", "Excused"]):
        Attendance.objects.create(student=students[1], course=course, status=status,
                                  date=today - datetime.timedelta(days=offset + 1))
    Attendance.objects.create(student=students[2], course=course, status="Late", date=today)
    client.force_login(viewer)
    response = client.get(summary_url(course))
    assert response.status_code == 200
    rows = {row["student"].pk: row for row in response.context["rows"]}
    first = rows[students[0].pk]
    assert (first["present"], first["absent"], first["late"], first["excused"], first["absences"]) == (1, 2, 1, 1, 3)
    assert first["over"] and not first["near"] and first["left"] == 0
    assert rows[students[1].pk]["near"] and not rows[students[1].pk]["over"]
    assert rows[students[2].pk]["absences"] == 0 and not rows[students[2].pk]["near"]
    page = response.content.decode()
    assert page.count("over-limit") == 1 and page.count("near-limit") == 1
    assert "1 student is over the limit; 1 student is near the limit." in page
    assert 'id="take-attendance"' not in page  # viewers get no edit controls


def test_summary_without_a_limit_flags_no_one(client, teacher):
    course = make_course(periods_per_week=0)
    course.teachers.add(teacher)
    student = make_student()
    enroll(student, course)
    Attendance.objects.create(student=student, course=course, status="Absent", date=timezone.localdate())
    client.force_login(teacher)
    page = client.get(summary_url(course)).content.decode()
    assert "no absence limit" in page and "over-limit" not in page and 'id="take-attendance"' in page


def test_summary_runs_fixed_queries_for_many_students(client, viewer, django_assert_num_queries):
    course = make_course()
    for index in range(55):
        student = make_student()
        enroll(student, course)
        Attendance.objects.create(student=student, course=course, status="Absent" if index % 2 else "Present",
                                  date=timezone.localdate())
    client.force_login(viewer)
    # session, user, role, course, the per-student counts, enrolled students
    with django_assert_num_queries(6):
        response = client.get(summary_url(course))
    assert len(response.context["rows"]) == 55


def test_a_roster_of_many_students_is_saved_in_one_submit_and_resaving_changes_nothing(client, teacher):
    course = make_course()
    course.teachers.add(teacher)
    students = [make_student() for _ in range(55)]
    for student in students:
        enroll(student, course)
    client.force_login(teacher)
    data = statuses(students, *["Present"] * 54, "Absent")
    assert client.post(url(course), data).status_code == 302
    assert client.post(url(course), data).status_code == 302
    assert Attendance.objects.count() == 55 and Attendance.objects.filter(status="Absent").count() == 1
    assert Attendance.history.count() == 55  # unchanged rows are not re-saved


def test_roster_and_summary_are_in_greek_with_localised_dates(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    client.cookies["django_language"] = "el"
    page = client.get(url(course, date="2026-10-05", period=1)).content.decode()
    assert "Απών" in page and "Αποθήκευση απουσιών" in page
    response = client.post(url(course, date="2026-10-05", period=1), statuses(students, "Present", "Absent", "Late"),
                           follow=True)
    assert "05/10/2026" in response.content.decode()  # Greek short date in the success message
    summary = client.get(summary_url(course)).content.decode()
    assert "Απουσίες που μετρούν στο όριο" in summary and "Absences toward the limit" not in summary


def test_a_missing_date_or_period_defaults_to_today_and_period_one(client, teacher, taught):
    course, _students = taught
    client.force_login(teacher)
    response = client.get(url(course, period=3))
    assert response.context["date"] == timezone.localdate() and response.context["period"] == 3
    response = client.get(url(course, date="2026-10-01"))
    assert response.context["date"] == datetime.date(2026, 10, 1) and response.context["period"] == 1


def test_the_course_page_links_every_role_to_the_grade_sheet_and_absences(client, viewer, course):
    client.force_login(viewer)
    page = client.get(course.get_absolute_url()).content.decode()
    assert reverse("attendance:course-summary", args=[course.pk]) in page
    assert reverse("grades:list", args=[course.pk]) in page


def test_attendance_posted_without_the_csrf_token_is_refused(teacher, taught):
    course, students = taught
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    assert 'name="csrfmiddlewaretoken"' in client.get(url(course)).content.decode()
    assert client.post(url(course), statuses(students, "Absent")).status_code == 403
    assert not Attendance.objects.exists()
