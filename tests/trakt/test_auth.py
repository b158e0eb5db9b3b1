"""OAuth against the emulator: the device flow, token refresh, sign-out."""
import time

import pytest

from tests.trakt.helpers import MemoryTokenStore
from traktsync.trakt import errors
from traktsync.trakt.auth import DeviceCode, OAuth


def _approve_after(emu, code_holder, polls):
    calls = []

    def should_cancel():
        calls.append(1)
        if len(calls) == polls:
            emu.approve(code_holder[0].user_code)
        return False
    return should_cancel


def _device_polls(emu):
    return [r['status'] for r in emu.requests if r['path'] == '/oauth/device/token']


def test_device_flow_pending_then_approved_stores_a_working_token(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    assert not client.is_authorized()
    code = client.start_device_auth()
    assert len(code.user_code) == 8 and code.verification_url.startswith('https://')
    assert 0 < code.seconds_left(client.oauth._now()) <= code.expires_in

    token = client.poll_device_token(code, should_cancel=_approve_after(emu, [code], polls=4))

    polls = _device_polls(emu)
    assert polls[-1] == 200 and 400 in polls[:-1] and set(polls[:-1]) == {400}
    assert client.store.token['access_token'] == token['access_token']
    assert client.store.token['refresh_token'] == token['refresh_token']
    assert client.is_authorized()
    assert 'movies' in client.last_activities()


def test_device_flow_cancel_stops_polling(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    code = client.start_device_auth()
    asked = []
    with pytest.raises(errors.AuthorizationCancelled):
        client.poll_device_token(code, should_cancel=lambda: asked.append(1) or len(asked) > 3)
    assert client.store.token is None


def test_device_flow_denied_418(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    code = client.start_device_auth()
    emu.deny(code.user_code)
    with pytest.raises(errors.AuthorizationDenied) as info:
        client.poll_device_token(code)
    assert info.value.status == 418 and client.store.token is None


def test_device_flow_unknown_code_404(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    real = client.start_device_auth()
    forged = DeviceCode('0' * 64, 'NOPE1234', real.verification_url, 600, 0, client.oauth._now() + 600)
    with pytest.raises(errors.DeviceCodeInvalid) as info:
        client.poll_device_token(forged)
    assert info.value.status == 404


def test_device_flow_code_used_twice_409(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    code = client.start_device_auth()
    emu.approve(code.user_code)
    client.poll_device_token(code)
    with pytest.raises(errors.DeviceCodeUsed) as info:
        client.poll_device_token(code)
    assert info.value.status == 409


def test_device_flow_expired_410_starts_again_with_a_new_code(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    shown = []

    def show_code(code):
        shown.append(code)
        if len(shown) == 1:
            emu.expire_device_code(code.user_code)
        else:
            emu.approve(code.user_code)

    token = client.authorize_device(show_code)
    assert len(shown) == 2 and shown[0].user_code != shown[1].user_code
    assert 410 in _device_polls(emu)
    assert client.store.token['access_token'] == token['access_token']


def test_device_flow_single_code_expired_410_is_typed(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    code = client.start_device_auth()
    emu.expire_device_code(code.user_code)
    with pytest.raises(errors.DeviceCodeExpired) as info:
        client.poll_device_token(code)
    assert info.value.status == 410


def test_device_flow_slow_down_429_increases_the_interval(make_emulator, make_client, vtime):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    code = client.start_device_auth()
    emu.inject('429', count=1, path_prefix='/oauth/device/token')
    holder = [code]
    client.poll_device_token(code, should_cancel=_approve_after(emu, holder, polls=6))
    polls = _device_polls(emu)
    assert polls[0] == 429 and polls[-1] == 200
    # After the 429 the client waits the advertised interval plus one second before asking again.
    assert sum(vtime.sleeps) >= code.interval + 1


def test_refresh_before_expiry_stores_both_new_tokens(make_emulator, make_client):
    emu = make_emulator()
    old = emu.issue_token(expires_in=3600, created_at=time.time() - 7200)
    client = make_client(emu, token=old)
    client.last_activities()
    paths = [(r['path'], r['status']) for r in emu.requests]
    assert paths == [('/oauth/token', 200), ('/sync/last_activities', 200)]
    new = client.store.token
    assert new['access_token'] != old['access_token'] and new['refresh_token'] != old['refresh_token']
    assert len(client.store.saves) == 1


@pytest.mark.parametrize('lifetime', [86400, 3600])
def test_short_lived_tokens_are_not_refreshed_before_every_request(make_emulator, make_client, vtime, lifetime):
    emu = make_emulator()
    token = emu.issue_token(expires_in=lifetime, created_at=int(time.time()))
    client = make_client(emu, token=token)
    client.last_activities()
    client.last_activities()
    assert [r['path'] for r in emu.requests] == ['/sync/last_activities'] * 2   # right after sign-in
    vtime.offset += lifetime / 2.0 - 120                                      # still before half the lifetime
    client.last_activities()
    assert not [r for r in emu.requests if r['path'] == '/oauth/token']
    vtime.offset += 240                                                       # past half the lifetime
    client.last_activities()
    assert [r['path'] for r in emu.requests][3:] == ['/oauth/token', '/sync/last_activities']
    assert client.store.token['access_token'] != token['access_token'] and len(client.store.saves) == 1


def test_refresh_margin_is_a_day_or_half_the_lifetime():
    oauth = OAuth(None, 'id', 'secret', MemoryTokenStore())
    assert oauth.margin_for({'expires_in': 7776000}) == 86400     # trakt's 3-month tokens: a day early
    assert oauth.margin_for({'expires_in': 86400}) == 43200
    assert oauth.margin_for({'expires_in': 3600}) == 1800
    assert oauth.margin_for({}) == 86400                          # unknown lifetime: a day
    assert oauth.margin_for({'expires_in': 'soon'}) == 86400


def test_unknown_access_token_gets_one_refresh_on_401(make_emulator, make_client):
    emu = make_emulator()
    real = emu.issue_token()
    stale = dict(real, access_token='f' * 64)  # a token the emulator no longer knows
    client = make_client(emu, token=stale)
    assert client.user_settings()['user']['username']
    statuses = [(r['path'], r['status']) for r in emu.requests]
    assert statuses == [('/users/settings', 401), ('/oauth/token', 200), ('/users/settings', 200)]
    assert client.store.token['refresh_token'] != real['refresh_token']
    assert client.store.token['access_token'] not in (real['access_token'], stale['access_token'])


def test_401_after_a_refresh_is_authorization_expired(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu)
    emu.inject('status:401', count=2, path_prefix='/sync/last_activities')
    with pytest.raises(errors.AuthorizationExpired) as info:
        client.last_activities()
    assert [r['path'] for r in emu.requests].count('/oauth/token') == 1
    assert info.value.not_processed


def test_revoked_tokens_end_in_reauthorization_required(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu)
    emu.revoke_all_tokens()
    with pytest.raises(errors.ReauthorizationRequired) as info:
        client.watched_movies()
    assert 'authorize' in info.value.message
    assert isinstance(info.value, errors.AuthorizationExpired)


def test_invalid_grant_on_expired_token_asks_to_authorize_again(make_emulator, make_client):
    emu = make_emulator()
    token = emu.issue_token(expires_in=60, created_at=time.time() - 3600)
    client = make_client(emu, token=dict(token, refresh_token='not-a-refresh-token-at-all'))
    with pytest.raises(errors.ReauthorizationRequired):
        client.last_activities()
    assert [r['status'] for r in emu.requests] == [400]
    assert client.store.saves == []


def test_not_authorized_without_a_token(make_emulator, make_client):
    emu = make_emulator()
    client = make_client(emu, store=MemoryTokenStore())
    with pytest.raises(errors.NotAuthorized):
        client.last_activities()
    assert emu.requests == []


def test_sign_out_revokes_the_token_and_clears_the_store(make_emulator, make_client):
    emu = make_emulator()
    token = emu.issue_token()
    client = make_client(emu, token=token)
    assert client.sign_out() is True
    assert client.store.token is None
    other = make_client(emu, token=token)
    with pytest.raises(errors.AuthorizationExpired):
        other.last_activities()


def test_wrong_client_secret_is_a_configuration_error(make_emulator, make_client):
    from traktsync.trakt import TraktClient
    emu = make_emulator()
    good = make_client(emu, store=MemoryTokenStore())
    code = good.start_device_auth()
    emu.approve(code.user_code)
    wrong = TraktClient('9.8.7', MemoryTokenStore(), good.oauth.client_id, 'not-the-secret-of-this-app',
                        api_url=emu.url, oauth_url=emu.url, sleep=lambda s: None)
    with pytest.raises(errors.InvalidClient) as info:
        wrong.poll_device_token(code)
    assert 'client id or secret' in info.value.message
    wrong.close()
