"""Every failure the client meets becomes its typed error, with a message a user understands."""
import threading
import time

import pytest

from tests.trakt.conftest import free_port
from tests.trakt.helpers import movie_items
from tools import catalog as catalog_module
from traktsync.trakt import errors

CATALOG = catalog_module.make_catalog(movies=10, shows=1)


def _paths(emu):
    return [(r['method'], r['path'], r['status']) for r in emu.requests]


@pytest.mark.parametrize('fault, error_type, words', [
    ('html403', errors.Blocked, "blocked by trakt's firewall (HTML 403)"),
    ('status:403', errors.InvalidApiKey, 'invalid API key'),
    ('status:423', errors.AccountLocked, 'locked'),
    ('status:426', errors.VipOnly, 'VIP'),
    ('status:404', errors.RequestRejected, '404'),
])
def test_refusals_are_typed_and_not_retried(make_emulator, make_client, fault, error_type, words):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    emu.inject(fault, count=5, path_prefix='/sync/history')
    with pytest.raises(error_type) as info:
        list(client.add_history(movie_items(CATALOG, count=2)))
    assert words in info.value.message and info.value.not_processed
    assert len(emu.requests) == 1 and emu.plays('movie') == []


def test_account_limit_reads_the_limits_and_does_not_retry(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    emu.inject('420', count=5, method='POST', path_prefix='/sync/collection')
    with pytest.raises(errors.AccountLimit) as info:
        list(client.add_collection(movie_items(CATALOG, field='collected_at')))
    assert 'collection: item count 1000' in info.value.message
    assert info.value.limits['collection'] == {'item_count': 1000}
    assert _paths(emu) == [('POST', '/sync/collection', 420), ('GET', '/users/settings', 200)]
    assert emu.collection('movie') == []


def test_emulator_enforced_account_limit(make_emulator, make_client):
    limits = {'list': {'count': 2, 'item_count': 100}, 'watchlist': {'item_count': 100},
              'favorites': {'item_count': 50}, 'collection': {'item_count': 3}}
    emu = make_emulator(CATALOG, limits=limits)
    client = make_client(emu)
    with pytest.raises(errors.AccountLimit) as info:
        list(client.add_collection(movie_items(CATALOG, field='collected_at', count=5)))
    assert 'item count 3' in info.value.message
    assert emu.collection('movie') == []  # the whole request was refused, nothing half-written


def test_get_is_retried_after_5xx_and_timeouts(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, timeout=(2.0, 0.3))
    emu.add_play('movie', CATALOG['movies'][0]['ids']['trakt'], '2024-01-01T10:00:00.000Z')
    emu.inject('status:502', count=1, path_prefix='/sync/watched')
    emu.inject('timeout', count=1, path_prefix='/sync/watched', hold=1.0)
    emu.inject('status:521', count=1, path_prefix='/sync/watched')
    assert len(client.watched_movies()) == 1
    assert [status for _, _, status in _paths(emu)] == [502, None, 521, 200]


def test_get_gives_up_after_a_few_5xx(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, max_retries=2)
    emu.inject('status:500', count=10, path_prefix='/sync/last_activities')
    with pytest.raises(errors.ServerError) as info:
        client.last_activities()
    assert info.value.status == 500 and 'server error' in info.value.message
    assert len(emu.requests) == 3


def test_malformed_json_is_typed(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    emu.inject('malformed', count=1, path_prefix='/sync/watched')
    with pytest.raises(errors.MalformedResponse) as info:
        client.watched_movies()
    assert 'could not be read' in info.value.message


@pytest.mark.parametrize('call', ['read', 'write'])
def test_abort_ends_a_request_trakt_is_slow_to_answer_at_once_and_sends_nothing_more(make_emulator, make_client,
                                                                                    call):
    emu = make_emulator(CATALOG)
    client = make_client(emu, timeout=(2.0, 30.0))
    emu.inject('timeout', count=1, path_prefix='/sync/watched' if call == 'read' else '/sync/history', hold=20.0)
    threading.Timer(0.5, client.abort).start()     # Kodi quitting, from the service's own thread

    started = time.monotonic()
    with pytest.raises(errors.Aborted):
        if call == 'read':
            client.watched_movies()
        else:
            list(client.add_history(movie_items(CATALOG, count=3)))
    assert time.monotonic() - started < 3.0        # not the 20 s trakt takes, nor the 30 s read timeout
    sent = len(emu.requests)
    with pytest.raises(errors.Aborted):
        client.last_activities()
    assert len(emu.requests) == sent               # no retry, nothing new


def test_get_429_waits_retry_after_then_succeeds(make_emulator, make_client, vtime):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    emu.inject('429', count=1, path_prefix='/sync/last_activities', retry_after=3)
    assert client.last_activities()
    assert 3.0 in vtime.sleeps and [s for _, _, s in _paths(emu)] == [429, 200]


def test_retry_after_zero_still_waits_a_second(make_emulator, make_client, vtime):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    emu.inject('429', count=1, path_prefix='/sync/last_activities', retry_after=0)
    assert client.last_activities()
    assert vtime.sleeps == [1.0] and [s for _, _, s in _paths(emu)] == [429, 200]


@pytest.mark.parametrize('retry_after', [0, None])
@pytest.mark.parametrize('call', ['read', 'write'])
def test_endless_429_spends_a_budget_of_retries_then_says_so(make_emulator, make_client, vtime, retry_after,
                                                             call):
    emu = make_emulator(CATALOG)
    client = make_client(emu, max_rate_limit_retries=4)
    emu.inject('429', count=200, path_prefix='/sync/', retry_after=retry_after)
    with pytest.raises(errors.RateLimited) as info:
        if call == 'read':
            client.watched_movies()
        else:
            list(client.add_history(movie_items(CATALOG, count=2)))
    assert info.value.message == 'trakt is rate-limiting this account; the sync will go on later'
    assert info.value.not_processed
    assert client.requests_made == len(emu.requests) == 5        # the request and its 4 retries
    waits = [s for s in vtime.sleeps if s >= 0.5]                # not the 0.06 s POST pacing
    assert len(waits) == 4 and all(s >= 1.0 for s in waits)
    assert emu.plays('movie') == []


@pytest.mark.parametrize('call', ['read', 'write'])
def test_offline_is_cannot_reach_trakt(make_client, call):
    client = make_client(url='http://127.0.0.1:{}'.format(free_port()), max_retries=1,
                         token={'access_token': 'e' * 40, 'refresh_token': 'f' * 40})
    with pytest.raises(errors.Unreachable) as info:
        if call == 'read':
            client.watched_movies()
        else:
            list(client.add_history(movie_items(CATALOG, count=1)))
    assert info.value.message == 'cannot reach trakt: check the network connection'
    assert info.value.not_processed


def test_every_error_message_is_one_line():
    for name in dir(errors):
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, errors.TraktError):
            assert value.message and '\n' not in value.message and len(value.message) < 120
