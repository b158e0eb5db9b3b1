"""Two trakt accounts on one Kodi library: what a sync as one wrote into Kodi is not the user's change for the other
(docs/design.md, "Identity: the trakt account"; other_accounts.py). The real engine and client against the emulator
(in process), the library in memory; the shared library of several boxes is the soak's (tests/soak)."""
import os
from datetime import datetime, timezone

from tests.engine.world import ListLibrary, movies_with_lengths
from tools.trakt_emulator.settings import user_uuid
from traktsync.account import ACCOUNTS_FOLDER
from traktsync.model import Baseline
from traktsync.other_accounts import KODI_WRITES, fold_into
from traktsync.store import JsonStore, TokenStore

ALICE_VIEWING = datetime(2026, 11, 2, 20, 0, tzinfo=timezone.utc)


class WatchedLibrary(ListLibrary):
    """Kodi movies whose watched writes are kept, as Kodi keeps them."""

    def apply_watched(self, changes):
        self.calls_made += 1
        for change in changes:
            for kodi_id in change.kodi_ids:
                row = self._row(kodi_id)
                row.playcount, row.lastplayed = change.playcount, change.lastplayed
        return []


def _world(tmp_path, **settings):
    world, entries = movies_with_lengths(tmp_path, WatchedLibrary(), **settings)
    world.emu.add_account('bob')
    return world, entries


def sign_in(world, username):
    TokenStore(world.store).save(world.emu.issue_token(username=username))


def account_stores(world):
    folder = os.path.join(world.store.folder, ACCOUNTS_FOLDER)
    return dict((name, JsonStore(os.path.join(folder, name))) for name in os.listdir(folder))


def test_what_bobs_sync_wrote_into_kodi_is_not_sent_to_alice(tmp_path):
    world, entries = _world(tmp_path)
    film, rated, paused = (entry['ids']['trakt'] for entry in entries)
    world.library.movies[0].playcount, world.library.movies[0].lastplayed = 1, ALICE_VIEWING
    assert world.sync().applied == {'history_add_movies': 1}          # alice's one viewing
    alice = world.emu.username

    sign_in(world, 'bob')
    world.emu.add_play('movie', film, '2026-11-10T20:00:00.000Z', username='bob')
    world.emu.add_play('movie', film, '2026-11-12T20:00:00.000Z', username='bob')
    world.emu.rate('movie', rated, 9, '2026-11-12T21:00:00.000Z', username='bob')
    assert world.emu.pause('movie', paused, 40.0, username='bob') == 201
    result = world.sync()
    assert result.status == 'ok'
    # bob's plays, rating and resume point are in Kodi now
    assert world.library.movies[0].playcount == 2
    assert world.library.movies[1].userrating == 9
    assert world.library.movies[2].resume == (2400.0, 6000.0)
    assert result.applied.get('kodi_movies') == 1

    sign_in(world, alice)
    result = world.sync()

    assert result.status == 'ok'
    assert result.applied == {}
    assert len(world.emu.plays('movie', username=alice)) == 1
    assert world.emu.ratings(username=alice) == [] and world.emu.playback(username=alice) == []
    # Kodi keeps what it has: nothing of bob's is taken back either
    assert world.library.movies[0].playcount == 2 and world.library.movies[1].userrating == 9
    # the record was folded into alice's baseline and is gone; bob had nothing recorded (alice wrote nothing)
    stores = account_stores(world)
    assert not any(store.exists(KODI_WRITES) for store in stores.values())

    # What the user does in Kodi from now on is alice's again.
    world.library.movies[0].playcount, world.library.movies[0].lastplayed = 3, datetime.now(timezone.utc)
    world.library.movies[1].userrating = 4
    result = world.sync()
    assert result.applied == {'history_add_movies': 1, 'ratings_add_movies': 1}
    assert len(world.emu.plays('movie', username=alice)) == 2
    assert [r['rating'] for r in world.emu.ratings(username=alice)] == [4]


def test_an_unwatch_bobs_sync_wrote_into_kodi_removes_none_of_alices_plays(tmp_path):
    """Both accounts send and take un-watches. bob removes his play on trakt and his sync un-watches the film in
    Kodi: for alice that is no un-watch in Kodi, so her play stays on trakt."""
    world, entries = _world(tmp_path, send_unwatched=True, take_unwatched=True)
    film = entries[0]['ids']['trakt']
    world.library.movies[0].playcount, world.library.movies[0].lastplayed = 1, ALICE_VIEWING
    world.sync()
    alice = world.emu.username
    sign_in(world, 'bob')
    assert world.sync().applied == {'history_add_movies': 1}       # bob meets the film watched in Kodi
    world.emu.remove_history('movie', film, username='bob')
    assert world.sync().applied == {'kodi_movies': 1}
    assert world.library.movies[0].playcount == 0

    sign_in(world, alice)
    result = world.sync()

    assert result.status == 'ok' and result.applied == {}
    assert len(world.emu.plays('movie', username=alice)) == 1
    assert world.library.movies[0].playcount == 0                   # Kodi keeps what bob's sync left


def test_only_a_sync_that_wrote_into_kodi_leaves_a_record_and_only_for_accounts_with_a_baseline(tmp_path):
    world, entries = _world(tmp_path)
    world.emu.add_play('movie', entries[0]['ids']['trakt'], '2026-11-10T20:00:00.000Z')
    world.sync()                                      # alice, the only account: nobody to leave a record for
    assert [store.exists(KODI_WRITES) for store in account_stores(world).values()] == [False]

    sign_in(world, 'bob')
    world.sync()                                      # bob wrote nothing into Kodi (it has alice's play already)
    assert not any(store.exists(KODI_WRITES) for store in account_stores(world).values())

    world.emu.add_play('movie', entries[1]['ids']['trakt'], '2026-11-11T20:00:00.000Z', username='bob')
    world.sync()
    [recorded] = [name for name, store in account_stores(world).items() if store.exists(KODI_WRITES)]
    assert recorded == user_uuid(world.emu.account_data().get('user_id', 1))     # alice's folder
    [batch] = account_stores(world)[recorded].load(KODI_WRITES)['batches']
    assert list(batch['watched'].values()) == [[0, 1, '2026-11-11T20:00:00.000Z']]   # from 0 to 1 play, and when


def test_a_batch_named_by_the_saved_baseline_is_not_folded_twice(tmp_path):
    """A sync stopped after saving its baseline and before removing the record must not fold it again."""
    store = JsonStore(str(tmp_path))
    rows = {'7@2024-01-01T00:00:00.000Z': 1}
    store.save(KODI_WRITES, {'batches': [{'id': 'b1', 'watched': {'7@2024-01-01T00:00:00.000Z':
                                                                   [1, 3, '2026-11-12T20:00:00.000Z']},
                                          'ratings': {'movie:imdb:tt1': 9}, 'resume': {}}]})
    baseline = Baseline({'movie:imdb:tt1': [1, 1, '2026-11-02T20:00:00.000Z', rows]})

    assert fold_into(baseline, store) == ['b1']
    assert baseline.watched['movie:imdb:tt1'] == [3, 1, '2026-11-12T20:00:00.000Z', {'7@2024-01-01T00:00:00.000Z': 3}]
    assert baseline.ratings == {'movie:imdb:tt1': [9, 0]}

    baseline.kodi_writes_folded = ['b1']
    saved = Baseline.from_json(baseline.to_json())
    assert fold_into(saved, store) == ['b1']
    assert saved.watched == baseline.watched and saved.ratings == baseline.ratings


def test_a_record_with_values_the_baseline_cannot_hold_is_skipped_and_the_baseline_stays_readable(tmp_path):
    store = JsonStore(str(tmp_path))
    token = '7@2024-01-01T00:00:00.000Z'
    store.save(KODI_WRITES, {'batches': [
        {'id': 'b1', 'watched': {token: [1, '2', None]}, 'ratings': {'movie:imdb:tt1': 8.5}, 'resume': {'x': True}},
        'not a batch', {'no id': 1}]})
    baseline = Baseline({'movie:imdb:tt1': [1, 1, None, {token: 1}]}, ratings={'movie:imdb:tt1': [7, 7]})

    assert fold_into(baseline, store) == ['b1']

    assert baseline.watched['movie:imdb:tt1'] == [1, 1, None, {token: 1}]
    assert baseline.ratings == {'movie:imdb:tt1': [7, 7]} and baseline.resume == {}
    baseline.kodi_writes_folded = ['b1']
    assert Baseline.from_json(baseline.to_json()).ratings == baseline.ratings


def test_viewings_the_account_had_not_read_before_the_write_still_show(tmp_path):
    """alice's record of the row says 0 plays, but bob's sync found 1 (a viewing while bob was signed in) and wrote
    2: only the write's play is folded, and alice's lastplayed stays, so the viewing still reads as one to her."""
    token = '7@2024-01-01T00:00:00.000Z'
    store = JsonStore(str(tmp_path))
    store.save(KODI_WRITES, {'batches': [{'id': 'b1', 'watched': {token: [1, 2, '2026-11-12T20:00:00.000Z']}}]})
    baseline = Baseline({'movie:imdb:tt1': [0, 0, '2026-11-01T20:00:00.000Z', {token: 0}]})

    assert fold_into(baseline, store) == ['b1']

    assert baseline.watched['movie:imdb:tt1'] == [1, 0, '2026-11-01T20:00:00.000Z', {token: 1}]
