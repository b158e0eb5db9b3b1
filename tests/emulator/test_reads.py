"""Watched and collection lists: pagination, extended levels, response shapes."""
import time

import pytest

from tests import openapi_contract as contract
from tools.trakt_emulator import Emulator

from .conftest import Api


def _movie_ids(catalog):
    return [movie['ids']['trakt'] for movie in catalog['movies']]


def _watch_all_movies(emulator, catalog):
    for trakt_id in _movie_ids(catalog):
        emulator.add_play('movie', trakt_id, '2024-03-01T10:00:00Z')


def test_pagination_headers_walk_every_item_once_with_a_small_cap(catalog):
    with Emulator(catalog=catalog, post_interval=0.0, page_limit_cap=4) as emu:
        _watch_all_movies(emu, catalog)
        api = Api(emu, emu.issue_token())
        seen = []
        page = 1
        while True:
            answer = api.get('/sync/watched/movies', params={'page': page, 'limit': 100})
            assert answer.status_code == 200
            assert answer.headers['X-Pagination-Limit'] == '4'  # clamped, not rejected
            assert answer.headers['X-Pagination-Item-Count'] == '6'
            assert answer.headers['X-Pagination-Page-Count'] == '2'
            assert answer.headers['X-Pagination-Page'] == str(page)
            seen.extend(item['movie']['ids']['trakt'] for item in answer.json())
            if page >= int(answer.headers['X-Pagination-Page-Count']):
                break
            page += 1
        assert sorted(seen) == sorted(_movie_ids(catalog))


def test_limit_defaults_to_100_and_clamps_to_250_or_100_with_progress(emulator, api, catalog):
    _watch_all_movies(emulator, catalog)
    assert api.get('/sync/watched/movies').headers['X-Pagination-Limit'] == '100'
    assert api.get('/sync/watched/movies', params={'limit': 1000}).headers['X-Pagination-Limit'] == '250'
    assert api.get('/sync/collection/movies', params={'limit': 1000}).headers['X-Pagination-Limit'] == '250'
    progress = api.get('/sync/watched/shows', params={'limit': 1000, 'extended': 'progress'})
    assert progress.headers['X-Pagination-Limit'] == '100'


def test_page_past_the_end_is_empty_and_bad_numbers_are_400(emulator, api, catalog):
    _watch_all_movies(emulator, catalog)
    answer = api.get('/sync/watched/movies', params={'page': 5, 'limit': 2})
    assert answer.status_code == 200 and answer.json() == []
    assert answer.headers['X-Pagination-Page-Count'] == '3'
    assert api.get('/sync/watched/movies', params={'limit': 'ten'}).status_code == 400


def test_seasons_only_with_extended_progress(emulator, api, catalog):
    episode = catalog['shows'][0]['seasons'][1]['episodes'][2]
    emulator.add_play('episode', episode['ids']['trakt'], '2024-03-01T10:00:00Z')
    emulator.add_play('episode', episode['ids']['trakt'], '2024-03-02T10:00:00Z')
    plain = api.get('/sync/watched/shows').json()
    assert len(plain) == 1 and 'seasons' not in plain[0]
    assert plain[0]['plays'] == 2
    full = api.get('/sync/watched/shows', params={'extended': 'full,progress'}).json()
    assert full[0]['seasons'] == [{'number': 2, 'episodes': [
        {'number': 3, 'plays': 2, 'last_watched_at': '2024-03-02T10:00:00.000Z'}]}]
    assert full[0]['show']['ids']['trakt'] == catalog['shows'][0]['ids']['trakt']
    assert full[0]['reset_at'] is None


def test_show_plays_are_the_sum_and_reset_at_is_reported(emulator, api, catalog):
    show = catalog['shows'][1]
    for episode in show['seasons'][0]['episodes']:
        emulator.add_play('episode', episode['ids']['trakt'], '2024-01-01T20:00:00Z')
    emulator.add_play('episode', show['seasons'][0]['episodes'][0]['ids']['trakt'], '2024-02-01T20:00:00Z')
    emulator.set_reset_at(show['ids']['trakt'], '2024-01-15T00:00:00Z')
    item = api.get('/sync/watched/shows', params={'extended': 'progress'}).json()[0]
    assert item['plays'] == 4
    assert item['last_watched_at'] == '2024-02-01T20:00:00.000Z'
    assert item['reset_at'] == '2024-01-15T00:00:00.000Z'


def test_collection_metadata_only_when_asked(emulator, api, catalog):
    movie_id = catalog['movies'][0]['ids']['trakt']
    episode_id = catalog['shows'][0]['seasons'][0]['episodes'][0]['ids']['trakt']
    emulator.collect('movie', movie_id, '2023-05-05T05:05:05Z', {'resolution': 'hd_1080p', '3d': False})
    emulator.collect('episode', episode_id, '2023-05-05T05:05:05Z', {'audio': 'aac'})
    assert 'metadata' not in api.get('/sync/collection/movies').json()[0]
    movie = api.get('/sync/collection/movies', params={'extended': 'metadata'}).json()[0]
    assert movie['collected_at'] == '2023-05-05T05:05:00.000Z'  # minute precision
    assert movie['metadata'] == {'media_type': None, 'resolution': 'hd_1080p', 'hdr': None, 'audio': None,
                                 'audio_channels': None, '3d': False}
    shows = api.get('/sync/collection/shows', params={'extended': 'metadata'}).json()
    assert shows[0]['seasons'][0]['episodes'][0]['metadata']['audio'] == 'aac'
    assert 'metadata' not in api.get('/sync/collection/shows').json()[0]['seasons'][0]['episodes'][0]


def test_every_read_matches_the_openapi_file(emulator, api, catalog):
    _watch_all_movies(emulator, catalog)
    episode_id = catalog['shows'][0]['seasons'][0]['episodes'][0]['ids']['trakt']
    emulator.add_play('episode', episode_id, '2024-03-01T10:00:00Z')
    emulator.collect('movie', catalog['movies'][0]['ids']['trakt'], '2023-05-05T05:05:05Z', {'hdr': 'hdr10'})
    emulator.collect('episode', episode_id, '2023-05-05T05:05:05Z')
    paths = ['/sync/last_activities', '/users/settings', '/sync/watched/movies', '/sync/watched/shows',
             '/sync/watched/shows?extended=progress', '/sync/watched/shows?extended=full,progress',
             '/sync/collection/movies', '/sync/collection/movies?extended=metadata', '/sync/collection/shows',
             '/sync/collection/shows?extended=metadata',
             '/sync/history/movies/{}'.format(catalog['movies'][0]['ids']['trakt'])]
    for path in paths:
        answer = api.get(path)
        assert answer.status_code == 200, path
        assert answer.json(), path
        contract.validate_response('GET', path, 200, answer.json())


def test_the_contract_helper_rejects_a_wrong_shape():
    with pytest.raises(AssertionError, match='collected_at'):
        contract.validate_response('GET', '/sync/collection/movies', 200, [{'type': 'movie', 'updated_at': 'x'}])
    with pytest.raises(AssertionError, match='no path'):
        contract.validate_response('GET', '/no/such/thing', 200, {})


def test_users_settings_reports_the_configured_limits(emulator, api):
    emulator.limits = {'collection': {'item_count': 7}, 'list': {'count': 1, 'item_count': 1},
                       'watchlist': {'item_count': 1}, 'favorites': {'item_count': 1}}
    assert api.get('/users/settings').json()['limits']['collection'] == {'item_count': 7}


def test_latency_delays_every_answer(catalog):
    with Emulator(catalog=catalog, latency=0.2) as emu:
        api = Api(emu, emu.issue_token())
        started = time.time()
        assert api.get('/sync/last_activities').status_code == 200
        assert time.time() - started >= 0.2


def test_a_seeded_account_dict_is_completed_with_defaults(catalog):
    movie_id = catalog['movies'][0]['ids']['trakt']
    with Emulator(catalog=catalog, account={'username': 'seeded'}) as emu:
        emu.add_play('movie', movie_id, '2020-01-01T00:00:00Z')
        api = Api(emu, emu.issue_token())
        assert api.get('/users/settings').json()['user']['username'] == 'seeded'
        assert api.get('/sync/watched/movies').json()[0]['plays'] == 1


def test_history_start_at_and_end_at_narrow_it_to_days_or_minutes(emulator, api, catalog):
    movie, other = catalog['movies'][0]['ids']['trakt'], catalog['movies'][1]['ids']['trakt']
    episode = catalog['shows'][0]['seasons'][0]['episodes'][0]['ids']['trakt']
    ids = {}
    for name, kind, trakt_id, when in (('before', 'movie', movie, '2024-03-09T23:59:00Z'),
                                       ('first', 'movie', movie, '2024-03-10T00:00:00Z'),
                                       ('other', 'movie', other, '2024-03-10T21:15:00Z'),
                                       ('again', 'movie', movie, '2024-03-11T23:59:00Z'),
                                       ('after', 'movie', movie, '2024-03-12T00:00:00Z'),
                                       ('episode', 'episode', episode, '2024-03-10T12:00:00Z')):
        ids[name] = emulator.add_play(kind, trakt_id, when)

    def history(path, **query):
        answer = api.get(path, params=dict(query, limit=100))
        assert answer.status_code == 200, answer.text
        return [entry['id'] for entry in answer.json()]

    # A date is a whole UTC day, both bounds included.
    assert history('/sync/history/movies', start_at='2024-03-10', end_at='2024-03-11') == [
        ids['again'], ids['other'], ids['first']]
    assert history('/sync/history/movies/{}'.format(movie), start_at='2024-03-10') == [
        ids['after'], ids['again'], ids['first']]
    assert history('/sync/history/episodes', end_at='2024-03-10') == [ids['episode']]
    # A time is that minute.
    assert history('/sync/history', start_at='2024-03-10T12:00:30Z', end_at='2024-03-10T21:15:00.000Z') == [
        ids['other'], ids['episode']]
    assert api.get('/sync/history', params={'start_at': 'last week'}).status_code == 400


def _list_state(api):
    """What a client reads of the four lists, every variant the emulator builds."""
    paths = [('/sync/watched/movies', None), ('/sync/watched/shows', None),
             ('/sync/watched/shows', 'progress'), ('/sync/collection/movies', 'metadata'),
             ('/sync/collection/shows', None)]
    return [api.get(path, params=dict(limit=250, **({'extended': extended} if extended else {}))).json()
            for path, extended in paths]


def _first_episode(catalog):
    return catalog['shows'][0]['seasons'][1]['episodes'][0]['ids']['trakt']


@pytest.mark.parametrize('change', ['play', 'api play', 'api history remove', 'reset', 'collect',
                                    'api collect', 'api collection remove'])
def test_every_change_shows_in_the_lists_read_before_it(emulator, api, catalog, change):
    # The lists are built once per state of the account (a large list is read page by page): a change made after
    # a read must show in the next one.
    movie, episode = _movie_ids(catalog)[0], _first_episode(catalog)
    emulator.add_play('movie', movie, '2024-03-01T10:00:00Z')
    emulator.add_play('episode', episode, '2024-03-01T11:00:00Z')
    emulator.collect('movie', movie, '2024-03-01T10:00:00Z')
    emulator.collect('episode', episode, '2024-03-01T10:00:00Z')
    before = _list_state(api)
    second_movie = {'movies': [{'ids': {'trakt': _movie_ids(catalog)[1]}, 'watched_at': '2024-03-02T10:00:00Z'}]}
    if change == 'play':
        emulator.add_play('movie', movie, '2024-03-02T10:00:00Z')
    elif change == 'api play':
        assert api.post('/sync/history', second_movie).status_code == 201
    elif change == 'api history remove':
        assert api.post('/sync/history/remove', {'movies': [{'ids': {'trakt': movie}}]}).status_code == 200
    elif change == 'reset':
        emulator.set_reset_at(catalog['shows'][0]['ids']['trakt'], '2024-03-01T12:00:00Z')
    elif change == 'collect':
        emulator.collect('movie', movie, '2024-03-01T10:00:00Z', metadata={'resolution': 'hd_1080p'})
    elif change == 'api collect':
        assert api.post('/sync/collection', second_movie).status_code == 201
    else:
        body = {'episodes': [{'ids': {'trakt': episode}}]}
        assert api.post('/sync/collection/remove', body).status_code == 200
    assert _list_state(api) != before
