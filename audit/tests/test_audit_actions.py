"""Every audited action, through every entry point people use, leaves an entry that names the user,
the client's IP address and the request id (the one a person quotes from an error page)."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from audit import selectors
from audit.models import AuditLog
from conftest import enroll, make_course, make_student
from sms.api.testing import data_of, token_client
from sms.transfer import writers
from students.models import Student
from students.services import student_delete

pytestmark = pytest.mark.django_db
IP = "10.20.30.40"
STUDENT_HEADERS = ["student_id", "first_name", "last_name", "email"]


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings, tmp_path):
    settings.SMS_IMPORT_DIR = tmp_path
    cache.clear()


@pytest.fixture(autouse=True)
def every_entity_type_written_can_be_filtered():
    """Whatever these actions write, the timeline's entity type filter offers (audit.selectors)."""
    yield
    written = set(AuditLog.objects.exclude(entity_type="").values_list("entity_type", flat=True))
    assert written <= set(selectors.entity_types())


AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def sent(request_id):
    """Headers of a request from IP carrying request_id, from a browser."""
    return {"REMOTE_ADDR": IP, "HTTP_X_REQUEST_ID": request_id, "HTTP_USER_AGENT": AGENT}


def only_entry(request_id, **fields):
    """The single entry written by the request `request_id`, checked against fields."""
    entry = AuditLog.objects.get(request_id=request_id, **fields)
    assert (entry.ip_address, entry.user_agent) == (IP, AGENT)
    return entry


def web(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    return token_client(user)


def test_web_sign_in_failed_sign_in_and_sign_out(teacher):
    client = Client()
    client.post("/accounts/login/", {"username": "teacher_user", "password": "wrong"}, **sent("web-failed"))
    assert only_entry("web-failed", action="login_failed", success=False).changes == {"username": "teacher_user"}
    client.post("/accounts/login/", {"username": "teacher_user", "password": "pass-1234"}, **sent("web-in"))
    assert only_entry("web-in", action="login").user_id == teacher.pk
    client.post("/accounts/logout/", **sent("web-out"))
    assert only_entry("web-out", action="logout").username == "teacher_user"


def test_admin_site_sign_in_and_api_token_sign_in(admin_user):
    Client().post("/admin/login/", {"username": "admin_user", "password": "wrong"}, **sent("admin-failed"))
    assert only_entry("admin-failed", action="login_failed", success=False).changes == {"username": "admin_user"}
    Client().post("/admin/login/", {"username": "admin_user", "password": "pass-1234"}, **sent("admin-in"))
    assert only_entry("admin-in", action="login").user_id == admin_user.pk
    client = APIClient()
    client.post("/api/v1/auth/token/", {"username": "admin_user", "password": "bad"}, **sent("token-bad"))
    assert only_entry("token-bad", action="login_failed", success=False).username == "admin_user"
    client.post("/api/v1/auth/token/", {"username": "admin_user", "password": "pass-1234"}, **sent("token-ok"))
    entry = only_entry("token-ok", action="login")
    assert (entry.user_id, entry.changes) == (admin_user.pk, {"via": "api token"})


def test_exports_on_the_web_the_api_and_the_admin_and_report_cards(admin_user, viewer):
    student = make_student(student_id="S-EXP")
    enroll(student, make_course(semester="2026 Fall"))
    web(viewer).get("/transfer/exports/students.csv", {"search": "S-EXP"}, **sent("export-web"))
    entry = only_entry("export-web", action="export", username="viewer_user")
    assert entry.changes == {"kind": "students", "format": "csv", "rows": 1, "filters": {"search": "S-EXP"}}
    api(viewer).get("/api/v1/exports/grades.xlsx", **sent("export-api"))
    assert only_entry("export-api", action="export").changes["kind"] == "grades"
    web(admin_user).post("/admin/students/student/", {
        "action": "export_selected_csv", "_selected_action": [student.pk]}, **sent("export-admin"))
    assert only_entry("export-admin", action="export").changes["filters"] == {"admin_selection": True}
    web(viewer).get(f"/transfer/report-cards/{student.pk}/", **sent("card-web"))
    api(viewer).get(f"/api/v1/report-cards/{student.pk}/", **sent("card-api"))
    for request_id in ("card-web", "card-api"):
        entry = only_entry(request_id, action="export", entity_id=str(student.pk))
        assert entry.changes == {"kind": "report_card", "format": "pdf", "semester": "2026 Fall"}


def test_imports_on_the_web_and_the_api_with_their_counts(admin_user):
    client = web(admin_user)
    rows = [["S1", "Ελένη", "Οικονόμου", "eleni@x.gr"]]
    upload = SimpleUploadedFile("students.csv", writers.write_csv(STUDENT_HEADERS, rows))
    preview_url = client.post("/transfer/imports/students/", {"file": upload}).url
    client.post(preview_url, **sent("import-web"))
    entry = only_entry("import-web", action="import", success=True)
    assert (entry.changes["created"], entry.changes["rows"], entry.changes["file"]) == (1, 1, "students.csv")
    rows = [["S1", "Ελένη", "Οικονόμου-Ρήγα", "eleni@x.gr"], ["S2", "Νίκος", "Ρήγας", "nikos@x.gr"]]
    upload = SimpleUploadedFile("more.csv", writers.write_csv(STUDENT_HEADERS, rows))
    api(admin_user).post("/api/v1/imports/students/", {"file": upload, "dry_run": "false"}, format="multipart",
                         **sent("import-api"))
    entry = only_entry("import-api", action="import")
    assert (entry.changes["created"], entry.changes["updated"], entry.changes["format"]) == (1, 1, "csv")


def test_restores_on_the_web_the_api_and_the_admin(admin_user):
    first, second, third = make_student(), make_student(), make_student()
    for student in (first, second, third):
        student_delete(student=student)
    web(admin_user).post(f"/students/{first.pk}/restore/", **sent("restore-web"))
    api(admin_user).post(f"/api/v1/students/{second.pk}/restore/", **sent("restore-api"))
    web(admin_user).post("/admin/students/student/?deleted=yes", {
        "action": "restore_selected", "_selected_action": [third.pk]}, **sent("restore-admin"))
    for request_id, student in (("restore-web", first), ("restore-api", second), ("restore-admin", third)):
        entry = only_entry(request_id, action="restore_deleted", entity_type="students.student")
        assert (entry.entity_id, entry.username) == (str(student.pk), "admin_user")
    assert Student.objects.count() == 3


def test_refused_access_to_the_audit_trail(teacher, viewer):
    web(teacher).get("/admin/tools/audit/", **sent("denied-web"))
    api(viewer).get("/api/v1/audit/logs/", **sent("denied-api"))
    assert only_entry("denied-web", action="permission_denied", success=False).username == "teacher_user"
    assert only_entry("denied-api", action="permission_denied", success=False).changes == {
        "path": "/api/v1/audit/logs/", "what": "audit API"}


def test_staff_without_the_admin_role_are_refused_the_admin_audit_log_and_the_attempt_is_logged(db):

    # Staff without an SMS role, given Django permissions by a superuser, may use the admin site
    # (teachers and viewers may not: sms/admin_site.py), but not its audit log.
    staff_teacher = User.objects.create_user("staff_teacher", password="x", is_staff=True)
    staff_teacher.user_permissions.add(*Permission.objects.filter(codename="view_auditlog"))
    entry_id = AuditLog.objects.order_by("id").first().pk  # the account's own creation
    client = Client(raise_request_exception=False)
    client.force_login(staff_teacher)
    for request_id, path in (("list-denied", "/admin/audit/auditlog/"),
                             ("entry-denied", f"/admin/audit/auditlog/{entry_id}/change/"),
                             ("history-denied", f"/admin/audit/auditlog/{entry_id}/history/")):
        assert client.get(path, **sent(request_id)).status_code == 403
        entry = only_entry(request_id, action="permission_denied", entity_type="audit", success=False)
        assert (entry.username, entry.changes["path"]) == ("staff_teacher", path)


def test_the_admin_audit_pages_are_rate_limited_like_the_api(settings, admin_user):
    settings.SMS_API_RATE_LIMITS = {"read": "2/m", "write": "2/m", "auth": "2/m"}
    client = web(admin_user)
    assert [client.get("/admin/tools/audit/").status_code for _ in range(2)] == [200, 200]
    limited = client.get("/admin/tools/audit/")
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    assert "Too many requests. Try again in" in limited.content.decode()
    assert client.get("/admin/audit/auditlog/").status_code == 429  # the same count for the admin's own list
    cache.clear()
    assert client.get("/admin/audit/auditlog/").status_code == 200


@pytest.mark.django_db(transaction=True)  # a backup snapshots the database from outside the test's transaction
def test_backup_creation_and_key_rotation_on_the_admin_backups_page(admin_user, settings, tmp_path):
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    settings.SMS_BACKUP_KEY_FILE = tmp_path / "keys" / "master.key"
    client = web(admin_user)
    client.post("/admin/tools/backups/create/", **sent("backup-create"))
    entry = only_entry("backup-create", action="backup_create", success=True)
    assert entry.entity_type == "backup" and entry.username == "admin_user"
    client.post("/admin/tools/backups/rotate-key/", **sent("key-rotate"))
    assert only_entry("key-rotate", action="key_rotate").username == "admin_user"
    client.post(f"/admin/tools/backups/{entry.entity_id}/verify/", **sent("backup-verify"))
    assert only_entry("backup-verify", action="custom", entity_id=entry.entity_id).changes == {
        "operation": "backup_verify"}
    client.post("/admin/tools/backups/prune/", {"keep": "1"}, **sent("backup-prune"))
    assert only_entry("backup-prune", action="custom").changes == {
        "operation": "backup_prune", "keep": 1, "deleted": []}
    backup_id = entry.entity_id
    client.post(f"/admin/tools/backups/{backup_id}/restore/", {"confirm": "yes"}, **sent("backup-restore"))
    restored = only_entry("backup-restore", action="backup_restore", entity_id=backup_id, success=True)
    assert restored.username == "admin_user"  # written after the swap, into the restored database's chain


def test_refused_access_to_the_backups_pages(teacher, settings, tmp_path):
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    web(teacher).get("/admin/tools/backups/", **sent("backups-denied"))
    web(teacher).post("/admin/tools/backups/create/", **sent("backup-create-denied"))
    for request_id in ("backups-denied", "backup-create-denied"):
        entry = only_entry(request_id, action="permission_denied", entity_type="backup", success=False)
        assert entry.username == "teacher_user"
    assert not settings.SMS_BACKUP_DIR.exists()


def test_user_administration_in_the_admin_site(admin_user):
    client = web(admin_user)
    client.post("/admin/auth/user/add/", {
        "username": "new_teacher", "password1": "a-long-pass-9321", "password2": "a-long-pass-9321",
        "usable_password": "true"}, **sent("user-add"))
    user = User.objects.get(username="new_teacher")
    entry = only_entry("user-add", action="create", entity_type="auth.user")
    assert entry.entity_id == str(user.pk) and "password" not in str(entry.changes)
    teacher_group = Group.objects.get(name="teacher")
    client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": "new_teacher", "is_active": "on", "groups": [teacher_group.pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}, **sent("user-role"))
    changes = [entry.changes for entry in AuditLog.objects.filter(request_id="user-role", ip_address=IP)]
    assert changes == [{"groups": [[], ["teacher"]]}]  # the account's own fields did not change: no entry
    client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"}, **sent("user-delete"))
    assert not User.objects.filter(username="new_teacher").exists()
    assert only_entry("user-delete", action="delete").changes == {"username": "new_teacher"}


def test_a_user_administration_entry_keeps_old_and_new_values_and_never_a_password_hash(admin_user):
    from conftest import make_user

    user = make_user("viewer", "ana", email="ana@old.example")
    client = web(admin_user)
    client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": "ana", "email": "ana@new.example", "is_active": "on", "is_staff": "on",
        "groups": [Group.objects.get(name="viewer").pk], "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00"}, **sent("user-edit"))
    entry = only_entry("user-edit", action="update", entity_type="auth.user", entity_id=str(user.pk))
    detail = data_of(api(admin_user).get(f"/api/v1/audit/logs/action:{entry.pk}/"))
    assert detail["changes"] == {"email": ["ana@old.example", "ana@new.example"], "is_staff": [False, True]}
    page = web(admin_user).get(f"/admin/tools/audit/action:{entry.pk}/").content.decode()
    assert "<td>email</td><td>ana@old.example</td><td>ana@new.example</td>" in page
    old_hash = User.objects.get(pk=user.pk).password
    client.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "another-pass-8842", "password2": "another-pass-8842", "usable_password": "true"},
        **sent("user-password"))
    new_hash = User.objects.get(pk=user.pk).password
    assert new_hash != old_hash
    entry = only_entry("user-password", action="update")
    assert data_of(api(admin_user).get(f"/api/v1/audit/logs/action:{entry.pk}/"))["changes"] == {
        "password": "changed"}
    everything = str(list(AuditLog.objects.values_list("changes", flat=True)))
    assert old_hash not in everything and new_hash not in everything and "md5$" not in everything


def test_an_account_created_outside_a_request_is_not_logged_as_its_own_doing(db):
    from conftest import make_user

    user = make_user("teacher", "made_by_a_command")
    entry = AuditLog.objects.get(action="create", entity_type="auth.user", entity_id=str(user.pk))
    assert (entry.user_id, entry.username) == (None, "")  # the actor: nobody signed in
    assert entry.changes["username"] == "made_by_a_command"  # the account it is about


def test_an_entry_keeps_the_user_after_the_user_is_deleted(teacher):
    Client().post("/accounts/login/", {"username": "teacher_user", "password": "pass-1234"}, **sent("gone"))
    user_id = teacher.pk
    teacher.delete()
    entry = only_entry("gone", action="login")
    assert (entry.user_id, entry.username) == (user_id, "teacher_user")


def test_a_change_whose_audit_link_cannot_be_written_is_rolled_back(student, monkeypatch):
    """Same transaction: no change without its history row and chain link, and the caller sees why."""
    from students.services import student_update

    def chain_down(*args, **kwargs):
        raise RuntimeError("audit chain unavailable")

    monkeypatch.setattr("audit.chain.link_rows", chain_down)
    with pytest.raises(RuntimeError):
        student_update(student=student, data={"first_name": "Changed"})
    student.refresh_from_db()
    assert student.first_name == "Maria" and student.history.count() == 1


def test_the_audit_api_is_rate_limited(settings, admin_user):
    settings.SMS_API_RATE_LIMITS = {"read": "2/m", "write": "2/m", "auth": "2/m"}
    client = api(admin_user)
    for _ in range(2):
        assert client.get("/api/v1/audit/logs/").status_code == 200
    assert client.get("/api/v1/audit/logs/").status_code == 429
