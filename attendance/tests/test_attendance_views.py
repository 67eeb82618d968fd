"""The attendance roster: pre-filled Present, saved at once, re-opened to edit, limits shown."""

import datetime

import pytest
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
    # session, user, role, course, taught courses, students, the day's records, absence counts
    with django_assert_num_queries(8):
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


def test_an_unknown_status_keeps_the_roster_and_saves_nothing(client, teacher, taught):
    course, students = taught
    client.force_login(teacher)
    response = client.post(url(course), statuses(students, "Present", "Sleeping", "Absent"))
    assert response.status_code == 200 and not Attendance.objects.exists()
    assert f'id="row-{students[1].pk}" class="roster-row row-error"' in response.content.decode()


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
