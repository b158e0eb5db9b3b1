"""Every injectable fault, as a client would meet it."""
import pytest
import requests


def _one_movie(catalog):
    return {'movies': [{'ids': {'trakt': catalog['movies'][0]['ids']['trakt']}}]}


@pytest.mark.parametrize('status', [500, 502, 423, 426])
def test_status_faults_answer_once_then_the_real_answer(emulator, api, status):
    emulator.inject('status:{}'.format(status))
    assert api.get('/sync/last_activities').status_code == status
    assert api.get('/sync/last_activities').status_code == 200


def test_cloudflare_520_is_html_and_423_names_the_locked_account(emulator, api):
    emulator.inject('status:520')
    emulator.inject('status:423')
    answer = api.get('/sync/last_activities')
    assert answer.status_code == 520 and answer.headers['Content-Type'].startswith('text/html')
    assert api.get('/sync/last_activities').headers['X-Account-Locked'] == 'true'


def test_429_with_and_without_retry_after(emulator, api):
    emulator.inject('429')
    emulator.inject('429', retry_after=None)
    first = api.get('/sync/watched/movies')
    assert first.status_code == 429 and first.headers['Retry-After'] == '1'
    second = api.get('/sync/watched/movies')
    assert second.status_code == 429 and 'Retry-After' not in second.headers
    assert 'X-Ratelimit' not in second.headers


def test_420_has_an_empty_body_and_no_limit_headers(emulator, api, catalog):
    emulator.inject('420', method='POST')
    answer = api.post('/sync/collection', _one_movie(catalog))
    assert answer.status_code == 420 and answer.content == b''
    assert not [name for name in answer.headers if name.lower().startswith('x-')]
    assert emulator.collection() == []


def test_html403_and_malformed(emulator, api):
    emulator.inject('html403')
    emulator.inject('malformed')
    blocked = api.get('/sync/watched/movies')
    assert blocked.status_code == 403 and 'Sorry, you have been blocked' in blocked.text
    broken = api.get('/sync/watched/movies')
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()


def test_faults_filter_by_method_and_path_and_count(emulator, api, catalog):
    emulator.inject('status:503', count=2, method='GET', path_prefix='/sync/collection')
    assert api.get('/sync/watched/movies').status_code == 200
    assert api.post('/sync/collection', _one_movie(catalog)).status_code == 201
    assert [api.get('/sync/collection/movies').status_code for _ in range(3)] == [503, 503, 200]


@pytest.mark.parametrize('apply, plays', [(True, 1), (False, 0)])
def test_timeout_holds_the_connection_and_may_or_may_not_apply_the_post(emulator, api, catalog, apply, plays):
    emulator.inject('timeout', method='POST', hold=1.0, apply=apply)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post('/sync/history', _one_movie(catalog), timeout=0.3)
    assert len(emulator.plays()) == plays
    assert emulator.requests[-1]['status'] is None
    assert api.post('/sync/history', _one_movie(catalog)).status_code == 201


def test_an_unknown_fault_kind_is_refused(emulator):
    with pytest.raises(ValueError):
        emulator.inject('explode')


def test_over_http_a_write_committed_after_the_timeout_shows_later(catalog):
    from tests.emulator.conftest import Api
    from tools.trakt_emulator import Emulator
    from tools.trakt_emulator.timeutil import ManualClock
    clock = ManualClock('2030-01-01T00:00:00Z')
    with Emulator(catalog=catalog, post_interval=0, clock=clock) as emu:
        api = Api(emu, emu.issue_token())
        emu.inject('timeout', method='POST', hold=0.5, commit='after', visible_after=10)
        with pytest.raises(requests.exceptions.ReadTimeout):
            api.post('/sync/history', _one_movie(catalog), timeout=0.2)
        assert emu.plays() == [] and api.get('/sync/watched/movies').json() == []
        clock.advance(10)
        assert len(api.get('/sync/watched/movies').json()) == 1 and len(emu.plays()) == 1
        api.close()
