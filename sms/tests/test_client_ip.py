"""The client's address behind a TLS proxy (SMS_TRUSTED_PROXIES): what audit entries, history rows
and per-address rate limits see, and why a client cannot choose it by sending X-Forwarded-For."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditLog
from sms import context
from sms.middleware import RequestContextMiddleware, client_ip
from sms.settings.base import env_networks

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def ip_of(remote_addr, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr} if remote_addr is not None else {}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **headers)
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    return client_ip(request)


def test_without_trusted_proxies_the_peer_is_the_client_and_the_header_is_ignored(settings):
    settings.SMS_TRUSTED_PROXIES = []
    assert ip_of("198.51.100.7") == "198.51.100.7"
    assert ip_of("198.51.100.7", forwarded="203.0.113.66") == "198.51.100.7"  # forged by the client


def test_behind_a_trusted_proxy_the_client_is_the_hop_the_proxy_appended(settings):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    assert ip_of(PROXY, forwarded="198.51.100.7") == "198.51.100.7"
    # The client sent its own header first; the proxy appended the address it saw: the right-most wins.
    assert ip_of(PROXY, forwarded="203.0.113.66, 127.0.0.1, 198.51.100.7") == "198.51.100.7"
    assert ip_of(PROXY) == PROXY  # a request the proxy did not forward (a health check)


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.SMS_TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.5"]
    assert ip_of(PROXY, forwarded="203.0.113.66, 198.51.100.7, 192.168.1.5, 10.2.3.4") == "198.51.100.7"
    assert ip_of(PROXY, forwarded="10.9.9.9, 10.2.3.4") == "10.9.9.9"  # nobody outside: the farthest proxy


def test_a_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(settings):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    assert ip_of("198.51.100.7", forwarded="10.0.0.1") == "198.51.100.7"
    assert ip_of("198.51.100.7", forwarded="203.0.113.66, 10.0.0.1") == "198.51.100.7"


@pytest.mark.parametrize("forwarded", [
    "garbage", "<script>", "198.51.100.7:443", "999.1.1.1", "", " , ", "fe80::1%eth0", "1.2.3.4\x00",
])
def test_a_malformed_hop_ends_the_walk_at_the_last_trusted_proxy(settings, forwarded):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    assert ip_of(PROXY, forwarded=forwarded) == PROXY
    # What lies left of a malformed hop was written by the client: never believed.
    assert ip_of(PROXY, forwarded=f"203.0.113.66, {forwarded}") == PROXY


def test_addresses_are_normalised_and_a_missing_or_malformed_peer_is_unknown(settings):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    assert ip_of("::ffff:10.0.0.1", forwarded="::ffff:198.51.100.7") == "198.51.100.7"
    assert ip_of(PROXY, forwarded=" 2001:DB8::1 ") == "2001:db8::1"
    assert ip_of(None) is None
    assert ip_of("unix-socket") is None  # stored as no address rather than failing the audit write


def test_a_malformed_trusted_proxy_setting_stops_the_start_up_naming_the_entry(monkeypatch):
    monkeypatch.setenv("SMS_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, proxy.local")
    with pytest.raises(ImproperlyConfigured, match="SMS_TRUSTED_PROXIES: 'proxy.local' is not an IP address"):
        env_networks("SMS_TRUSTED_PROXIES")
    monkeypatch.setenv("SMS_TRUSTED_PROXIES", " 127.0.0.1 ,10.1.2.3/8")
    assert env_networks("SMS_TRUSTED_PROXIES") == ["127.0.0.1/32", "10.0.0.0/8"]
    monkeypatch.delenv("SMS_TRUSTED_PROXIES")
    assert env_networks("SMS_TRUSTED_PROXIES") == []


@pytest.mark.django_db
def test_audit_entries_and_history_rows_record_the_client_behind_the_proxy(settings, admin_user, student):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    Client().post(reverse("login"), {"username": "admin_user", "password": "wrong"},
                  REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7", HTTP_X_REQUEST_ID="via-proxy")
    assert AuditLog.objects.get(request_id="via-proxy").ip_address == "198.51.100.7"
    client = APIClient()
    client.force_authenticate(admin_user)
    client.patch(f"/api/v1/students/{student.pk}/", {"first_name": "Eleni"}, format="json",
                 REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8", HTTP_X_REQUEST_ID="edit-via-proxy")
    row = student.history.get(history_request_id="edit-via-proxy")
    assert (row.first_name, row.history_ip_address) == ("Eleni", "198.51.100.8")


@pytest.mark.django_db
def test_the_per_address_sign_in_limit_counts_each_client_behind_the_proxy(settings):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    settings.SMS_LOGIN_RATE_LIMITS = {"ip": "2/m", "username": "100/m"}

    def attempt(forwarded, remote=PROXY):
        return Client().post(reverse("login"), {"username": "someone", "password": "wrong"},
                             REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [attempt("198.51.100.7") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.8") == 200  # another pupil's home behind the same proxy is not blocked
    # A client that is not the proxy cannot escape its own limit by inventing addresses.
    assert [attempt(f"203.0.113.{n}", remote="198.51.100.9") for n in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_the_anonymous_api_limit_counts_the_client_behind_the_proxy(settings):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    settings.SMS_API_RATE_LIMITS = {"read": "1/m", "write": "1/m", "auth": "1/m"}
    client = APIClient()
    for address, expected in (("198.51.100.7", 401), ("198.51.100.7", 429), ("198.51.100.8", 401)):
        assert client.get("/api/v1/students/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address).status_code == (
            expected)


def test_the_request_context_carries_the_client_behind_the_proxy(settings):
    settings.SMS_TRUSTED_PROXIES = [PROXY]
    seen = {}

    def view(request):
        seen["ip"] = context.current().ip_address
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"))
    assert seen["ip"] == "198.51.100.7"
