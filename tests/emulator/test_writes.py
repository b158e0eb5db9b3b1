"""The four sync POSTs: id resolution, not_found, counts, no de-duplication, last_activities, limits."""
import pytest

from tests import openapi_contract as contract

needs_spec = pytest.mark.skipif(not contract.spec_available(), reason=contract.SKIP_REASON)


def _post(api, path, body, status):
    answer = api.post(path, body)
    assert answer.status_code == status, answer.text
    if contract.spec_available():
        contract.validate_response('POST', path, status, answer.json())
    return answer.json()


def test_history_add_resolves_every_id_kind_and_reports_unknown_items(emulator, api, catalog):
    movies, show = catalog['movies'], catalog['shows'][0]
    episode = show['seasons'][1]['episodes'][0]
    unknown_show_part = {'number': 1, 'episodes': [{'number': 99}]}
    body = {
        'movies': [{'ids': {'trakt': movies[0]['ids']['trakt']}}, {'ids': {'slug': movies[1]['ids']['slug']}},
                   {'ids': {'imdb': movies[2]['ids']['imdb']}}, {'ids': {'tmdb': movies[3]['ids']['tmdb']}},
                   {'ids': {'imdb': 'tt9999999'}}],
        'shows': [{'ids': {'tvdb': show['ids']['tvdb']}, 'seasons': [{'number': 1, 'episodes': [{'number': 2},
                                                                                               {'number': 99}]}]},
                  {'ids': {'tvdb': 1}}],
        'seasons': [{'ids': {'trakt': 1}}],
        'episodes': [{'ids': {'tvdb': episode['ids']['tvdb']}}, {'ids': {'imdb': episode['ids']['imdb']}},
                     {'ids': {'tvdb': 2}}],
    }
    result = _post(api, '/sync/history', body, 201)
    assert result['added'] == {'movies': 4, 'episodes': 3}
    assert result['not_found'] == {
        'movies': [{'ids': {'imdb': 'tt9999999'}}],
        'shows': [{'ids': {'tvdb': show['ids']['tvdb']}, 'seasons': [unknown_show_part]}, {'ids': {'tvdb': 1}}],
        'seasons': [{'ids': {'trakt': 1}}],
        'episodes': [{'ids': {'tvdb': 2}}]}
    assert emulator.play_count('episode', episode['ids']['trakt']) == 2
    assert emulator.play_count('episode', show['seasons'][0]['episodes'][1]['ids']['trakt']) == 1


def test_history_never_de_duplicates(emulator, api, catalog):
    movie = catalog['movies'][0]
    entry = {'ids': {'trakt': movie['ids']['trakt']}, 'watched_at': '2024-05-05T20:15:00.000Z'}
    assert _post(api, '/sync/history', {'movies': [entry, entry]}, 201)['added']['movies'] == 2
    assert _post(api, '/sync/history', {'movies': [entry]}, 201)['added']['movies'] == 1
    assert emulator.play_count('movie', movie['ids']['trakt']) == 3
    watched = api.get('/sync/watched/movies').json()
    assert watched[0]['plays'] == 3


def test_a_show_without_seasons_or_a_season_without_episodes_covers_all(emulator, api, catalog):
    show = catalog['shows'][1]
    result = _post(api, '/sync/history', {'shows': [{'ids': {'imdb': show['ids']['imdb']}}]}, 201)
    assert result['added']['episodes'] == 6
    result = _post(api, '/sync/history', {'shows': [{'ids': {'slug': show['ids']['slug']},
                                                     'seasons': [{'number': 2}]}]}, 201)
    assert result['added']['episodes'] == 3
    result = _post(api, '/sync/history', {'seasons': [{'ids': {'tvdb': show['seasons'][0]['ids']['tvdb']}}]}, 201)
    assert result['added']['episodes'] == 3
    assert len(emulator.plays('episode')) == 12


def test_watched_at_forms_are_stored_at_minute_precision_in_utc(emulator, api, catalog):
    ids = [movie['ids']['trakt'] for movie in catalog['movies'][:4]]
    body = {'movies': [{'ids': {'trakt': ids[0]}, 'watched_at': '2024-05-05T20:15:42.123Z'},
                       {'ids': {'trakt': ids[1]}, 'watched_at': '2024-05-05T22:15:42+02:00'},
                       {'ids': {'trakt': ids[2]}, 'watched_at': 'released'},
                       {'ids': {'trakt': ids[3]}}]}
    _post(api, '/sync/history', body, 201)
    stamps = {play['trakt_id']: play['watched_at'] for play in emulator.plays('movie')}
    assert stamps[ids[0]] == '2024-05-05T20:15:00.000Z'
    assert stamps[ids[1]] == '2024-05-05T20:15:00.000Z'
    assert stamps[ids[2]] == '{:04d}-01-01T00:00:00.000Z'.format(catalog['movies'][2]['year'])
    assert stamps[ids[3]].endswith(':00.000Z') and stamps[ids[3]] > '2025'


def test_a_bad_date_rejects_the_whole_request(emulator, api, catalog):
    body = {'movies': [{'ids': {'trakt': catalog['movies'][0]['ids']['trakt']}},
                       {'ids': {'trakt': catalog['movies'][1]['ids']['trakt']}, 'watched_at': 'yesterday'}]}
    answer = api.post('/sync/history', body)
    assert answer.status_code == 422 and 'yesterday' in answer.json()['error']
    assert emulator.plays() == []


def test_history_remove_by_item_removes_all_plays_and_by_id_one(emulator, api, catalog):
    first, second = catalog['movies'][0]['ids']['trakt'], catalog['movies'][1]['ids']['trakt']
    for day in (1, 2, 3):
        emulator.add_play('movie', first, '2024-01-0{}T10:00:00Z'.format(day))
    keep = emulator.add_play('movie', second, '2024-01-01T10:00:00Z')
    drop = emulator.add_play('movie', second, '2024-01-02T10:00:00Z')
    result = _post(api, '/sync/history/remove', {'movies': [{'ids': {'trakt': first}}, {'ids': {'imdb': 'tt1'}}],
                                                 'ids': [drop, 424242]}, 200)
    assert result['deleted'] == {'movies': 4, 'episodes': 0}
    assert result['not_found']['movies'] == [{'ids': {'imdb': 'tt1'}}]
    assert result['not_found']['ids'] == [424242]
    assert [play['id'] for play in emulator.plays()] == [keep]


def test_collection_add_counts_added_updated_existing_and_not_found(emulator, api, catalog):
    movie = catalog['movies'][0]
    item = {'ids': {'tmdb': movie['ids']['tmdb']}, 'collected_at': '2022-02-02T02:02:00Z', 'resolution': 'uhd_4k'}
    episode_ids = {'tvdb': catalog['shows'][0]['seasons'][0]['episodes'][0]['ids']['tvdb']}
    first = _post(api, '/sync/collection', {'movies': [item], 'episodes': [{'ids': episode_ids}]}, 201)
    assert first['added'] == {'movies': 1, 'shows': 0, 'seasons': 0, 'episodes': 1}
    again = _post(api, '/sync/collection', {'movies': [item]}, 201)
    assert again['existing']['movies'] == 1 and again['added']['movies'] == 0
    changed = dict(item, collected_at='2023-03-03T03:03:00Z')
    updated = _post(api, '/sync/collection', {'movies': [changed, {'ids': {'tmdb': 1}}]}, 201)
    assert updated['updated']['movies'] == 1
    assert updated['not_found']['movies'] == [{'ids': {'tmdb': 1}}]
    assert updated['list']['item_count'] == 2
    entry = emulator.collection('movie')[0]
    assert entry['collected_at'] == '2023-03-03T03:03:00.000Z' and entry['metadata']['resolution'] == 'uhd_4k'


def test_collection_remove_deletes_and_reports_unknown(emulator, api, catalog):
    show = catalog['shows'][0]
    _post(api, '/sync/collection', {'shows': [{'ids': {'trakt': show['ids']['trakt']}}]}, 201)
    assert len(emulator.collection('episode')) == 6
    result = _post(api, '/sync/collection/remove', {
        'shows': [{'ids': {'trakt': show['ids']['trakt']}, 'seasons': [{'number': 2}, {'number': 9}]}],
        'movies': [{'ids': {'slug': 'no-such-movie'}}]}, 200)
    assert result['deleted']['episodes'] == 3
    assert result['not_found']['movies'] == [{'ids': {'slug': 'no-such-movie'}}]
    assert result['not_found']['shows'] == [{'ids': {'trakt': show['ids']['trakt']}, 'seasons': [{'number': 9}]}]
    assert len(emulator.collection('episode')) == 3


def test_last_activities_move_on_writes_and_not_on_reads(emulator, api, catalog):
    before = api.get('/sync/last_activities').json()
    api.get('/sync/watched/movies')
    api.get('/sync/collection/shows')
    assert api.get('/sync/last_activities').json() == before
    _post(api, '/sync/history', {'movies': [{'ids': {'trakt': catalog['movies'][0]['ids']['trakt']}}]}, 201)
    after_play = api.get('/sync/last_activities').json()
    assert after_play['movies']['watched_at'] > before['movies']['watched_at']
    assert after_play['all'] == after_play['movies']['watched_at']
    assert after_play['episodes'] == before['episodes']
    assert after_play['all'].endswith('.000Z')
    episode_ids = {'trakt': catalog['shows'][0]['seasons'][0]['episodes'][0]['ids']['trakt']}
    _post(api, '/sync/collection', {'episodes': [{'ids': episode_ids}]}, 201)
    after_collect = api.get('/sync/last_activities').json()
    assert after_collect['episodes']['collected_at'] > after_play['episodes']['collected_at']
    assert after_collect['movies'] == after_play['movies']
    _post(api, '/sync/history', {'movies': [{'ids': {'imdb': 'tt0000001'}}]}, 201)  # nothing found: no change
    assert api.get('/sync/last_activities').json() == after_collect


def test_collection_over_the_account_limit_is_420_and_changes_nothing(emulator, api, catalog):
    emulator.limits = dict(emulator.limits, collection={'item_count': 5})
    answer = api.post('/sync/collection', {'shows': [{'ids': {'trakt': catalog['shows'][0]['ids']['trakt']}}]})
    assert answer.status_code == 420 and answer.content == b''
    assert emulator.collection() == []
    assert api.post('/sync/collection', {'shows': [{'ids': {'trakt': catalog['shows'][0]['ids']['trakt']},
                                                    'seasons': [{'number': 1}]}]}).status_code == 201


def test_bodies_that_are_not_objects_are_rejected(api):
    assert api.post('/sync/history', [1, 2]).status_code == 400
    assert api.post('/sync/history', {'movies': 'all'}).status_code == 400
    answer = api.session.post(api.emulator.url + '/sync/history', data=b'{"movies": [', timeout=5)
    assert answer.status_code == 400


@needs_spec
def test_requests_built_like_the_doc_examples_match_the_openapi_file(catalog):
    show = catalog['shows'][0]
    contract.validate_request('POST', '/sync/history', {
        'movies': [{'ids': {'imdb': 'tt0372784'}, 'watched_at': '2014-09-01T09:10:11.000Z'}],
        'shows': [{'ids': {'tvdb': show['ids']['tvdb']}, 'seasons': [{'number': 1, 'episodes': [{'number': 1}]}]}],
        'episodes': [{'ids': {'tvdb': 1555111}, 'watched_at': '2014-09-01T09:10:11.000Z'}]})


@pytest.mark.parametrize('path', ['/sync/history', '/sync/collection'])
def test_not_found_lists_exactly_the_missing_seasons_and_episodes_of_a_known_show(emulator, api, catalog, path):
    show = catalog['shows'][0]
    body = {'shows': [{'ids': {'trakt': show['ids']['trakt']}, 'title': show['title'], 'seasons': [
        {'number': 1, 'episodes': [{'number': 1}, {'number': 42, 'watched_at': '2024-01-01T00:00:00Z'},
                                   {'number': 3}]},
        {'number': 2},
        {'number': 7, 'episodes': [{'number': 1}]},
        {'number': 2, 'episodes': [{'number': 2}, {'number': 99}]}]}]}
    result = _post(api, path, body, 201)
    answered = sum(result.get(section, {}).get('episodes', 0) for section in ('added', 'updated', 'existing'))
    assert answered == 2 + 3 + 1  # a collection counts the repeated S2E2 as existing
    assert result['not_found']['shows'] == [{'ids': {'trakt': show['ids']['trakt']}, 'title': show['title'],
                                             'seasons': [
        {'number': 1, 'episodes': [{'number': 42, 'watched_at': '2024-01-01T00:00:00Z'}]},
        {'number': 7, 'episodes': [{'number': 1}]},
        {'number': 2, 'episodes': [{'number': 99}]}]}]
    assert result['not_found']['episodes'] == [] and result['not_found']['seasons'] == []
    everything = {'shows': [{'ids': {'trakt': show['ids']['trakt']}, 'seasons': [{'number': 1}, {'number': 2}]}]}
    assert _post(api, path, everything, 201)['not_found']['shows'] == []
