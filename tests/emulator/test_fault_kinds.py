"""The faults real users meet, as the add-on's real TraktClient meets them (in-process, on a virtual clock)."""
import pytest

from tests.emulator.helpers import inprocess_session as _session
from tools.trakt_emulator.inprocess import InProcessEmulator
from tools.trakt_emulator.timeutil import ManualClock
from traktsync.trakt import errors


@pytest.fixture
def clock():
    return ManualClock('2030-01-01T12:00:00Z')


@pytest.fixture
def emu(catalog, clock):
    with InProcessEmulator(catalog=catalog, post_interval=0, device_interval=0, clock=clock) as emulator:
        yield emulator


def _movies(catalog, count):
    return [{'type': 'movie', 'ids': {'trakt': movie['ids']['trakt']}, 'watched_at': '2024-05-01T20:00:00.000Z',
             'collected_at': '2024-05-01T20:00:00.000Z'} for movie in catalog['movies'][:count]]


def _episodes(catalog, count):
    show = catalog['shows'][0]
    return [{'type': 'episode', 'show_ids': {'trakt': show['ids']['trakt']}, 'season': season['number'],
             'number': episode['number'], 'watched_at': '2024-05-01T20:00:00.000Z'}
            for season in show['seasons'] for episode in season['episodes']][:count]




# -- timeout: never, before, after ------------------------------------------------------------------------------
@pytest.mark.parametrize('options, plays', [({}, 0), ({'commit': 'never'}, 0), ({'commit': 'before'}, 1),
                                            ({'apply': True}, 1), ({'commit': 'after'}, 0)])
def test_a_timed_out_history_add_is_outcome_unknown_and_committed_as_told(emu, make_trakt_client, catalog,
                                                                          options, plays):
    emu.inject('timeout', method='POST', path_prefix='/sync/history', **options)
    client = make_trakt_client(emu)
    with pytest.raises(errors.OutcomeUnknown):
        list(client.add_history(_movies(catalog, 1)))
    assert len(emu.plays()) == plays
    assert len(client.watched_movies()) == plays
    assert emu.requests[0]['status'] is None and emu.requests[0]['fault'] == 'timeout'


def test_a_write_committed_after_the_timeout_shows_once_the_clock_passes_visible_after(emu, make_trakt_client,
                                                                                      catalog, clock):
    emu.inject('timeout', method='POST', path_prefix='/sync/history', commit='after', visible_after=30)
    client = make_trakt_client(emu)
    before = client.last_activities()
    with pytest.raises(errors.OutcomeUnknown):
        list(client.add_history(_movies(catalog, 2)))
    assert emu.pending_commits() == 1
    clock.advance(29)
    assert client.last_activities() == before and client.watched_movies() == [] and emu.plays() == []
    clock.advance(1)
    after = client.last_activities()
    assert after['movies']['watched_at'] > before['movies']['watched_at']
    assert after['movies']['watched_at'] == '2030-01-01T12:00:30.000Z'
    assert len(client.watched_movies()) == 2 and emu.pending_commits() == 0


def test_commit_after_defaults_to_five_seconds_and_shows_in_the_helpers_too(emu, make_trakt_client, catalog, clock):
    emu.inject('timeout', method='POST', path_prefix='/sync/collection', commit='after')
    client = make_trakt_client(emu)
    results = list(client.add_collection(_movies(catalog, 1)))  # idempotent: the client retries at once
    assert [result.status for _, result in results] == [201] and len(emu.collection()) == 1
    activities = emu.last_activities()
    clock.advance(4.5)
    assert emu.pending_commits() == 1
    clock.advance(0.5)
    assert emu.pending_commits() == 0 and len(emu.collection()) == 1
    assert emu.last_activities() == activities  # the late copy found the item already collected


def test_a_timeout_on_a_get_commits_nothing_and_the_client_retries(emu, make_trakt_client):
    emu.inject('timeout', method='GET', path_prefix='/sync/last_activities', commit='after')
    client = make_trakt_client(emu)
    assert client.last_activities() == emu.last_activities()
    assert [r['status'] for r in emu.requests] == [None, 200] and emu.pending_commits() == 0


def test_bad_fault_options_are_refused(emu):
    with pytest.raises(ValueError):
        emu.inject('timeout', commit='sometime')
    with pytest.raises(ValueError):
        emu.inject('page_count')
    with pytest.raises(TypeError):
        emu.inject('partial', dorp=2)
    with pytest.raises(ValueError):
        emu.inject('refuse')   # which item to refuse


# -- refuse ----------------------------------------------------------------------------------------------------
def test_refuse_answers_422_for_a_body_with_the_item_and_lets_others_through(emulator, api, catalog):
    emu = emulator
    bad = catalog['movies'][1]['ids']['trakt']
    emu.inject('refuse', count=10, value='"trakt": {}'.format(bad))
    refused = api.post('/sync/history', {'movies': [{'ids': {'trakt': bad}}]})
    assert refused.status_code == 422 and refused.json() == {'error': 'watched_at: the date is not valid'}
    good = api.post('/sync/history', {'movies': [{'ids': {'trakt': catalog['movies'][0]['ids']['trakt']}}]})
    assert good.status_code == 201
    assert api.get('/sync/watched/movies').status_code == 200   # GETs are not refused
    assert [p['trakt_id'] for p in emu.plays()] == [catalog['movies'][0]['ids']['trakt']]


def test_the_client_splits_a_refused_batch_down_to_the_refused_item(emu, make_trakt_client, catalog):
    bad = catalog['movies'][2]['ids']['trakt']
    emu.inject('refuse', count=100, value='"trakt": {}'.format(bad))
    client = make_trakt_client(emu)
    results = list(client.add_history(_movies(catalog, 6)))
    refused = [(item['ids']['trakt'], reason) for _, result in results for item, reason in result.refused]
    assert refused == [(bad, 'watched_at: the date is not valid')]
    sent = sorted(item['ids']['trakt'] for batch, result in results if not result.refused for item in batch)
    assert sent == sorted(m['ids']['trakt'] for m in catalog['movies'][:6] if m['ids']['trakt'] != bad)
    assert sorted(p['trakt_id'] for p in emu.plays()) == sent                       # each play once
    assert len([r for r in emu.requests if r['method'] == 'POST']) <= 1 + 2 * 3      # halving, not one by one


# -- partial ---------------------------------------------------------------------------------------------------
def test_partial_history_add_confirms_and_keeps_fewer_plays(emu, make_trakt_client, catalog):
    emu.inject('partial')
    client = make_trakt_client(emu)
    [(_, result)] = list(client.add_history(_movies(catalog, 3)))
    assert result.status == 201 and result.added == {'movies': 2, 'episodes': 0} and result.not_found_items() == []
    kept = sorted(play['trakt_id'] for play in emu.plays())
    assert kept == sorted(movie['ids']['trakt'] for movie in catalog['movies'][:2])  # the last one was dropped
    emu.inject('partial', drop=2)
    [(_, result)] = list(client.add_history(_episodes(catalog, 4)))
    assert result.added == {'movies': 0, 'episodes': 2} and len(emu.plays('episode')) == 2


def test_partial_collection_add_reports_fewer_added(emu, make_trakt_client, catalog):
    emu.inject('partial', path_prefix='/sync/collection')
    client = make_trakt_client(emu)
    [(_, result)] = list(client.add_collection(_movies(catalog, 4)))
    assert result.added['movies'] == 3 and len(emu.collection('movie')) == 3


def test_partial_waits_for_a_write_it_applies_to(emu, make_trakt_client, catalog):
    emu.inject('partial')
    client = make_trakt_client(emu)
    client.watched_movies()
    list(client.remove_history(_movies(catalog, 1)))
    [(_, result)] = list(client.add_history(_movies(catalog, 2)))
    assert result.added['movies'] == 1
    assert [r['fault'] for r in emu.requests] == [None, None, 'partial']


# -- pagination ------------------------------------------------------------------------------------------------
def _watch_all_movies(emu, catalog):
    for movie in catalog['movies']:
        emu.add_play('movie', movie['ids']['trakt'], '2024-01-01T10:00:00Z')


def test_strip_pagination_drops_every_pagination_header(emu, make_trakt_client, catalog):
    _watch_all_movies(emu, catalog)
    emu.inject('strip_pagination')
    client = make_trakt_client(emu, watched_page_limit=2)
    items = client.watched_movies()
    first = emu.requests[0]
    assert first['fault'] == 'strip_pagination' and first['status'] == 200 and len(first['response']) == 2
    assert not [name for name in first['response_headers'] if name.lower().startswith('x-pagination')]
    # without pagination headers the client cannot trust a full first page to be the whole list: it reads on
    # until a page comes back short, so no watched movie is missed
    assert len(items) == 6
    assert [int(r['query']['page']) for r in emu.requests] == [1, 2, 3]  # page 2 carries headers again


def test_page_count_announces_an_absurd_count_and_later_pages_are_empty(emu, make_trakt_client, catalog):
    _watch_all_movies(emu, catalog)  # 6 movies: 3 pages of 2
    emu.inject('page_count', count=5, value=100000)
    client = make_trakt_client(emu, watched_page_limit=2)
    items = client.watched_movies()
    assert sorted(item['movie']['ids']['trakt'] for item in items) == sorted(
        movie['ids']['trakt'] for movie in catalog['movies'])
    assert emu.requests[0]['response_headers']['X-Pagination-Page-Count'] == '100000'
    assert emu.requests[0]['response_headers']['X-Pagination-Item-Count'] == '6'
    beyond = [r for r in emu.requests if int(r['query']['page']) > 3]
    assert beyond and all(r['response'] == [] for r in beyond)


def test_page_count_over_plain_requests(emu, catalog):
    _watch_all_movies(emu, catalog)
    emu.inject('page_count', count=2, value=100000)
    session = _session(emu, emu.issue_token())
    assert session.get(emu.url + '/sync/last_activities').headers.get('X-Pagination-Page-Count') is None
    far = session.get(emu.url + '/sync/watched/movies', params={'page': 9, 'limit': 2})
    assert far.json() == [] and far.headers['X-Pagination-Page-Count'] == '100000'
    assert session.get(emu.url + '/sync/watched/movies').headers['X-Pagination-Page-Count'] == '100000'
    assert session.get(emu.url + '/sync/watched/movies').headers['X-Pagination-Page-Count'] == '1'


# -- 429 --------------------------------------------------------------------------------------------------------
def test_429_with_retry_after_zero_and_without_retry_after(emu, make_trakt_client):
    client = make_trakt_client(emu)
    emu.inject('429', path_prefix='/sync/last_activities', retry_after=0)
    assert client.last_activities() == emu.last_activities()
    assert emu.requests[0]['status'] == 429 and emu.requests[0]['response_headers']['Retry-After'] == '0'
    assert client.sleeps.waits == [1.0]  # "Retry-After: 0" would hammer trakt: the client waits at least a second
    emu.inject('429', path_prefix='/sync/last_activities', retry_after=None)
    assert client.last_activities() == emu.last_activities()
    assert emu.requests[2]['status'] == 429 and 'Retry-After' not in emu.requests[2]['response_headers']
    assert len(client.sleeps.waits) == 2 and client.sleeps.waits[1] > 0  # the client's own backoff instead
