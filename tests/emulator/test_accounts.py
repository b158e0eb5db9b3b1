"""Several accounts: tokens belong to one, every /sync/* and /users/settings request acts on the token's account."""
import pytest
import requests

from tests.emulator.helpers import inprocess_session as _session
from tools.trakt_emulator import Emulator
from tools.trakt_emulator.inprocess import InProcessEmulator
from tools.trakt_emulator.timeutil import ManualClock


def _credentials(emu):
    return {'client_id': emu.client_id, 'client_secret': emu.client_secret}


def _device_token(emu, session, approve=None):
    code = session.post(emu.url + '/oauth/device/code', json={'client_id': emu.client_id}).json()
    if approve is not None:
        emu.approve(code['user_code'], **approve)
    answer = session.post(emu.url + '/oauth/device/token', json=dict(_credentials(emu), code=code['device_code']))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_settings_name_the_account_of_the_token(inprocess):
    assert inprocess.add_account('bob') == 'bob'
    assert inprocess.usernames() == [inprocess.username, 'bob']
    default = _session(inprocess, inprocess.issue_token()).get(inprocess.url + '/users/settings').json()['user']
    bob = _session(inprocess, inprocess.issue_token(username='bob')).get(inprocess.url + '/users/settings').json()
    assert default['username'] == inprocess.username == 'emulator-user'
    assert bob['user']['username'] == 'bob' and bob['user']['ids']['slug'] == 'bob'
    assert bob['user']['ids']['uuid'] != default['ids']['uuid']
    assert bob['user']['ids']['trakt'] != default['ids']['trakt']
    assert bob['limits'] == inprocess.limits


def test_writes_and_reads_act_on_the_tokens_account_only(inprocess, make_trakt_client, catalog):
    inprocess.add_account('bob')
    movie = catalog['movies'][0]['ids']['trakt']
    default_before = inprocess.last_activities()
    bob = make_trakt_client(inprocess, token=inprocess.issue_token(username='bob'))
    list(bob.add_history([{'type': 'movie', 'ids': {'trakt': movie}, 'watched_at': '2024-01-01T10:00:00Z'}]))
    list(bob.add_collection([{'type': 'movie', 'ids': {'trakt': movie}, 'collected_at': '2024-01-01T10:00:00Z'}]))
    assert inprocess.play_count('movie', movie, username='bob') == 1
    assert len(inprocess.collection(username='bob')) == 1
    assert inprocess.plays() == [] and inprocess.collection() == []
    assert inprocess.last_activities() == default_before
    assert bob.last_activities() == inprocess.last_activities(username='bob') != default_before
    assert [item['movie']['ids']['trakt'] for item in bob.watched_movies()] == [movie]
    default = make_trakt_client(inprocess)
    assert default.watched_movies() == [] and default.collection_movies() == []
    inprocess.add_play('movie', movie, '2023-01-01T10:00:00Z')
    assert len(default.watched_movies()) == 1 and bob.watched_movies()[0]['plays'] == 1


def test_seeding_helpers_take_a_username(inprocess, catalog):
    inprocess.add_account('bob')
    show = catalog['shows'][0]
    episode = show['seasons'][0]['episodes'][0]['ids']['trakt']
    inprocess.add_play('episode', episode, '2024-01-01T10:00:00Z', username='bob')
    inprocess.collect('episode', episode, '2024-01-01T10:00:00Z', {'resolution': 'hd_1080p'}, username='bob')
    inprocess.set_reset_at(show['ids']['trakt'], '2024-01-02T10:00:00Z', username='bob')
    data = inprocess.account_data(username='bob')
    assert data['username'] == 'bob' and len(data['plays']) == 1
    assert data['reset_at'] == {str(show['ids']['trakt']): '2024-01-02T10:00:00.000Z'}
    assert inprocess.account['reset_at'] == {} and inprocess.account['plays'] == []
    with pytest.raises(KeyError):
        inprocess.plays(username='carol')
    with pytest.raises(ValueError):
        inprocess.add_account('bob')


def test_the_device_flow_signs_in_as_the_approving_account(inprocess):
    inprocess.add_account('bob')
    session = _session(inprocess)
    token = _device_token(inprocess, session, approve={'username': 'bob'})
    session.headers['Authorization'] = 'Bearer ' + token['access_token']
    assert session.get(inprocess.url + '/users/settings').json()['user']['username'] == 'bob'
    default = _device_token(inprocess, _session(inprocess), approve={})
    assert _session(inprocess, default).get(inprocess.url + '/users/settings').json()['user']['username'] == (
        inprocess.username)


def test_auto_approve_signs_in_as_the_device_user(inprocess):
    inprocess.add_account('bob')
    inprocess.auto_approve = True
    assert inprocess.device_user == inprocess.username
    inprocess.device_user = 'bob'
    token = _device_token(inprocess, _session(inprocess))
    assert _session(inprocess, token).get(inprocess.url + '/users/settings').json()['user']['username'] == 'bob'
    with pytest.raises(KeyError):
        inprocess.device_user = 'carol'


def test_a_refresh_keeps_the_account(inprocess):
    inprocess.add_account('bob')
    old = inprocess.issue_token(username='bob')
    session = _session(inprocess)
    answer = session.post(inprocess.url + '/oauth/token', json=dict(
        _credentials(inprocess), refresh_token=old['refresh_token'], grant_type='refresh_token',
        redirect_uri='urn:ietf:wg:oauth:2.0:oob'))
    assert answer.status_code == 200
    assert _session(inprocess, answer.json()).get(inprocess.url + '/users/settings').json()['user']['username'] == 'bob'
    assert answer.json()['access_token'] in inprocess.account_data(username='bob')['tokens']


def test_limits_and_the_post_pacing_are_per_account(catalog):
    clock = ManualClock('2030-01-01T00:00:00Z')
    with InProcessEmulator(catalog=catalog, post_interval=30, clock=clock) as emu:
        emu.add_account('bob', limits=dict(emu.limits, collection={'item_count': 1}))
        body = {'movies': [{'ids': catalog['movies'][0]['ids']}, {'ids': catalog['movies'][1]['ids']}]}
        default, bob = _session(emu, emu.issue_token()), _session(emu, emu.issue_token(username='bob'))
        assert bob.post(emu.url + '/sync/collection', json=body).status_code == 420
        assert default.post(emu.url + '/sync/collection', json=body).status_code == 201  # bob's POST paces bob only
        assert default.post(emu.url + '/sync/collection', json=body).status_code == 429
        assert bob.get(emu.url + '/users/settings').json()['limits']['collection'] == {'item_count': 1}
        assert emu.account_limits('bob')['collection'] == {'item_count': 1}
        emu.set_limits(dict(emu.limits, collection={'item_count': 5}), username='bob')
        clock.advance(30)
        assert bob.post(emu.url + '/sync/collection', json=body).status_code == 201


def test_the_state_file_keeps_every_account(tmp_path, catalog):
    path = str(tmp_path / 'state.json')
    movie = catalog['movies'][0]['ids']['trakt']
    first = Emulator(catalog=catalog, state_path=path)
    first.add_account('bob')
    first.add_play('movie', movie, '2024-01-01T10:00:00Z', username='bob')
    token = first.issue_token(username='bob')
    again = Emulator(state_path=path)
    assert again.usernames() == ['emulator-user', 'bob']
    assert again.play_count('movie', movie, username='bob') == 1 and again.plays() == []
    with again:
        answer = requests.get(again.url + '/users/settings', timeout=5, headers={
            'User-Agent': 'Tests/1', 'trakt-api-key': again.client_id, 'trakt-api-version': '2',
            'Authorization': 'Bearer ' + token['access_token']})
        assert answer.json()['user']['username'] == 'bob'
