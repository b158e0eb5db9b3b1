"""The emulator without sockets: the add-on's real TraktClient over InProcessEmulator.session()."""
import time

import pytest
import requests

from tools.trakt_emulator.inprocess import InProcessEmulator
from traktsync.trakt import errors


def _movie_items(catalog, count, when='2024-05-01T20:00:00.000Z'):
    return [{'type': 'movie', 'ids': {'trakt': movie['ids']['trakt']}, 'watched_at': when}
            for movie in catalog['movies'][:count]]


def test_the_real_client_reads_last_activities_and_settings(inprocess, make_trakt_client):
    client = make_trakt_client(inprocess)
    assert client.last_activities() == inprocess.last_activities()
    assert client.user_settings()['user']['username'] == inprocess.account['username']
    assert inprocess.requests[-1]['path'] == '/users/settings' and inprocess.requests[-1]['status'] == 200


def test_a_paged_read_follows_the_pagination_headers(inprocess, make_trakt_client, catalog):
    for movie in catalog['movies']:
        inprocess.add_play('movie', movie['ids']['trakt'], '2024-01-01T10:00:00Z')
    client = make_trakt_client(inprocess, watched_page_limit=4)
    watched = client.watched_movies()
    assert sorted(item['movie']['ids']['trakt'] for item in watched) == sorted(
        movie['ids']['trakt'] for movie in catalog['movies'])
    reads = [r for r in inprocess.requests if r['path'] == '/sync/watched/movies']
    assert [r['query']['page'] for r in reads] == ['1', '2']
    assert reads[0]['response_headers']['X-Pagination-Page-Count'] == '2'


def test_writes_go_through_and_the_response_is_a_real_one(inprocess, make_trakt_client, catalog):
    client = make_trakt_client(inprocess)
    [(batch, result)] = list(client.add_history(_movie_items(catalog, 3)))
    assert len(batch) == 3 and result.status == 201
    assert len(inprocess.plays('movie')) == 3
    response = inprocess.session().get(inprocess.url + '/sync/last_activities',
                                       headers={'User-Agent': 'Tests/1', 'trakt-api-key': inprocess.client_id,
                                                'trakt-api-version': '2'})
    assert response.status_code == 401 and response.reason == 'Unauthorized'
    assert response.url == inprocess.url + '/sync/last_activities'
    assert response.request.method == 'GET'


def test_the_same_pipeline_as_over_http(inprocess):
    session = inprocess.session()
    blocked = session.get(inprocess.url + '/sync/last_activities')  # python-requests' own User-Agent
    assert blocked.status_code == 403 and 'Sorry, you have been blocked' in blocked.text
    assert blocked.encoding.lower() == 'utf-8'
    not_json = session.post(inprocess.url + '/sync/history', data=b'x',
                            headers={'User-Agent': 'Tests/1', 'Content-Type': 'text/plain'})
    assert not_json.status_code == 412
    assert session.get(inprocess.url + '/nowhere', headers={'User-Agent': 'Tests/1'}).status_code == 404
    assert [r['status'] for r in inprocess.requests] == [403, 412, 404]


def test_the_post_pacing_applies_in_process(catalog, make_trakt_client):
    with InProcessEmulator(catalog=catalog, post_interval=30) as emu:
        client = make_trakt_client(emu)
        list(client.add_history(_movie_items(catalog, 1)))
        with pytest.raises(errors.RateLimited):
            list(client.add_history(_movie_items(catalog, 1)))  # Retry-After 30 s each time, up to 300 s in all
        statuses = [r['status'] for r in emu.requests]
        assert statuses[0] == 201 and set(statuses[1:]) == {429}
        assert client.sleeps.waits and all(wait == 30 for wait in client.sleeps.waits)


@pytest.mark.parametrize('apply, plays', [(False, 0), (True, 1)])
def test_a_timeout_raises_at_once_instead_of_holding(inprocess, make_trakt_client, catalog, apply, plays):
    inprocess.inject('timeout', method='POST', path_prefix='/sync/history', hold=60, apply=apply)
    client = make_trakt_client(inprocess)
    started = time.monotonic()
    with pytest.raises(errors.OutcomeUnknown):
        list(client.add_history(_movie_items(catalog, 1)))
    assert time.monotonic() - started < 5
    assert len(inprocess.plays()) == plays
    assert inprocess.requests[-1]['status'] is None


def test_a_timeout_is_a_read_timeout_for_plain_requests(inprocess):
    inprocess.inject('timeout', hold=60)
    with pytest.raises(requests.exceptions.ReadTimeout):
        inprocess.session().get(inprocess.url + '/sync/last_activities', headers={'User-Agent': 'Tests/1'})


def test_start_and_stop_do_nothing_and_the_url_is_not_a_socket(catalog):
    emu = InProcessEmulator(catalog=catalog)
    assert emu.start() is emu and emu.url == 'https://trakt.emulator.invalid'
    emu.stop()
    assert emu.port == 0
