"""``GET /search/{id_type}/{id}``: trakt's id look-up, answers checked against trakt's OpenAPI description."""
from tests import openapi_contract as contract
from tests.emulator.conftest import Api
from tools.catalog import hide_id, make_catalog
from tools.trakt_emulator import Emulator


def _search(api, path, status=200):
    answer = api.get(path)
    assert answer.status_code == status, answer.text
    if status == 200:
        contract.validate_response('GET', path, 200, answer.json())
    return answer


def test_a_movie_is_found_by_each_of_its_ids(api, catalog):
    movie = catalog['movies'][2]
    for id_type in ('imdb', 'tmdb', 'trakt'):
        answer = _search(api, '/search/{}/{}?type=movie'.format(id_type, movie['ids'][id_type])).json()
        assert [(a['type'], a['score'], a['movie']['ids']['trakt']) for a in answer] == [
            ('movie', 1000, movie['ids']['trakt'])]
        assert answer[0]['movie']['title'] == movie['title'] and answer[0]['movie']['year'] == movie['year']


def test_a_show_and_an_episode_are_found_by_tvdb_and_an_episode_comes_with_its_show(api, catalog):
    show = catalog['shows'][1]
    shows = _search(api, '/search/tvdb/{}?type=show'.format(show['ids']['tvdb'])).json()
    assert [(a['type'], a['show']['ids']['trakt']) for a in shows] == [('show', show['ids']['trakt'])]
    episode = show['seasons'][1]['episodes'][2]
    found = _search(api, '/search/tvdb/{}'.format(episode['ids']['tvdb'])).json()
    assert [a['type'] for a in found] == ['episode']
    assert found[0]['episode']['ids']['trakt'] == episode['ids']['trakt']
    assert (found[0]['episode']['season'], found[0]['episode']['number']) == (2, 3)
    assert found[0]['show']['ids']['trakt'] == show['ids']['trakt']


def test_type_keeps_a_movie_and_a_show_with_the_same_number_apart():
    catalog = make_catalog(movies=2, shows=1, seasons=1, episodes_per_season=1)
    catalog['shows'][0]['ids']['tmdb'] = catalog['movies'][1]['ids']['tmdb']   # tmdb numbers movies and tv apart
    with Emulator(catalog=catalog, post_interval=0) as emu:
        api = Api(emu, emu.issue_token())
        try:
            path = '/search/tmdb/{}'.format(catalog['movies'][1]['ids']['tmdb'])
            assert [a['type'] for a in _search(api, path).json()] == ['movie', 'show']
            assert [a['type'] for a in _search(api, path + '?type=show').json()] == ['show']
            assert [a['type'] for a in _search(api, path + '?type=movie,show').json()] == ['movie', 'show']
        finally:
            api.close()


def test_an_unknown_id_is_an_empty_list_and_a_bad_type_is_400(api):
    answer = _search(api, '/search/imdb/tt9999999?type=movie')
    assert answer.json() == [] and answer.headers['X-Pagination-Item-Count'] == '0'
    _search(api, '/search/tmdb/1?type=person', status=400)
    _search(api, '/search/facebook/1', status=404)


def test_an_id_trakt_lists_as_null_is_still_found_by_the_look_up_and_by_request_bodies():
    catalog = make_catalog(movies=3, shows=0)
    movie = catalog['movies'][1]
    tmdb = hide_id(movie, 'tmdb')
    with Emulator(catalog=catalog, post_interval=0) as emu:
        api = Api(emu, emu.issue_token())
        try:
            found = _search(api, '/search/tmdb/{}?type=movie'.format(tmdb)).json()
            assert [a['movie']['ids']['trakt'] for a in found] == [movie['ids']['trakt']]
            assert found[0]['movie']['ids']['tmdb'] is None   # trakt shows it as it lists it
            sent = api.post('/sync/collection', {'movies': [{'ids': {'tmdb': tmdb}}]})
            assert sent.status_code == 201 and sent.json()['added']['movies'] == 1
            listed = api.get('/sync/collection/movies').json()
            assert [(m['movie']['ids']['trakt'], m['movie']['ids']['tmdb']) for m in listed] == [
                (movie['ids']['trakt'], None)]
        finally:
            api.close()


def test_the_look_up_needs_the_api_key(emulator, anonymous):
    anonymous.session.headers.pop('trakt-api-key')
    assert anonymous.get('/search/imdb/tt0100000').status_code == 403
