"""Reading every page of the sync lists from the emulator."""
import math

import pytest

from tests.trakt.plain_server import PagedJsonServer, PlainJsonServer
from tools import catalog as catalog_module
from traktsync.trakt.client import DEFAULT_OAUTH_URL


def _seeded(make_emulator, page_limit_cap=3):
    catalog = catalog_module.make_catalog(movies=11, shows=7, seasons=2, episodes_per_season=3)
    emu = make_emulator(catalog, page_limit_cap=page_limit_cap)
    for index, movie in enumerate(catalog['movies']):
        emu.add_play('movie', movie['ids']['trakt'], '2024-01-{:02d}T10:00:00.000Z'.format(index + 1))
        emu.collect('movie', movie['ids']['trakt'], '2023-01-{:02d}T10:00:00.000Z'.format(index + 1),
                    metadata={'resolution': 'hd_1080p'})
    for show in catalog['shows']:
        for season in show['seasons']:
            for episode in season['episodes']:
                emu.add_play('episode', episode['ids']['trakt'], '2024-02-01T10:00:00.000Z')
                emu.collect('episode', episode['ids']['trakt'], '2023-02-01T10:00:00.000Z')
    return catalog, emu


def _pages(emu, path):
    return [r['query'] for r in emu.requests if r['path'] == path]


def test_watched_lists_are_read_completely_across_pages(make_emulator, make_client):
    catalog, emu = _seeded(make_emulator)
    client = make_client(emu)

    movies = client.watched_movies()
    shows = client.watched_shows()

    assert sorted(m['movie']['ids']['trakt'] for m in movies) == sorted(m['ids']['trakt'] for m in catalog['movies'])
    assert sorted(s['show']['ids']['trakt'] for s in shows) == sorted(s['ids']['trakt'] for s in catalog['shows'])
    for show in shows:
        assert [len(season['episodes']) for season in show['seasons']] == [3, 3]
    movie_pages = _pages(emu, '/sync/watched/movies')
    assert len(movie_pages) == math.ceil(11 / 3.0)
    assert [q['page'] for q in movie_pages] == ['1', '2', '3', '4'] and all('limit' in q for q in movie_pages)
    show_pages = _pages(emu, '/sync/watched/shows')
    assert len(show_pages) == math.ceil(7 / 3.0) and all(q['extended'] == 'progress' for q in show_pages)


def test_collection_lists_are_read_completely_with_metadata(make_emulator, make_client):
    catalog, emu = _seeded(make_emulator, page_limit_cap=4)
    client = make_client(emu)

    movies = client.collection_movies(metadata=True)
    shows = client.collection_shows()

    assert len(movies) == 11 and len(set(m['movie']['ids']['trakt'] for m in movies)) == 11
    assert all(m['metadata']['resolution'] == 'hd_1080p' for m in movies)
    episodes = sum(len(season['episodes']) for show in shows for season in show['seasons'])
    assert len(shows) == 7 and episodes == 7 * 2 * 3
    assert len(_pages(emu, '/sync/collection/movies')) == 3
    assert all(q['extended'] == 'metadata' for q in _pages(emu, '/sync/collection/movies'))
    assert len(_pages(emu, '/sync/collection/shows')) == 2


def test_single_objects_last_activities_and_settings(make_emulator, make_client):
    catalog, emu = _seeded(make_emulator)
    client = make_client(emu)
    activities = client.last_activities()
    assert activities['movies']['watched_at'] and activities['episodes']['collected_at']
    assert client.account_limits()['collection']['item_count'] == 1000


def test_answer_without_pagination_headers_is_the_complete_list(make_client):
    items = [{'plays': 1, 'movie': {'title': 'M{}'.format(i), 'year': 2000, 'ids': {'trakt': i}}} for i in range(5)]
    with PlainJsonServer(items) as server:
        client = make_client(url=server.url, token={'access_token': 'a' * 40, 'refresh_token': 'r' * 40,
                                                    'created_at': 2000000000, 'expires_in': 7 * 86400})
        assert client.watched_movies() == items
    assert len(server.requests) == 1
    assert 'page=1' in server.requests[0]['path'] and 'limit=' in server.requests[0]['path']


def test_headers_the_client_sends(make_client):
    with PlainJsonServer({}) as server:
        client = make_client(url=server.url, token={'access_token': 'b' * 40, 'refresh_token': 'r' * 40})
        client.last_activities()
    headers = dict((k.lower(), v) for k, v in server.requests[0]['headers'].items())
    assert headers['trakt-api-version'] == '2'
    assert headers['trakt-api-key'] == 'test-client-id'
    assert headers['content-type'] == 'application/json'
    assert headers['user-agent'] == 'TraktLibrarySync/9.8.7 (Kodi)'
    assert headers['authorization'] == 'Bearer ' + 'b' * 40
    assert DEFAULT_OAUTH_URL == 'https://auth.trakt.tv'


def test_the_client_counts_its_requests(make_client):
    with PlainJsonServer({}) as server:
        client = make_client(url=server.url, token={'access_token': 'b' * 40, 'refresh_token': 'r' * 40})
        assert client.requests_made == 0
        client.last_activities()
        client.user_settings()
        assert client.requests_made == 2 == len(server.requests)


_TOKEN = {'access_token': 'c' * 40, 'refresh_token': 'r' * 40, 'created_at': 2000000000, 'expires_in': 7 * 86400}


def _movies(count):
    return [{'plays': 1, 'movie': {'title': 'M{}'.format(i), 'year': 2000, 'ids': {'trakt': i + 1}}}
            for i in range(count)]


def _read(server, make_client, limit=100):
    client = make_client(url=server.url, token=_TOKEN, watched_page_limit=limit)
    return client.watched_movies()


@pytest.mark.parametrize('headers', ['none', 'no-page-count'])
@pytest.mark.parametrize('count, pages', [(250, [1, 2, 3]), (200, [1, 2, 3]), (99, [1]), (0, [1])])
def test_a_stripped_page_count_reads_on_while_pages_are_full(make_client, headers, count, pages):
    # Behind a proxy that strips X-Pagination-Page-Count, reading one page only would re-send every play after it.
    with PagedJsonServer(_movies(count), headers=headers) as server:
        assert _read(server, make_client) == _movies(count)
    assert server.pages == pages


def test_a_stripped_page_count_uses_the_page_size_trakt_applied(make_client):
    with PagedJsonServer(_movies(25), headers='no-page-count', clamp=10) as server:
        assert _read(server, make_client) == _movies(25)
    assert server.pages == [1, 2, 3]


def test_an_absurd_page_count_stops_at_an_empty_page(make_client):
    with PagedJsonServer(_movies(250), headers='absurd-only') as server:
        assert _read(server, make_client) == _movies(250)
    assert server.pages == [1, 2, 3, 4]


def test_an_absurd_page_count_stops_where_the_item_count_says_the_list_ends(make_client):
    # A broken server that repeats its last page for ever: the item count bounds the read at ⌈250/100⌉ + 1 pages.
    with PagedJsonServer(_movies(250), headers='absurd', past_end='repeat') as server:
        movies = _read(server, make_client)
    assert server.pages == [1, 2, 3, 4]
    assert movies[:250] == _movies(250)


def test_an_endpoint_that_ignores_the_page_is_read_once(make_client):
    items = _movies(100)
    with PlainJsonServer(items) as server:
        client = make_client(url=server.url, token=_TOKEN, watched_page_limit=100)
        assert client.watched_movies() == items
    assert len(server.requests) == 2                      # page 2 repeated page 1: the list ended there


def test_search_id_asks_trakt_once_by_type_and_is_retried_like_every_get(make_emulator, make_client):
    catalog = catalog_module.make_catalog(movies=3, shows=1, seasons=1, episodes_per_season=1)
    hidden = catalog_module.hide_id(catalog['movies'][1], 'tmdb')
    emu = make_emulator(catalog)
    client = make_client(emu)
    emu.inject('status:502', count=1, path_prefix='/search/')

    found = client.search_id('tmdb', hidden, 'movie')

    assert [(f['type'], f['movie']['ids']['trakt']) for f in found] == [('movie', catalog['movies'][1]['ids']['trakt'])]
    searches = [r for r in emu.requests if r['path'].startswith('/search/')]
    assert [(r['path'], r['query'], r['status']) for r in searches] == [
        ('/search/tmdb/{}'.format(hidden), {'type': 'movie'}, 502),
        ('/search/tmdb/{}'.format(hidden), {'type': 'movie'}, 200)]
    assert client.search_id('imdb', 'tt9999999', 'movie') == []
    with pytest.raises(ValueError):
        client.search_id('facebook', 1)


def test_watched_movies_come_250_a_page_and_shows_with_their_progress_100(make_emulator, make_client):
    # Issue 12: trakt's largest pages; 100 movies a page made a big first sync read 28 pages instead of 12.
    catalog = catalog_module.make_catalog(movies=300, shows=120, seasons=1, episodes_per_season=1)
    emu = make_emulator(catalog)
    for movie in catalog['movies']:
        emu.add_play('movie', movie['ids']['trakt'], '2024-01-01T10:00:00.000Z')
    for show in catalog['shows']:
        emu.add_play('episode', show['seasons'][0]['episodes'][0]['ids']['trakt'], '2024-01-01T10:00:00.000Z')
    client = make_client(emu)

    assert len(client.watched_movies()) == 300 and len(client.watched_shows()) == 120

    assert [q['limit'] for q in _pages(emu, '/sync/watched/movies')] == ['250', '250']
    assert [q['limit'] for q in _pages(emu, '/sync/watched/shows')] == ['100', '100']
