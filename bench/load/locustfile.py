"""Load for bench/load/run.sh: staff reading lists and records while grades, attendance and students
are written, all through the REST API with tokens.

Every write sends a unique X-Request-ID (`load-<run>-<n>`); each one the server accepts is appended
to LOAD_WRITES_FILE (one JSON line: request id, resource, id) so that verify.py can find the row and
its history row afterwards. Writes are valid by construction (enrolled student, a category of the
course's rules, a fresh assignment name, a lesson not yet recorded), so any error is a real one.

Environment: LOAD_RUN_ID, LOAD_WRITES_FILE, LOAD_ADMIN / LOAD_VIEWER ("user:password").
"""

import datetime
import itertools
import json
import os
import random

from locust import HttpUser, between, events, task

RUN_ID = os.environ.get("LOAD_RUN_ID", "local")
WRITES_FILE = os.environ.get("LOAD_WRITES_FILE", "writes.jsonl")
ADMIN = os.environ.get("LOAD_ADMIN", "admin:sms-admin-demo")
VIEWER = os.environ.get("LOAD_VIEWER", "viewer:sms-viewer-demo")
# The proxy in front of gunicorn terminates TLS and says so; production settings redirect otherwise.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
SEARCHES = ["pap", "ioan", "μαρ", "smith", "ελέν", "geo", "a", "nik"]
# Attendance of lessons before the seeded semesters, one lesson per write: never taken twice.
FIRST_LESSON_DAY = datetime.date(2024, 8, 31)

numbers = itertools.count(1)
shared = {}  # tokens and the seeded school, read once when the test starts
writes_log = None


def unique_marker():
    return f"load-{RUN_ID}-{next(numbers):07d}"


def get_token(client, host, credentials):
    username, password = credentials.split(":", 1)
    response = client.post(f"{host}/api/v1/auth/token/", json={"username": username, "password": password},
                           headers=PROXY_HEADERS)
    response.raise_for_status()
    return response.json()["data"]["token"]


def all_items(client, host, token, path):
    items, page = [], 1
    while True:
        response = client.get(f"{host}{path}", params={"page": page, "page_size": 200},
                              headers={**PROXY_HEADERS, "Authorization": f"Token {token}"})
        response.raise_for_status()
        data = response.json()["data"]
        items += data["items"]
        if page >= data["pages"]:
            return items
        page += 1


@events.test_start.add_listener
def read_the_school(environment, **kwargs):
    """Tokens, courses with their categories and enrollments, before the first user starts."""
    global writes_log
    import requests  # the setup runs once, outside the measured users

    host = environment.host
    with requests.Session() as client:
        shared["admin"] = get_token(client, host, ADMIN)
        shared["viewer"] = get_token(client, host, VIEWER)
        courses = all_items(client, host, shared["admin"], "/api/v1/courses/")
        shared["categories"] = {c["id"]: [rule["category"] for rule in c["evaluation_rules"]] for c in courses}
        shared["courses"] = [c["id"] for c in courses]
        shared["enrollments"] = [(e["student"], e["course"]) for e in
                                 all_items(client, host, shared["admin"], "/api/v1/enrollments/")]
        shared["students"] = sorted({student for student, _course in shared["enrollments"]})
    writes_log = open(WRITES_FILE, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (closed at stop)


@events.test_stop.add_listener
def close_the_log(environment, **kwargs):
    if writes_log:
        writes_log.close()


class SchoolStaff(HttpUser):
    """A member of staff: mostly reading lists and records, sometimes recording something."""

    wait_time = between(0.01, 0.05)

    def headers(self, role, **extra):
        return {**PROXY_HEADERS, "Authorization": f"Token {shared[role]}", **extra}

    def read(self, path, name, **params):
        self.client.get(path, params=params, headers=self.headers("viewer"), name=name)

    def write(self, method, path, name, body, resource):
        marker = unique_marker()
        with self.client.request(method, path, json=body, name=name, catch_response=True,
                                 headers=self.headers("admin", **{"X-Request-ID": marker})) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:300]}")
                return
            record = {"request_id": marker, "resource": resource, "id": response.json()["data"]["id"],
                      "method": method}
            writes_log.write(json.dumps(record) + "\n")

    # Reads (≈ 70 % of requests)

    @task(6)
    def search_students(self):
        self.read("/api/v1/students/", "GET /students/?search", search=random.choice(SEARCHES), page_size=50)

    @task(4)
    def open_a_student(self):
        self.read(f"/api/v1/students/{random.choice(shared['students'])}/", "GET /students/{id}/")

    @task(3)
    def final_grades(self):
        self.read(f"/api/v1/students/{random.choice(shared['students'])}/final-grades/",
                  "GET /students/{id}/final-grades/")

    @task(4)
    def grades_of_a_course(self):
        self.read("/api/v1/grades/", "GET /grades/?course", course=random.choice(shared["courses"]), page_size=50)

    @task(3)
    def attendance_of_a_course(self):
        self.read("/api/v1/attendance/", "GET /attendance/?course", course=random.choice(shared["courses"]),
                  page_size=50)

    @task(2)
    def courses(self):
        self.read("/api/v1/courses/", "GET /courses/")

    # Writes (≈ 30 %)

    @task(4)
    def record_a_grade(self):
        student, course = random.choice(shared["enrollments"])
        self.write("POST", "/api/v1/grades/", "POST /grades/", {
            "student": student, "course": course, "assignment_name": f"Quiz {next(numbers)}",
            "category": random.choice(shared["categories"][course]), "grade": str(random.randint(0, 20)),
            "max_grade": "20", "date_assigned": datetime.date.today().isoformat(),
        }, "grades.grade")

    @task(4)
    def take_attendance(self):
        lesson = next(numbers)
        student, course = shared["enrollments"][lesson % len(shared["enrollments"])]
        day = FIRST_LESSON_DAY - datetime.timedelta(days=lesson // len(shared["enrollments"]) // 12)
        self.write("POST", "/api/v1/attendance/", "POST /attendance/", {
            "student": student, "course": course, "date": day.isoformat(),
            "period_number": 1 + lesson // len(shared["enrollments"]) % 12,
            "status": random.choice(["Present", "Absent", "Late", "Excused"]),
        }, "attendance.attendance")

    @task(1)
    def update_a_student(self):
        student = random.choice(shared["students"])
        self.write("PATCH", f"/api/v1/students/{student}/", "PATCH /students/{id}/",
                   {"note": f"Called parents ({next(numbers)})"}, "students.student")

    @task(1)
    def add_a_student(self):
        number = next(numbers)
        self.write("POST", "/api/v1/students/", "POST /students/", {
            "student_id": f"L{RUN_ID[-6:]}{number:06d}", "first_name": "Φοίβη", "last_name": f"Load {number}",
            "email": f"load-{RUN_ID}-{number}@school.example", "enrollment_date": "2026-09-01",
        }, "students.student")
