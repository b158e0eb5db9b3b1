"""Batch writes against the emulator: grouping, pacing, adaptive batch size, and what a lost answer means."""
import time

import pytest

from tests.trakt.helpers import episode_items, movie_items, posted_items
from tools import catalog as catalog_module
from traktsync.trakt import errors

CATALOG = catalog_module.make_catalog(movies=30, shows=4, seasons=3, episodes_per_season=50)  # 600 episodes


def _posts(emu, path):
    return [r for r in emu.requests if r['method'] == 'POST' and r['path'] == path]


def _all_plays_once(emu, items):
    trakt_ids = {}
    for show in CATALOG['shows']:
        for season in show['seasons']:
            for episode in season['episodes']:
                trakt_ids[(show['ids']['trakt'], season['number'], episode['number'])] = episode['ids']['trakt']
    return all(emu.play_count('episode', trakt_ids[(i['show_ids']['trakt'], i['season'], i['number'])]) == 1
               for i in items)


@pytest.mark.slow
def test_600_episodes_with_the_real_one_second_pacing(make_emulator, make_client):
    emu = make_emulator(CATALOG, post_interval=1.0)
    client = make_client(emu, post_interval=1.0, sleep=time.sleep, clock=time.monotonic, wall_clock=time.time)
    items = episode_items(CATALOG)
    assert len(items) == 600

    results = list(client.add_history(items))

    posts = _posts(emu, '/sync/history')
    assert [r['status'] for r in posts] == [201, 201]
    assert [posted_items(r) for r in posts] == [250, 350]  # 250 came back quickly, so the next batch doubled
    assert posts[1]['time'] - posts[0]['time'] >= 1.0
    for record in posts:
        show_ids = [show['ids']['trakt'] for show in record['body']['shows']]
        assert len(show_ids) == len(set(show_ids))  # each show once per body, its episodes grouped under it
    assert [len(batch) for batch, _ in results] == [250, 350]
    assert sum(result.added['episodes'] for _, result in results) == 600
    assert len(emu.plays('episode')) == 600 and _all_plays_once(emu, items)
    assert not [r for r in emu.requests if r['status'] == 429]


def test_batches_grow_while_answers_are_quick(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, batch_start=20, batch_min=5, batch_max=80)
    list(client.add_history(episode_items(CATALOG, shows=2)))  # 300 episodes
    assert [posted_items(r) for r in _posts(emu, '/sync/history')] == [20, 40, 80, 80, 80]
    assert len(emu.plays('episode')) == 300


def test_batches_stay_small_when_answers_are_slow(make_emulator, make_client):
    emu = make_emulator(CATALOG, latency=0.15)
    client = make_client(emu, batch_start=20, batch_min=5, batch_max=80, quick_seconds=0.1)
    list(client.add_history(episode_items(CATALOG, shows=1)[:60]))
    assert [posted_items(r) for r in _posts(emu, '/sync/history')] == [20, 20, 20]


def test_collection_batch_halves_on_a_5xx_and_is_sent_again(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, batch_start=40, batch_min=10, batch_max=80)
    emu.inject('status:500', count=1, method='POST', path_prefix='/sync/collection')
    items = episode_items(CATALOG, field='collected_at', shows=2)[:200]
    results = list(client.add_collection(items))
    posts = _posts(emu, '/sync/collection')
    assert [(posted_items(r), r['status']) for r in posts] == [(40, 500), (20, 201), (40, 201), (80, 201), (60, 201)]
    assert sum(len(batch) for batch, _ in results) == 200
    assert len(emu.collection('episode')) == 200


def test_collection_batch_halves_on_a_timeout_and_ends_stored_once(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, batch_start=40, batch_min=10, batch_max=40, timeout=(2.0, 0.3))
    emu.inject('timeout', count=1, method='POST', path_prefix='/sync/collection', hold=1.0, apply=True)
    items = movie_items(CATALOG, field='collected_at') + episode_items(CATALOG, field='collected_at', shows=1)[:50]
    list(client.add_collection(items))
    sizes = [posted_items(r) for r in _posts(emu, '/sync/collection')]
    assert sizes[:2] == [40, 20] and sum(sizes[1:]) == 80
    assert len(emu.collection('movie')) == 30 and len(emu.collection('episode')) == 50


def test_collection_gives_up_after_repeated_5xx_at_the_minimum_size(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, batch_start=20, batch_min=10, max_write_retries=3)
    emu.inject('status:503', count=10, method='POST', path_prefix='/sync/collection')
    with pytest.raises(errors.ServerError) as info:
        list(client.add_collection(movie_items(CATALOG, field='collected_at')))
    assert [posted_items(r) for r in _posts(emu, '/sync/collection')] == [20, 10, 10, 10]
    assert info.value.status == 503 and emu.collection('movie') == []


def test_history_timeout_is_outcome_unknown_and_never_resent(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, batch_start=10, batch_min=5, batch_max=10, timeout=(2.0, 0.3))
    items = movie_items(CATALOG)
    batches = client.add_history(items)
    first_batch, first = next(batches)
    assert first.added['movies'] == 10
    emu.inject('timeout', count=1, method='POST', path_prefix='/sync/history', hold=1.0, apply=True)
    with pytest.raises(errors.OutcomeUnknown) as info:
        next(batches)
    unknown = info.value
    assert not unknown.not_processed
    assert unknown.items == items[10:20] and unknown.remaining == items[20:]
    assert len(_posts(emu, '/sync/history')) == 2
    # trakt stored the lost batch; the client did not send it a second time.
    assert all(emu.play_count('movie', m['ids']['trakt']) == 1 for m in items[:20])
    assert all(emu.play_count('movie', m['ids']['trakt']) == 0 for m in items[20:])


@pytest.mark.parametrize('fault', ['status:500', 'status:502', 'status:520', 'malformed'])
def test_history_server_error_or_unreadable_answer_is_outcome_unknown(make_emulator, make_client, fault):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    emu.inject(fault, count=1, method='POST', path_prefix='/sync/history')
    items = movie_items(CATALOG, count=5)
    with pytest.raises(errors.OutcomeUnknown) as info:
        list(client.add_history(items))
    assert info.value.items == items and info.value.remaining == []
    assert len(_posts(emu, '/sync/history')) == 1
    assert emu.plays('movie') == []


@pytest.mark.parametrize('retry_after', [1, None])
def test_history_429_is_waited_out_and_sent_again_exactly_once(make_emulator, make_client, vtime, retry_after):
    emu = make_emulator(CATALOG)
    # A backoff base well above the 0.06 s pacing keeps the two kinds of wait apart whatever the jitter draws
    # (jitter keeps a backoff within 50-100 % of its nominal value).
    client = make_client(emu, backoff_base=0.5)
    emu.inject('429', count=2, method='POST', path_prefix='/sync/history', retry_after=retry_after)
    items = episode_items(CATALOG, shows=1)[:30]
    results = list(client.add_history(items))
    assert [r['status'] for r in _posts(emu, '/sync/history')] == [429, 429, 201]
    assert results[0][1].added['episodes'] == 30
    assert len(emu.plays('episode')) == 30 and _all_plays_once(emu, items)
    if retry_after:
        assert vtime.sleeps.count(1.0) == 2
    else:
        assert len([s for s in vtime.sleeps if s >= 0.25]) >= 2  # backoff, not a tight loop


def test_persistent_429_ends_in_rate_limited_without_writing(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu, max_rate_limit_wait=5.0)
    emu.inject('429', count=50, method='POST', path_prefix='/sync/history', retry_after=2)
    with pytest.raises(errors.RateLimited) as info:
        list(client.add_history(movie_items(CATALOG, count=3)))
    assert info.value.not_processed
    assert len(_posts(emu, '/sync/history')) == 3  # waited 2 + 2 s, a third wait would pass the 5 s cap
    assert emu.plays('movie') == []


def test_removals_report_deleted_counts(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    movies = movie_items(CATALOG, count=4)
    list(client.add_history(movies))
    list(client.add_collection(movie_items(CATALOG, field='collected_at', count=4)))
    removed = list(client.remove_history(movies[:2]))
    uncollected = list(client.remove_collection(movies[:3]))
    assert removed[0][1].deleted['movies'] == 2 and uncollected[0][1].deleted['movies'] == 3
    assert len(emu.plays('movie')) == 2 and len(emu.collection('movie')) == 1


def test_unknown_ids_come_back_as_not_found_items(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    items = movie_items(CATALOG, count=2) + [{'type': 'movie', 'ids': {'imdb': 'tt9999999'}, 'watched_at': None}]
    (_, result), = list(client.add_history(items))
    assert result.added['movies'] == 2 and result.not_found_items() == items[2:]


def test_bad_item_sends_nothing(make_emulator, make_client):
    emu = make_emulator(CATALOG)
    client = make_client(emu)
    with pytest.raises(ValueError):
        list(client.add_history(movie_items(CATALOG, count=3) + [{'type': 'movie', 'ids': {}}]))
    assert emu.requests == []
