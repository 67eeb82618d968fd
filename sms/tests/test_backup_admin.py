"""The backups page in the admin site: admins only, POST + CSRF, a message for every outcome, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditLog
from conftest import make_student, make_user
from sms import roles
from sms.backup import services
from students.models import Student

PAGE = reverse("admin-backups")


@pytest.fixture(autouse=True)
def backup_settings(settings, tmp_path):
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    settings.SMS_BACKUP_KEY_FILE = tmp_path / "keys" / "master.key"
    yield
    translation.activate(settings.LANGUAGE_CODE)  # a Greek request leaves Greek active in this thread


def signed_in(role):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role, f"backup_{role}", is_staff=role == roles.ADMIN))
    return client


def operation_urls(backup_id="20260101T000000Z-abcdef"):
    return [
        ("post", reverse("admin-backups-create")),
        ("post", reverse("admin-backups-verify", args=[backup_id])),
        ("get", reverse("admin-backups-restore", args=[backup_id])),
        ("post", reverse("admin-backups-restore", args=[backup_id])),
        ("post", reverse("admin-backups-prune")),
        ("post", reverse("admin-backups-rotate-key")),
    ]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_the_admin_index_links_to_the_backups_page():
    assert PAGE in signed_in(roles.ADMIN).get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.TEACHER, roles.VIEWER])
def test_teachers_and_viewers_get_403_everywhere_and_the_attempt_is_logged(role, settings):
    client = signed_in(role)
    for method, url in [("get", PAGE), *operation_urls()]:
        assert getattr(client, method)(url, {"keep": "1", "confirm": "yes"}).status_code == 403, url
    assert AuditLog.objects.filter(action="permission_denied", entity_type="backup").count() == 7
    assert not settings.SMS_BACKUP_DIR.exists() and not settings.SMS_BACKUP_KEY_FILE.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(PAGE)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_operations_refuse_get_and_a_post_without_the_csrf_token():
    client = signed_in(roles.ADMIN)
    assert client.get(reverse("admin-backups-create")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(roles.ADMIN, "strict_admin", is_staff=True))
    assert strict.post(reverse("admin-backups-create")).status_code == 403
    assert strict.post(reverse("admin-backups-rotate-key")).status_code == 403
    assert services.list_backups() == []


@pytest.mark.django_db
def test_the_empty_page_explains_and_offers_every_operation():
    text = signed_in(roles.ADMIN).get(PAGE).content.decode()
    for url in ("admin-backups-create", "admin-backups-prune", "admin-backups-rotate-key"):
        assert reverse(url) in text
    assert "No backups yet." in text and "csrfmiddlewaretoken" in text
    assert AuditLog.objects.get(changes__operation="backup_list").changes["count"] == 0
    assert "<style" not in text and "<script>" not in text  # the Content-Security-Policy allows neither inline


@pytest.mark.django_db(transaction=True)
def test_an_admin_creates_verifies_and_sees_each_backups_status():
    client = signed_in(roles.ADMIN)
    response = client.post(reverse("admin-backups-create"), follow=True)
    made = services.list_backups()[0]
    assert f"Backup {made['id']} was created" in messages_of(response)[0]
    assert f'id="backup-{made["id"]}"' in response.content.decode() and "not verified yet" in response.content.decode()
    response = client.post(reverse("admin-backups-verify", args=[made["id"]]), follow=True)
    assert messages_of(response) == [f"Backup {made['id']} is intact: every part decrypts and authenticates."]
    assert ">verified<" in response.content.decode()
    assert AuditLog.objects.filter(action="backup_create", entity_id=made["id"], username="backup_admin").exists()
    listed = AuditLog.objects.filter(changes__operation="backup_list", username="backup_admin").latest("pk")
    assert listed.changes["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_restore_asks_for_confirmation_and_then_restores():
    client = signed_in(roles.ADMIN)
    make_student(first_name="Nikos")
    client.post(reverse("admin-backups-create"))
    backup_id = services.list_backups()[0]["id"]
    make_student(first_name="Added after")
    url = reverse("admin-backups-restore", args=[backup_id])
    page = client.get(url)
    assert page.status_code == 200 and 'name="confirm" value="yes"' in page.content.decode()
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 200 and messages_of(unconfirmed) == [
        "Confirm the restore with the button on this page."]
    assert Student.objects.filter(first_name="Added after").exists()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Student.objects.filter(first_name="Added after").exists()
    assert Student.objects.filter(first_name="Nikos").exists()
    assert f"Backup {backup_id} was restored" in messages_of(response)[0]
    assert AuditLog.objects.filter(action="backup_restore", entity_id=backup_id, success=True).exists()


@pytest.mark.django_db(transaction=True)
def test_restoring_a_backup_taken_before_the_admin_signed_in_ends_the_session_without_an_error():
    make_student(first_name="Nikos")
    backup_id = services.create()["id"]
    client = signed_in(roles.ADMIN)  # the session and the user exist only after the backup
    response = client.post(reverse("admin-backups-restore", args=[backup_id]), {"confirm": "yes"})
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 302  # to the sign-in page: that user is not in the restored data


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_with_a_message_and_nothing_changes():
    client = signed_in(roles.ADMIN)
    make_student(first_name="Nikos")
    made = services.create()
    path = services.backup_dir() / f"{made['id']}{services.SUFFIX}"
    path.write_bytes(path.read_bytes()[:-1])
    make_student(first_name="Added after")
    for url in (reverse("admin-backups-verify", args=[made["id"]]), reverse("admin-backups-restore", args=[made["id"]])):
        response = client.post(url, {"confirm": "yes"}, follow=True)
        assert response.status_code == 200 and "checksum" in messages_of(response)[0]
    assert Student.objects.filter(first_name="Added after").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("backup_id", ["nope", "20990101T000000Z-000000", "..", "%00"])
def test_an_unknown_backup_id_gives_a_message_not_an_error(backup_id):
    client = signed_in(roles.ADMIN)
    for method, url in operation_urls(backup_id)[1:4]:
        response = getattr(client, method)(url, {"confirm": "yes"}, follow=True)
        assert response.status_code == 200, url
        assert response.redirect_chain[-1][0] == PAGE
        assert any("backup" in message for message in messages_of(response))


@pytest.mark.django_db
@pytest.mark.parametrize("keep", ["0", "-3", "abc", "", "1.5", "99999999999999999999"])
def test_prune_with_bad_input_says_what_to_do(keep):
    response = signed_in(roles.ADMIN).post(reverse("admin-backups-prune"), {"keep": keep}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == ["Keep at least one backup: give a whole number of 1 or more."]
    assert not AuditLog.objects.filter(changes__operation="backup_prune").exists()


@pytest.mark.django_db(transaction=True)
def test_prune_and_rotate_key_from_the_page():
    client = signed_in(roles.ADMIN)
    made = [services.create()["id"] for _ in range(3)]
    response = client.post(reverse("admin-backups-prune"), {"keep": "2"}, follow=True)
    assert messages_of(response) == ["Deleted 1 backup; the 2 newest are kept."]
    assert [item["id"] for item in services.list_backups()] == made[:0:-1]
    response = client.post(reverse("admin-backups-rotate-key"), follow=True)
    new_key = services.list_backups()[0]["key_id"]
    assert messages_of(response) == [
        f"New master key {new_key}; the data keys of 2 backups were re-wrapped with it."]
    assert AuditLog.objects.filter(action="key_rotate", entity_id=new_key, username="backup_admin").exists()


@pytest.mark.django_db
def test_a_key_file_inside_the_backup_directory_is_shown_not_a_500(settings):
    settings.SMS_BACKUP_KEY_FILE = settings.SMS_BACKUP_DIR / "master.key"
    settings.SMS_BACKUP_DIR.mkdir()
    client = signed_in(roles.ADMIN)
    assert "inside SMS_BACKUP_DIR" in client.get(PAGE).content.decode()
    response = client.post(reverse("admin-backups-rotate-key"), follow=True)
    assert response.status_code == 200 and "inside SMS_BACKUP_DIR" in messages_of(response)[0]


@pytest.mark.django_db
def test_the_page_and_its_messages_are_in_greek_for_greek_readers():
    client = signed_in(roles.ADMIN)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Κρυπτογραφημένα αντίγραφα ασφαλείας" in page and "Δεν υπάρχουν ακόμη αντίγραφα." in page
    response = client.post(reverse("admin-backups-prune"), {"keep": "0"}, follow=True, HTTP_ACCEPT_LANGUAGE="el")
    assert "Κρατήστε τουλάχιστον ένα αντίγραφο" in messages_of(response)[0]
    response = client.post(reverse("admin-backups-verify", args=["nope"]), follow=True, HTTP_ACCEPT_LANGUAGE="el")
    assert "Δεν υπάρχει αντίγραφο «nope»" in messages_of(response)[0]
