"""Writing watched state into a real Kodi in batches, and what survives a restart."""
from collections import namedtuple
from datetime import datetime, timedelta, timezone

import pytest

import tools.catalog as catalog
from tools import kodi_harness, media_tree
from traktsync.kodi.jsonrpc import JsonRpc
from traktsync.kodi.library import KodiLibrary
from traktsync.settings import Settings

pytestmark = pytest.mark.kodi

Change = namedtuple('Change', 'kind kodi_ids playcount lastplayed')


@pytest.fixture(scope='module')
def kodi(tmp_path_factory, kodi_starter):
    root = str(tmp_path_factory.mktemp('media'))
    data = catalog.make_catalog(movies=300, shows=10, seasons=2, episodes_per_season=11)
    for index, movie in enumerate(data['movies']):
        if index % 4 == 0:
            movie.update(playcount=2, lastplayed='2022-02-02')
    media_tree.write_tree(root, data)
    return kodi_starter(root)


def library_of(kodi, **kwargs):
    return KodiLibrary(JsonRpc(kodi_harness.QuietTransport(port=kodi.tcp_port)), Settings(), **kwargs)


def state(snapshot):
    return {(kind, item.kodi_id): (item.playcount, item.lastplayed)
            for kind, items in (('movie', snapshot.movies), ('episode', snapshot.episodes)) for item in items}


@pytest.mark.every_major
def test_500_watched_changes_are_written_in_batches_and_survive_a_restart(kodi):
    library = library_of(kodi, write_batch=100)
    before = library.read_snapshot()
    items = [('movie', m) for m in before.movies] + [('episode', e) for e in before.episodes]
    assert len(items) >= 500
    base = datetime(2025, 6, 1, 18, 30, 5, tzinfo=timezone.utc)
    changes = []
    for index, (kind, item) in enumerate(items[:500]):
        if index % 10 == 9:
            changes.append(Change(kind, (item.kodi_id,), 0, None))       # unwatched: no date either
        else:
            changes.append(Change(kind, (item.kodi_id,), 1 + index % 4, base + timedelta(minutes=index, seconds=index)))
    calls_before = library.rpc.calls_made

    assert library.apply_watched(changes) == []
    assert library.rpc.calls_made - calls_before == 5

    expected = state(before)
    for change in changes:
        expected[(change.kind, change.kodi_ids[0])] = (change.playcount, change.lastplayed)
    assert state(library.read_snapshot()) == expected

    kodi.restart()
    assert state(library_of(kodi).read_snapshot()) == expected


def test_a_refused_item_is_reported_and_the_rest_of_its_batch_is_applied(kodi):
    library = library_of(kodi)
    movies = library.read_snapshot().movies[:3]
    when = datetime(2024, 12, 24, 20, 0, tzinfo=timezone.utc)
    missing = Change('movie', (999999,), 3, when)
    changes = [Change('movie', (movies[0].kodi_id,), 7, when), missing,
               Change('episode', (999998,), 1, when), Change('movie', (movies[1].kodi_id, movies[2].kodi_id), 5, when)]

    failures = library.apply_watched(changes)

    assert [(f.change, f.kodi_id) for f in failures] == [(missing, 999999), (changes[2], 999998)]
    assert all(f.message for f in failures)
    after = {m.kodi_id: (m.playcount, m.lastplayed) for m in library.read_snapshot().movies}
    assert [after[m.kodi_id] for m in movies] == [(7, when), (5, when), (5, when)]
