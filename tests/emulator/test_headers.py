"""Header checks in front of the API and the 1-POST-per-second limit."""
import time

import requests

from tools.trakt_emulator import Emulator

from .conftest import Api


def _movie(catalog):
    return {'movies': [{'ids': {'trakt': catalog['movies'][0]['ids']['trakt']}}]}


def test_a_body_without_json_content_type_gets_412(emulator, api, catalog):
    answer = api.session.post(api.emulator.url + '/sync/history', data=b'{"movies": []}',
                              headers={'Content-Type': 'text/plain'}, timeout=5)
    assert answer.status_code == 412
    assert emulator.plays() == []


def test_missing_or_generic_user_agent_gets_cloudflare_html_403(emulator, api):
    for agent in ('', 'python-requests/2.32.0', 'Python-urllib/3.8'):
        answer = api.get('/sync/last_activities', headers={'User-Agent': agent})
        assert answer.status_code == 403
        assert answer.headers['Content-Type'].startswith('text/html')
        assert 'Sorry, you have been blocked' in answer.text
    assert requests.get(emulator.url + '/sync/last_activities', timeout=5).status_code == 403


def test_wrong_api_key_is_403_without_json_and_wrong_version_is_400(api):
    wrong_key = api.get('/sync/last_activities', headers={'trakt-api-key': 'someone-else'})
    assert wrong_key.status_code == 403 and wrong_key.content == b''
    assert api.get('/sync/last_activities', headers={'trakt-api-version': '1'}).status_code == 400


def test_sync_and_users_need_a_bearer_token(anonymous):
    assert anonymous.get('/sync/watched/movies').status_code == 401
    assert anonymous.get('/users/settings').status_code == 401
    assert anonymous.post('/sync/history', {'movies': []}).status_code == 401
    anonymous.session.headers['Authorization'] = 'Bearer not-a-token'
    assert anonymous.get('/sync/collection/movies').status_code == 401


def test_unknown_paths_and_methods(api):
    assert api.get('/sync/nothing').status_code == 404
    assert api.session.delete(api.emulator.url + '/sync/history', timeout=5).status_code == 405


def test_second_post_within_the_interval_is_429_and_changes_nothing(catalog):
    with Emulator(catalog=catalog, post_interval=0.3) as emu:
        api = Api(emu, emu.issue_token())
        assert api.post('/sync/history', _movie(catalog)).status_code == 201
        limited = api.post('/sync/history', _movie(catalog))
        assert limited.status_code == 429
        assert int(limited.headers['Retry-After']) >= 1
        assert requests.models.complexjson.loads(limited.headers['X-Ratelimit'])['remaining'] == 0
        assert len(emu.plays()) == 1
        assert api.get('/sync/watched/movies').status_code == 200  # GETs are not paced
        time.sleep(0.35)
        assert api.post('/sync/history', _movie(catalog)).status_code == 201
        assert len(emu.plays()) == 2


def test_request_log_hides_the_token(emulator, api):
    api.post('/sync/history', {'movies': []})
    record = emulator.requests[-1]
    assert record['method'] == 'POST' and record['path'] == '/sync/history'
    assert record['body'] == {'movies': []} and record['status'] == 201
    assert record['headers']['Authorization'] is True
    assert record['response']['added'] == {'movies': 0, 'episodes': 0}
    emulator.clear_requests()
    assert emulator.requests == []
