"""Failures the soak found, shrunk to their events, each asserting what the user sees.

Each test runs the real SyncEngine against the in-memory library and the trakt emulator (tools/soak) and checks
both the reference model (no violation) and the user-visible outcome itself.
"""
import pytest

from tools.soak.life import run_events

CLEAN = {'clean': False, 'fault': None}


def plays(outcome, item, account='alice'):
    return outcome.final['plays'][account].get(outcome.final['trakt_ids'][item], 0)


def watched(outcome, item):
    return outcome.final['watched'][item]


def assert_no_violation(outcome):
    assert not outcome.violations, outcome.violations


def test_first_sync_sends_one_play_for_a_kodi_playcount_of_3():
    """(a) Watched three times before the add-on ever ran: trakt gets ONE play, not three."""
    outcome = run_events([
        ('scan', 'm0'),
        ('kodi_watch', 'm0', 0), ('kodi_watch', 'm0', 0), ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm0') == 1
    assert_no_violation(outcome)


def test_one_viewing_on_both_sides_after_kodi_3_trakt_1_sends_nothing():
    """(b) Baseline Kodi 3 / trakt 1; a scrobbler records one viewing on both sides: that is one play, already on
    trakt; nothing is sent."""
    outcome = run_events([
        ('scan', 'm0'),
        ('kodi_watch', 'm0', 0), ('kodi_watch', 'm0', 0), ('kodi_watch', 'm0', 0),
        ('trakt_play', 'm0'),
        ('sync', 'A', CLEAN),
        ('scrobble', 'm0', 0),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm0') == 2
    assert_no_violation(outcome)


def test_a_film_moved_to_a_new_row_is_not_an_unwatch():
    """(c) The file moved: Kodi's new row is unwatched, but nobody un-watched the film; trakt's watched state comes
    back to the new row."""
    outcome = run_events([
        ('scan', 'm0'),
        ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('move', 'm0'),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm0') == 1
    assert watched(outcome, 'm0')
    assert_no_violation(outcome)


def test_a_film_moved_to_a_new_row_keeps_its_trakt_plays_with_send_unwatched():
    """(c') The same with "send unwatched" on: the move must not wipe the film's trakt history."""
    outcome = run_events([
        ('scan', 'm0'),
        ('scrobble', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('move', 'm0'),
        ('sync', 'A', CLEAN),
    ], send_unwatched=True)
    assert plays(outcome, 'm0') == 1
    assert watched(outcome, 'm0')
    assert_no_violation(outcome)


@pytest.mark.xfail(strict=True, reason='open: one watched row re-created with its old id and date cannot be told '
                   'from an un-watch (docs/design.md, known limit; two or more rows are handled)')
def test_a_fresh_kodi_database_is_not_an_unwatch():
    """A new Kodi database over the same files (profile kept): the rows are new, the films were not un-watched.
    Kodi's default date added is the file's mtime, so the new row has the old id AND the old date (docs/design.md
    lists this as a known limit; the soak keeps the user's expectation)."""
    outcome = run_events([
        ('scan', 'm1'),
        ('scrobble', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('fresh_db',),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm1') == 1
    assert watched(outcome, 'm1')
    assert_no_violation(outcome)


def test_a_second_account_does_not_inherit_the_first_accounts_memory():
    """(d) Signed in as another account: what is watched in Kodi reaches it, one play per item."""
    outcome = run_events([
        ('scan', 'e0.1.2'),
        ('trakt_play', 'e0.1.2'),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('sync', 'A', CLEAN),
    ])
    assert watched(outcome, 'e0.1.2')
    assert plays(outcome, 'e0.1.2', 'bob') == 1
    assert plays(outcome, 'e0.1.2', 'alice') == 1
    assert_no_violation(outcome)


def test_a_second_account_with_take_unwatched_does_not_unwatch_kodi():
    """(d') With "take unwatched" on, the first account's memory would read the new account's empty history as an
    un-watch of everything."""
    outcome = run_events([
        ('scan', 'm0'),
        ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('sync', 'A', CLEAN),
    ], take_unwatched=True)
    assert watched(outcome, 'm0')
    assert plays(outcome, 'm0', 'bob') == 1
    assert_no_violation(outcome)


def test_viewings_of_an_item_last_synced_unwatched_reach_trakt():
    """Soak life 100026: the item was in the library but unwatched at the last sync; then one viewing scrobbled
    (both sides) and one more in Kodi only. Two viewings: trakt must end with two plays. (An item with 0 plays on
    both sides gets no baseline entry, so the next sync uses first-sync rules and the Kodi-only viewing is lost.)"""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('sync', 'A', CLEAN),
        ('scrobble', 'e0.1.1', 0),
        ('kodi_watch', 'e0.1.1', 0),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'e0.1.1') == 2
    assert_no_violation(outcome)


@pytest.mark.xfail(strict=True, reason='open question: the issue counts one change on each side since the last '
                   'sync as one viewing; the model counts a check-in 5 minutes apart as another')
def test_a_check_in_and_a_separate_kodi_viewing_are_two_plays():
    """Soak life 100034: a viewing in Kodi and, five minutes later, a check-in on the phone: two viewings at
    different times, not one seen twice (a scrobbler's play has Kodi's lastplayed minute)."""
    outcome = run_events([
        ('scan', 'm2'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm2', 0),
        ('trakt_play', 'm2'),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm2') == 2
    assert_no_violation(outcome)


def test_a_fresh_kodi_database_with_scan_dates_is_not_an_unwatch():
    """The fresh database again, with Kodi set to date items by scan time: the new rows differ from the old ones
    by their date added."""
    outcome = run_events([
        ('scan', 'm1'),
        ('scrobble', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('fresh_db',),
        ('sync', 'A', CLEAN),
    ], dateadded='scan')
    assert plays(outcome, 'm1') == 1
    assert watched(outcome, 'm1')
    assert_no_violation(outcome)
