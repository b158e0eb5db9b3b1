"""One sync at a time, and Kodi's shutdown is never held up: quitting during a sync ends the service within a
second, and a later sync completes what was left; two syncs started together run one after the other."""
import json
import re
import time

import pytest

from tests.e2e.sync_world import wait_for_request, world_catalog
from tests.service.service_world import SYNC_DONE, ServiceWorld
from tools.kodi_harness import OK_DIALOG, KodiError

pytestmark = pytest.mark.kodi

ABORT_REQUESTED = r'CPythonInvoker\(\d+, .*service\.traktsync/service\.py\): trigger Monitor abort request'
SERVICE_STOPPED = r'\[service\.traktsync\] service \S+ stopped'
COLLECTION_POSTED = r'\[service\.traktsync\] POST /sync/collection -> 201'
MOVIES = 80   # with batches of 25 and trakt's 1 POST per second, the upload takes about 4 s


@pytest.fixture
def catalog():
    return world_catalog(movies=MOVIES, shows=0)


def _lock_events(kodi):
    pattern = re.compile(r'\[service\.traktsync\] (sync lock (?:taken|released)|sync (?:ok|error|cancelled) in)')
    return [pattern.search(line).group(1) for line in kodi.log_text().splitlines() if pattern.search(line)]


def test_quit_during_a_sync_is_prompt_and_two_syncs_run_one_after_the_other(kodi_factory, tmp_path, catalog,
                                                                            emulator):
    library = {'movies': catalog['movies'], 'shows': []}
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library, debug=True, settings={
        'sync_after_scan': True, 'batch_size_start': 25, 'batch_size_min': 25, 'batch_size_max': 25,
        'collection_metadata': False})
    kodi = world.kodi

    kodi.wait_log(COLLECTION_POSTED, timeout=30)      # the service's sync after the scan is uploading
    kodi.quit()
    abort = kodi.log_time(kodi.wait_log(ABORT_REQUESTED, timeout=5))
    stopped = kodi.log_time(kodi.wait_log(SERVICE_STOPPED, timeout=5))
    assert 0 <= stopped - abort < 1.0, 'the service took {:.2f} s to stop'.format(stopped - abort)
    assert kodi.count_log(r'\[service\.traktsync\] sync cancelled in') == 1
    uploaded = len(emulator.collection('movie'))
    assert 0 < uploaded < MOVIES
    assert kodi.python_errors() == []

    kodi.restart()
    kodi.wait_log(r'\[service\.traktsync\] service \S+ started', timeout=30)   # a new kodi.log
    before = kodi.count_log(SYNC_DONE)
    events_before = len(_lock_events(kodi))
    kodi.run_script('service.traktsync', ['action=sync'])
    kodi.run_script('service.traktsync', ['action=sync'])
    kodi.wait_log_count(SYNC_DONE, before + 2, timeout=60)
    for _ in range(2):
        # Kodi has one OK dialog window: when both reports are up at once, one Select may close both.
        try:
            kodi.wait_window(OK_DIALOG, timeout=5)
        except KodiError:
            break
        kodi.press('Select')

    assert kodi.count_log(r'another sync is running; this one waits for it') == 1
    events = _lock_events(kodi)[events_before:]
    assert events == ['sync lock taken', 'sync ok in', 'sync lock released'] * 2
    movies = emulator.collection('movie')
    assert len(movies) == MOVIES and len({m['trakt_id'] for m in movies}) == MOVIES   # the rest, once each
    assert kodi.python_errors() == []


def test_quitting_while_trakt_is_slow_to_answer_does_not_hold_kodi_up(kodi_factory, tmp_path, catalog, emulator):
    emulator.inject('timeout', count=1, method='POST', path_prefix='/sync/collection', hold=60.0)
    library = {'movies': catalog['movies'], 'shows': []}
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library, debug=True, settings={
        'sync_after_scan': True, 'collection_metadata': False})
    kodi = world.kodi
    wait_for_request(emulator, 'POST', '/sync/collection', timeout=30)   # the upload started; trakt is "thinking"

    sent = kodi.quit(timeout=90)

    took = time.time() - sent
    assert took < 10, 'Kodi took {:.1f} s to quit while trakt was slow'.format(took)
    assert kodi.count_log(r'\[service\.traktsync\] sync cancelled in') == 1
    assert kodi.count_log(r'still waiting for an answer from trakt') == 0
    assert kodi.python_errors() == []


def test_a_sync_whose_lock_was_taken_over_stops_before_its_next_write(kodi_factory, tmp_path, catalog, emulator):
    """Issue 11, item 2: another sync judged this one's lock stale (a share that hiccupped) and took it; the service's
    sync must not go on writing from the same baseline as the new holder."""
    library = {'movies': catalog['movies'], 'shows': []}
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library, debug=True, settings={
        'sync_after_scan': True, 'batch_size_start': 25, 'batch_size_min': 25, 'batch_size_max': 25,
        'collection_metadata': False})
    kodi = world.kodi
    wait_for_request(emulator, 'POST', '/sync/collection', status=201, timeout=30)   # the first batch is in
    with open(world.profile_path('sync.lock'), 'w') as handle:
        json.dump({'owner': 'menu', 'pid': 1, 'at': 0, 'token': 'someone-else'}, handle)
    taken_over_at = len(emulator.requests)

    kodi.wait_log(r'\[service\.traktsync\] sync error in', timeout=30)

    # One batch may have passed its check in the moment before the file changed; nothing after it.
    later_posts = [r for r in emulator.requests[taken_over_at:] if r['method'] == 'POST']
    assert len(later_posts) <= 1, later_posts
    assert len(emulator.collection('movie')) <= 50
    assert kodi.count_log(r'sync lock of the service was taken over by the menu') == 1
    assert kodi.count_log(r'another sync took over while this one ran') >= 1
    with open(world.profile_path('sync.lock')) as handle:
        assert json.load(handle)['token'] == 'someone-else'   # the new holder's lock is left alone
    assert kodi.python_errors() == []
