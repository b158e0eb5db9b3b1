"""Scrobbles, resume points and ratings with trakt's rules (80 % makes a play, 1-79 % a resume point, < 1 % is
422, a second stop within the window is 409); answers are checked against trakt's OpenAPI description where it
describes them."""
from tests import openapi_contract as contract
from tools.trakt_emulator import timeutil

# Answers the OpenAPI file describes (it has no 409 for a stop, types /sync/playback/{type} as movies only and
# knows /sync/ratings only with both {type} and {rating}): those are checked against it, the rest by the tests.
DESCRIBED = ('POST /scrobble/', 'POST /sync/ratings', 'GET /sync/playback/movies', 'GET /sync/ratings/movies/')


def _call(api, method, path, body=None, status=200):
    answer = api.post(path, body) if method == 'POST' else api.get(path)
    assert answer.status_code == status, answer.text
    if status < 300 and (method + ' ' + path).startswith(DESCRIBED):
        contract.validate_response(method, path, status, answer.json())
    return answer.json()


def _movie(catalog, index=0):
    movie = catalog['movies'][index]
    return {'title': movie['title'], 'year': movie['year'], 'ids': {'imdb': movie['ids']['imdb']}}


def test_a_stop_at_80_percent_is_one_scrobbled_play_and_a_second_stop_is_409(emulator, api, catalog):
    body = {'movie': _movie(catalog), 'progress': 1.5}
    contract.validate_request('POST', '/scrobble/start', body)
    assert _call(api, 'POST', '/scrobble/start', body, 201)['action'] == 'start'
    stopped = _call(api, 'POST', '/scrobble/stop', dict(body, progress=92.0), 201)
    assert stopped['action'] == 'scrobble' and stopped['movie']['ids']['trakt'] == catalog['movies'][0]['ids'][
        'trakt']
    again = _call(api, 'POST', '/scrobble/stop', dict(body, progress=99.0), 409)   # a second scrobbler's stop
    assert again['watched_at'] and timeutil.to_epoch(again['expires_at']) > timeutil.to_epoch(again['watched_at'])
    assert emulator.play_count('movie', catalog['movies'][0]['ids']['trakt']) == 1
    history = _call(api, 'GET', '/sync/history/movies')
    assert [entry['action'] for entry in history] == ['scrobble'] and history[0]['id'] == stopped['id']


def test_a_stop_between_1_and_80_percent_saves_a_resume_point_and_a_new_start_drops_it(emulator, api, catalog):
    episode = catalog['shows'][0]['seasons'][0]['episodes'][1]
    body = {'episode': {'ids': {'tvdb': episode['ids']['tvdb']}}, 'progress': 40.0}
    paused = _call(api, 'POST', '/scrobble/stop', body, 201)
    assert paused['action'] == 'pause' and emulator.plays() == []
    saved = _call(api, 'GET', '/sync/playback/episodes')
    assert [(p['progress'], p['episode']['ids']['trakt']) for p in saved] == [(40.0, episode['ids']['trakt'])]
    assert saved[0]['show']['ids']['trakt'] == catalog['shows'][0]['ids']['trakt']
    assert _call(api, 'GET', '/sync/playback/movies') == []
    _call(api, 'POST', '/scrobble/pause', {'movie': _movie(catalog), 'progress': 12.0}, 201)
    assert [p['progress'] for p in _call(api, 'GET', '/sync/playback/movies')] == [12.0]
    _call(api, 'POST', '/scrobble/start', dict(body, progress=40.0), 201)
    assert [p['type'] for p in _call(api, 'GET', '/sync/playback')] == ['movie']


def test_an_episode_is_found_by_its_show_season_and_number(emulator, api, catalog):
    show = catalog['shows'][1]
    body = {'show': {'title': show['title'], 'year': show['year'], 'ids': {'tvdb': show['ids']['tvdb']}},
            'episode': {'season': 2, 'number': 3}, 'progress': 85.0}
    stopped = _call(api, 'POST', '/scrobble/stop', body, 201)
    assert stopped['episode']['ids']['trakt'] == show['seasons'][1]['episodes'][2]['ids']['trakt']


def test_a_stop_below_1_percent_is_422_and_changes_nothing(emulator, api, catalog):
    answer = api.post('/scrobble/stop', {'movie': _movie(catalog), 'progress': 0.5})
    assert answer.status_code == 422
    assert emulator.plays() == [] and _call(api, 'GET', '/sync/playback') == []


def test_a_resume_point_is_deleted_by_its_id(emulator, api, catalog):
    _call(api, 'POST', '/scrobble/pause', {'movie': _movie(catalog, 2), 'progress': 33.3}, 201)
    saved = _call(api, 'GET', '/sync/playback')
    assert api.session.delete(emulator.url + '/sync/playback/{}'.format(saved[0]['id'])).status_code == 204
    assert api.session.delete(emulator.url + '/sync/playback/{}'.format(saved[0]['id'])).status_code == 404
    assert _call(api, 'GET', '/sync/playback') == []


def test_ratings_are_one_per_item_newest_wins_and_removing_moves_rated_at(emulator, api, catalog):
    before = _call(api, 'GET', '/sync/last_activities')['movies']['rated_at']
    body = {'movies': [dict(_movie(catalog), rating=7, rated_at='2026-11-20T20:00:00.000Z')],
            'episodes': [{'ids': {'trakt': catalog['shows'][0]['seasons'][0]['episodes'][0]['ids']['trakt']},
                          'rating': 9}]}
    contract.validate_request('POST', '/sync/ratings', body)
    added = _call(api, 'POST', '/sync/ratings', body, 201)
    assert added['added'] == {'movies': 1, 'shows': 0, 'seasons': 0, 'episodes': 1}
    _call(api, 'POST', '/sync/ratings', {'movies': [dict(_movie(catalog), rating=8)]}, 201)
    assert [r['rating'] for r in _call(api, 'GET', '/sync/ratings/movies/8')] == [8]
    movies = _call(api, 'GET', '/sync/ratings/movies')
    assert [(r['rating'], r['movie']['ids']['trakt']) for r in movies] == [(8, catalog['movies'][0]['ids']['trakt'])]
    assert _call(api, 'GET', '/sync/ratings/episodes/9')[0]['rating'] == 9
    assert _call(api, 'GET', '/sync/ratings/episodes/3') == []
    moved = _call(api, 'GET', '/sync/last_activities')['movies']['rated_at']
    assert timeutil.to_epoch(moved) > timeutil.to_epoch(before)
    removed = _call(api, 'POST', '/sync/ratings/remove', {'movies': [_movie(catalog)]}, 200)
    assert removed['deleted']['movies'] == 1 and _call(api, 'GET', '/sync/ratings/movies') == []


def test_a_rating_outside_1_to_10_is_refused_whole(emulator, api, catalog):
    answer = api.post('/sync/ratings', {'movies': [dict(_movie(catalog), rating=7), dict(_movie(catalog, 1),
                                                                                         rating=11)]})
    assert answer.status_code == 422
    assert _call(api, 'GET', '/sync/ratings') == []


def test_episodes_rated_under_their_shows_seasons_are_rated_as_episodes_not_the_show(emulator, api, catalog):
    """trakt's API documentation allows this form (the add-on's fallback for an episode without ids of its own);
    the OpenAPI file describes only top-level episodes, so the body is not checked against it."""
    show = catalog['shows'][0]
    season = show['seasons'][0]
    body = {'shows': [{'ids': {'tvdb': show['ids']['tvdb']}, 'seasons': [{'number': season['number'], 'episodes': [
        {'number': season['episodes'][0]['number'], 'rating': 6}]}]}]}
    added = _call(api, 'POST', '/sync/ratings', body, 201)
    assert added['added'] == {'movies': 0, 'shows': 0, 'seasons': 0, 'episodes': 1}
    [rated] = _call(api, 'GET', '/sync/ratings/episodes')
    assert rated['episode']['ids']['trakt'] == season['episodes'][0]['ids']['trakt'] and rated['rating'] == 6
    assert _call(api, 'GET', '/sync/ratings/shows') == []
