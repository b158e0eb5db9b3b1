"""Redirects are never followed on a write nor with the token to another host; only https addresses are used."""
import pytest

from tests.trakt.conftest import CLIENT_ID, CLIENT_SECRET
from tests.trakt.helpers import MemoryTokenStore
from tests.trakt.plain_server import RedirectServer
from traktsync.trakt import TraktClient, errors
from traktsync.trakt.transport import is_secure_url

TOKEN = {'access_token': 'd' * 40, 'refresh_token': 'r' * 40, 'created_at': 2000000000, 'expires_in': 7 * 86400}
MOVIE = {'type': 'movie', 'ids': {'trakt': 1}, 'watched_at': '2024-05-01T20:00:00.000Z'}


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
def test_a_redirected_write_is_an_error_naming_the_new_address(make_client, status):
    # requests would turn a 301/302 POST into a GET, whose list answer would pass for a confirmed batch.
    with RedirectServer({('POST', '/sync/history'): (status, '/sync/history/moved')}) as server:
        client = make_client(url=server.url, token=TOKEN)
        with pytest.raises(errors.Redirected) as info:
            list(client.add_history([MOVIE]))
    target = server.url + '/sync/history/moved'
    assert info.value.message == 'trakt redirected the request to {}; it was not sent there'.format(target)
    assert info.value.location == target and info.value.status == status and info.value.not_processed
    assert server.requests == [('POST', '/sync/history', 'Bearer ' + 'd' * 40)]      # sent once, never re-sent


def test_a_redirected_token_refresh_is_not_followed(make_client):
    with RedirectServer({('POST', '/oauth/token'): (302, '/oauth/elsewhere')}) as server:
        client = make_client(url=server.url, token=dict(TOKEN, created_at=1000, expires_in=3600))
        with pytest.raises(errors.Redirected):
            client.last_activities()
    assert [(method, path) for method, path, _ in server.requests] == [('POST', '/oauth/token')]


def test_a_read_is_not_redirected_with_the_token_to_another_host(make_client):
    with RedirectServer({}) as other:
        elsewhere = 'http://localhost:{}/sync/last_activities'.format(other.port)
        with RedirectServer({('GET', '/sync/last_activities'): (302, elsewhere)}) as server:
            client = make_client(url=server.url, token=TOKEN)
            with pytest.raises(errors.Redirected) as info:
                client.last_activities()
    assert info.value.location == elsewhere
    assert other.requests == [] and len(server.requests) == 1


def test_a_read_follows_a_redirect_on_the_same_host(make_client):
    with RedirectServer({('GET', '/users/settings'): (301, '/users/settings/')}, payload={'user': {}}) as server:
        client = make_client(url=server.url, token=TOKEN)
        assert client.user_settings() == {'user': {}}
    assert server.requests == [('GET', '/users/settings', 'Bearer ' + 'd' * 40),
                               ('GET', '/users/settings/', 'Bearer ' + 'd' * 40)]
    assert client.requests_made == 2


def test_a_redirect_loop_ends(make_client):
    with RedirectServer({('GET', '/users/settings'): (302, '/users/settings')}) as server:
        client = make_client(url=server.url, token=TOKEN)
        with pytest.raises(errors.Redirected):
            client.user_settings()
    assert len(server.requests) == 6


@pytest.mark.parametrize('field', ['api_url', 'oauth_url'])
@pytest.mark.parametrize('url', ['http://api.trakt.tv', 'http://192.168.1.5:8080', 'ftp://api.trakt.tv', 'api.trakt.tv',
                                 'http://localhost.example.org'])
def test_a_plain_http_address_is_refused_when_the_client_is_made(field, url):
    with pytest.raises(errors.InsecureAddress) as info:
        TraktClient('1.0', MemoryTokenStore(), CLIENT_ID, CLIENT_SECRET, **{field: url})
    setting = 'API address' if field == 'api_url' else 'sign-in address'
    assert info.value.message == 'the trakt {} must start with https:// (it is {}): check the add-on settings'.format(
        setting, url)
    assert isinstance(info.value, errors.ConfigurationError) and info.value.not_processed


@pytest.mark.parametrize('url', ['https://api.trakt.tv', 'HTTPS://auth.trakt.tv/', 'https://api.trakt.invalid',
                                 'http://127.0.0.1:8080', 'http://127.10.0.3', 'http://localhost:9', 'http://[::1]:81'])
def test_https_and_loopback_addresses_are_accepted(url):
    client = TraktClient('1.0', MemoryTokenStore(), CLIENT_ID, CLIENT_SECRET, api_url=url, oauth_url=url)
    client.close()
    assert is_secure_url(url)
