"""A baseline written by an older version is migrated, not discarded: what it knew still counts.

The files in tests/engine/data/ were written by the add-on's own code of those versions (schema 1: commit
b5210d3's parent, which kept the baseline in the profile root; schema 2: before ratings and resume points), for
catalog movie 0 watched twice on both sides at the last sync. Since then Kodi counted one more viewing. With the
old baseline that is one new play for trakt; without it (first-sync rules: both sides watched) the viewing would
never reach trakt.
"""
import os
import shutil
from datetime import datetime, timezone

import pytest

from tests.engine.world import EngineWorld, kodi_movie
from traktsync.account import Accounts
from traktsync.model import Baseline
from traktsync.store import BASELINE

DATA = os.path.join(os.path.dirname(__file__), 'data')


def _world(tmp_path, schema):
    world = EngineWorld(tmp_path, movies=2)
    entry = world.catalog['movies'][0]
    for day in (1, 2):
        world.emu.add_play('movie', entry['ids']['trakt'], '2024-02-0{}T20:00:00.000Z'.format(day))
    world.collect_on_trakt([0])
    world.library.movies = [kodi_movie(entry, 1, playcount=3,
                                       lastplayed=datetime(2024, 3, 5, 21, 0, tzinfo=timezone.utc))]
    source = os.path.join(DATA, 'baseline-schema-{}.json'.format(schema))
    if schema == 1:    # kept in the profile root then; the signed-in account adopts it
        os.makedirs(world.store.folder, exist_ok=True)
        shutil.copy(source, world.store.path(BASELINE))
    else:
        account_store = Accounts(world.store).store_for(Accounts(world.store).current_user(world.client()))
        shutil.copy(source, account_store.path(BASELINE))
    return world, entry


@pytest.mark.parametrize('schema', [1, 2])
def test_a_viewing_since_an_older_versions_last_sync_reaches_trakt_once(tmp_path, schema):
    world, entry = _world(tmp_path, schema)

    result = world.sync()

    assert result.status == 'ok'
    assert result.applied == {'history_add_movies': 1}
    assert world.emu.play_count('movie', entry['ids']['trakt']) == 3
    account_store = Accounts(world.store).store_for(Accounts(world.store).current_user())
    stored = account_store.load(BASELINE)
    assert stored['schema'] == Baseline.SCHEMA and stored['ratings'] == {} and stored['resume'] == {}
    assert not account_store.exists(BASELINE + '.rejected')

    assert world.sync().applied == {}     # and the migrated baseline goes on as any other
