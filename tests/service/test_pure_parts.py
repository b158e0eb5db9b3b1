"""The service's Kodi-free parts: trigger timing with debounce, the sync lock and its stale rules, the status text."""
import json
import os

from traktsync import schedule as timing
from traktsync.lock import LOCK_FILE, SyncLock
from traktsync.status import changes, remember_error, status_text
from traktsync.store import LAST_CHANGE, LAST_RESULT, JsonStore


class Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_of_triggers_is_one_sync_but_a_steady_stream_still_syncs():
    clock = Clock()
    schedule = timing.Schedule(clock)
    schedule.request(timing.PUSH, 2)
    clock.now += 1.5
    schedule.request(timing.PUSH, 2)          # pushed back
    clock.now += 1.0
    assert schedule.due() == []
    clock.now += 1.0
    assert schedule.due() == [timing.PUSH]
    schedule.started([timing.PUSH])
    assert schedule.due() == []
    for _ in range(10):                       # a change every second: capped at 3x the delay after the first
        schedule.request(timing.PUSH, 2)
        clock.now += 1
        if schedule.due():
            break
    assert schedule.due() == [timing.PUSH] and clock.now - 1000.0 <= 4.0 + 6 + 1


def test_the_timer_counts_from_the_last_sync_and_zero_turns_it_off():
    clock = Clock()
    schedule = timing.Schedule(clock)
    schedule.set_interval(10)
    clock.now += 6
    schedule.started([timing.SCAN])           # any sync restarts the timer
    clock.now += 6
    assert schedule.due() == []
    clock.now += 4
    assert schedule.due() == [timing.INTERVAL]
    schedule.set_interval(0)
    clock.now += 100
    assert schedule.due() == []


def test_a_failed_sync_is_retried(tmp_path):
    clock = Clock()
    schedule = timing.Schedule(clock)
    schedule.finished(ok=False, retry_after=5)
    clock.now += 5
    assert schedule.due() == [timing.RETRY]


def test_one_lock_holder_at_a_time_and_release_frees_it(tmp_path):
    first = SyncLock(str(tmp_path), 'service')
    second = SyncLock(str(tmp_path), 'menu')
    assert first.try_acquire()
    assert not second.try_acquire()
    assert second.holder()['owner'] == 'service'
    first.release()
    assert second.try_acquire()
    second.release()
    assert not os.path.exists(str(tmp_path / LOCK_FILE))


def test_a_lock_left_by_a_dead_process_or_not_touched_for_long_is_taken_over(tmp_path):
    path = tmp_path / LOCK_FILE
    path.write_text(json.dumps({'owner': 'service', 'pid': 2 ** 22 + 12345, 'at': 0, 'token': 'x'}))
    assert SyncLock(str(tmp_path), 'menu').try_acquire()

    other = tmp_path / 'other'
    other.mkdir()
    (other / LOCK_FILE).write_text(json.dumps({'owner': 'menu', 'pid': os.getpid(), 'at': 0, 'token': 'y'}))
    fresh = SyncLock(str(other), 'service', stale_after=30)
    assert not fresh.try_acquire()            # alive and recently touched: wait
    old = os.path.getmtime(str(other / LOCK_FILE)) - 60
    os.utime(str(other / LOCK_FILE), (old, old))
    assert fresh.try_acquire()                # its holder stopped touching it: stale
    fresh.release()


def _localize(string_id, *args, **kwargs):
    return '#{} {} {}'.format(string_id, ' '.join(str(a) for a in args),
                              ' '.join('{}={}'.format(k, v) for k, v in sorted(kwargs.items()))).strip()


def test_status_lists_counts_unmatched_items_with_reasons_and_the_last_error(tmp_path):
    store = JsonStore(str(tmp_path))
    assert status_text(store, _localize) == '#30051'
    store.save(LAST_RESULT, {'finished_at': '2026-11-25T10:00:00.000Z', 'status': 'ok', 'duration': 1.5,
                             'applied': {'history_add_movies': 2, 'collection_add_episodes': 4},
                             'unmatched': [{'kind': 'movie', 'title': 'Home Video', 'file': '/m/a.mkv',
                                            'reason': 'no imdb, tmdb or tvdb id'}], 'unmatched_total': 1,
                             'not_found': []})
    remember_error(store, 'cannot reach trakt: check the network connection')
    text = status_text(store, _localize)
    assert '#30061 2' in text and '#30068 4' in text
    assert 'Home Video: no imdb, tmdb or tvdb id' in text
    assert 'cannot reach trakt' in text


def test_status_still_shows_what_the_last_sync_with_changes_did_after_a_sync_that_changed_nothing(tmp_path):
    store = JsonStore(str(tmp_path))
    changed = {'finished_at': '2026-11-24T10:00:00.000Z', 'status': 'ok', 'duration': 3.0,
               'applied': {'kodi_episodes': 7}}
    store.save(LAST_RESULT, changed)
    store.save(LAST_CHANGE, changed)
    assert '#30046' not in status_text(store, _localize)      # the last sync is the one with the changes

    store.save(LAST_RESULT, {'finished_at': '2026-11-25T10:00:00.000Z', 'status': 'ok', 'duration': 0.2,
                             'applied': {}})
    text = status_text(store, _localize).splitlines()
    assert '#30057' in text                                    # this sync: nothing needed changing
    earlier = text.index([line for line in text if line.startswith('#30046')][0])
    assert text[earlier + 1] == '- #30066 7'                   # ...and what the one before it moved


def test_status_shows_the_last_scrobble_and_what_trakt_made_of_it_and_waiting_plays(tmp_path):
    store = JsonStore(str(tmp_path))
    store.save(LAST_RESULT, {'finished_at': '2026-11-25T10:00:00.000Z', 'status': 'ok', 'duration': 1.0,
                             'applied': {}, 'waiting_for_trakt': 3})
    store.save('last-scrobble.json', {'at': 1764000000.0, 'title': 'Heat', 'verb': 'stop', 'progress': 97.5,
                                      'outcome': 'already scrobbled', 'message': 'another app scrobbled it'})
    text = status_text(store, _localize)
    assert '#30073 3' in text                                  # plays trakt did not confirm, for the next sync
    line = [line for line in text.splitlines() if line.startswith('#30075')][0]
    assert 'title=Heat' in line and 'progress=97.5' in line and 'outcome=#30077 another app scrobbled it' in line


def test_status_counts_ratings_and_resume_points_each_way_and_the_notification_counts_them_per_side(tmp_path):
    store = JsonStore(str(tmp_path))
    store.save(LAST_RESULT, {'finished_at': '2026-11-29T10:00:00.000Z', 'status': 'ok', 'duration': 1.0,
                             'applied': {'ratings_add_movies': 2, 'kodi_ratings_episodes': 3,
                                         'resume_add_movies': 1, 'resume_remove_episodes': 1,
                                         'kodi_resume_movies': 4}})
    text = status_text(store, _localize)
    for line in ('#30082 2', '#30087 3', '#30088 1', '#30091 1', '#30092 4'):
        assert line in text
    assert changes({'ratings_add_movies': 2, 'kodi_ratings_episodes': 3, 'kodi_resume_movies': 4,
                    'resume_remove_episodes': 1}) == (3, 7)
