"""The service's decisions without Kodi: when a sync starts, whether it reads the library, what is retried."""
from traktsync.service_decisions import (
    ERROR_RETRY_SECONDS,
    FULL_READ_SECONDS,
    SCAN_DEBOUNCE_SECONDS,
    UNCONFIRMED_RETRY_SECONDS,
    SyncDecisions,
    SyncOutcome,
)
from traktsync.settings import Settings


class Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _decisions(**settings):
    clock = Clock()
    values = dict(sync_at_startup=True, startup_delay=30, sync_interval_hours=12, sync_after_scan=True,
                  instant_push=True, wait_while_playing=True)
    values.update(settings)
    return SyncDecisions(Settings(**values), clock=clock), clock


def _start(decisions, clock, seconds):
    clock.now += seconds
    return decisions.next(video_playing=False, signed_in=lambda: True)


def test_the_start_up_sync_comes_after_the_delay_and_reads_the_library():
    decisions, clock = _decisions()
    assert _start(decisions, clock, 29).action == 'nothing'
    first = _start(decisions, clock, 1)
    assert (first.action, first.reasons, first.read_library) == ('start', ('startup',), True)


def test_a_timer_sync_skips_the_library_until_kodi_reports_a_change_or_a_day_passes():
    decisions, clock = _decisions(sync_at_startup=False, sync_interval_hours=1)
    first = _start(decisions, clock, 3600)
    assert first.read_library                         # the first sync always reads it
    decisions.library_read()
    decisions.finished(SyncOutcome.OK)
    assert not _start(decisions, clock, 3600).read_library
    decisions.finished(SyncOutcome.OK)
    decisions.library_notified('VideoLibrary.OnRemove', {'type': 'movie', 'id': 3})
    assert _start(decisions, clock, 3600).read_library
    decisions.finished(SyncOutcome.OK)
    clock.now += FULL_READ_SECONDS
    assert _start(decisions, clock, 0).read_library    # at least daily


def test_a_watched_change_brings_a_sync_soon_and_a_scan_one_after_its_debounce():
    decisions, clock = _decisions(sync_at_startup=False, sync_interval_hours=0)
    assert decisions.library_notified('VideoLibrary.OnUpdate', {'item': {'id': 1}, 'playcount': 1})
    assert not decisions.library_notified('VideoLibrary.OnUpdate', {'item': {'id': 1}})   # a resume point
    assert _start(decisions, clock, 2).reasons == ('push',)
    decisions.finished(SyncOutcome.OK)
    assert decisions.scan_finished()
    assert _start(decisions, clock, SCAN_DEBOUNCE_SECONDS - 1).action == 'nothing'
    assert _start(decisions, clock, 1).reasons == ('scan',)


def test_a_video_playing_holds_the_sync_and_is_said_once():
    decisions, clock = _decisions(startup_delay=0)
    clock.now += 1
    waits = [decisions.next(video_playing=True, signed_in=lambda: True) for _ in range(3)]
    assert [w.action for w in waits] == ['wait'] * 3 and [w.tell for w in waits] == [True, False, False]
    assert decisions.next(video_playing=False, signed_in=lambda: True).action == 'start'


def test_not_signed_in_starts_nothing_and_uses_up_the_reason():
    decisions, clock = _decisions(startup_delay=0)
    clock.now += 1
    assert decisions.next(video_playing=False, signed_in=lambda: False).action == 'not_signed_in'
    assert decisions.next(video_playing=False, signed_in=lambda: True).action == 'nothing'


def test_errors_and_unconfirmed_plays_are_retried_after_5_minutes_permanent_errors_never():
    decisions, clock = _decisions(startup_delay=0, sync_interval_hours=0)
    _start(decisions, clock, 1)
    assert decisions.finished(SyncOutcome.ERROR) == ERROR_RETRY_SECONDS
    assert _start(decisions, clock, ERROR_RETRY_SECONDS).reasons == ('retry',)
    assert decisions.finished(SyncOutcome.UNCONFIRMED) == UNCONFIRMED_RETRY_SECONDS
    retry = _start(decisions, clock, UNCONFIRMED_RETRY_SECONDS)
    assert retry.reasons == ('retry',) and retry.read_library
    assert decisions.finished(SyncOutcome.NEEDS_USER) is None
    assert _start(decisions, clock, 24 * 3600).action == 'nothing'


def test_a_shorter_test_hour_shortens_the_retries_too():
    decisions, _clock = _decisions(interval_unit_seconds=36)
    assert decisions.finished(SyncOutcome.ERROR) == ERROR_RETRY_SECONDS / 100


def test_the_token_file_is_read_only_when_a_sync_is_due():
    decisions, clock = _decisions(startup_delay=10)
    asked = []

    def signed_in():
        asked.append(clock.now)
        return True

    for _ in range(5):                      # ticks before the start-up sync is due
        clock.now += 1
        assert decisions.next(video_playing=False, signed_in=signed_in).action == 'nothing'
    assert asked == []
    clock.now += 5
    assert decisions.next(video_playing=False, signed_in=signed_in).action == 'start'
    assert len(asked) == 1


def test_a_rating_given_after_watching_brings_a_sync_soon_that_reads_the_library():
    decisions, clock = _decisions(sync_at_startup=False)
    decisions.rated()
    assert _start(decisions, clock, 1).action == 'nothing'
    soon = _start(decisions, clock, 1)
    assert (soon.action, soon.reasons, soon.read_library) == ('start', ('push',), True)
