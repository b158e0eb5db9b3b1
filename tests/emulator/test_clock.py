"""The emulator's virtual clock: every "now" it uses comes from ``Emulator(clock=...)``."""
import pytest

from tests.emulator.helpers import inprocess_session as _session
from tools.trakt_emulator.inprocess import InProcessEmulator
from tools.trakt_emulator.timeutil import ManualClock

START = '2030-01-01T12:00:30Z'


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def emu(catalog, clock):
    with InProcessEmulator(catalog=catalog, post_interval=0, device_interval=0, clock=clock) as emulator:
        yield emulator




def test_plays_without_a_date_and_last_activities_use_the_clock(emu, clock, catalog):
    assert emu.last_activities()['all'] == '2030-01-01T12:00:30.000Z'
    session = _session(emu, emu.issue_token())
    clock.advance(60)
    answer = session.post(emu.url + '/sync/history', json={'movies': [{'ids': catalog['movies'][0]['ids']}]})
    assert answer.status_code == 201
    assert emu.plays()[0]['watched_at'] == '2030-01-01T12:01:00.000Z'
    assert emu.last_activities()['movies']['watched_at'] == '2030-01-01T12:01:30.000Z'
    assert emu.requests[-1]['time'] == clock()


def test_tokens_live_and_expire_on_the_clock(emu, clock):
    token = emu.issue_token(expires_in=3600)
    assert token['created_at'] == int(clock())
    session = _session(emu, token)
    assert session.get(emu.url + '/sync/last_activities').status_code == 200
    clock.advance(3600)
    assert session.get(emu.url + '/sync/last_activities').status_code == 401


def test_device_codes_expire_on_the_clock(emu, clock):
    session = _session(emu)
    code = session.post(emu.url + '/oauth/device/code', json={'client_id': emu.client_id}).json()
    poll = {'code': code['device_code'], 'client_id': emu.client_id, 'client_secret': emu.client_secret}
    assert session.post(emu.url + '/oauth/device/token', json=poll).status_code == 400
    clock.advance(code['expires_in'])
    assert session.post(emu.url + '/oauth/device/token', json=poll).status_code == 410


def test_the_post_pacing_follows_the_clock(catalog, clock):
    body = {'movies': [{'ids': catalog['movies'][0]['ids']}]}
    with InProcessEmulator(catalog=catalog, post_interval=1.0, clock=clock) as emu:
        session = _session(emu, emu.issue_token())
        assert session.post(emu.url + '/sync/history', json=body).status_code == 201
        assert session.post(emu.url + '/sync/history', json=body).status_code == 429  # the clock stood still
        clock.advance(1)
        assert session.post(emu.url + '/sync/history', json=body).status_code == 201


def test_without_a_post_interval_a_still_clock_never_paces(emu, catalog):
    session = _session(emu, emu.issue_token())
    body = {'movies': [{'ids': catalog['movies'][0]['ids']}]}
    assert [session.post(emu.url + '/sync/history', json=body).status_code for _ in range(5)] == [201] * 5
    assert emu.play_count('movie', catalog['movies'][0]['ids']['trakt']) == 5
