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


def test_a_check_in_and_a_kodi_viewing_between_the_same_two_syncs_are_one_play():
    """Soak life 100034, the rule of issue 10 (docs/design.md, "The merge", known limit): a viewing in Kodi and a
    check-in on the phone between the same two syncs are compared as changes (Kodi +1, trakt +1) and count as ONE
    viewing, even when they were two: trakt keeps its one play, nothing is sent."""
    outcome = run_events([
        ('scan', 'm2'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm2', 0),
        ('trakt_play', 'm2'),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm2') == 1
    assert watched(outcome, 'm2')
    assert_no_violation(outcome)


def test_kodi_viewings_beyond_the_check_ins_of_the_same_window_are_sent():
    """Between two syncs Kodi gained two viewings and trakt one check-in: trakt gets max(0, 2 - 1) = 1 play, so it
    ends with max(2, 1) = 2 plays more than it had."""
    outcome = run_events([
        ('scan', 'm2'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm2', 0),
        ('trakt_play', 'm2'),
        ('kodi_watch', 'm2', 0),
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


def test_a_viewing_of_a_new_copy_beside_a_known_row_reaches_trakt():
    """Soak life 700027: an episode synced unwatched, then a second file of it is scanned and watched. The new
    copy is a row the last sync did not see, but the known row beside it keeps the item known: its plays are
    viewings, and trakt gets the one play."""
    outcome = run_events([
        ('scan', 'e0.1.2'),
        ('sync', 'A', CLEAN),
        ('copy', 'e0.1.2'),
        ('kodi_watch', 'e0.1.2', 1),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'e0.1.2') == 1
    assert watched(outcome, 'e0.1.2')
    assert_no_violation(outcome)


def test_a_copy_brought_up_by_a_second_box_is_not_a_viewing():
    """Soak life 700029: two copies of a film, one watched. Box A sends the play; box B, joining, brings the other
    copy up to the film's play count; box A must not take that write for a new viewing and send a second play."""
    outcome = run_events([
        ('scan', 'm1'),
        ('copy', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], two_boxes=True)
    assert plays(outcome, 'm1') == 1
    assert_no_violation(outcome)


def test_two_boxes_do_not_pass_a_viewing_back_and_forth():
    """A second box joins after a viewing box A has not sent yet: its first sync finds the film watched on both
    sides and keeps Kodi's count. Box A then sends the viewing; box B must not take that play for a new one on
    trakt (Kodi +1), or box A would send Kodi's "new" play, and so on at every pair of syncs."""
    outcome = run_events([
        ('scan', 'm0'),
        ('kodi_watch', 'm0', 0), ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm0', 0),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], two_boxes=True)
    assert plays(outcome, 'm0') == 2
    assert outcome.final['player'].library.rows_of('m0')[0].playcount == 3
    assert_no_violation(outcome)


def test_a_new_copy_brought_up_by_a_second_box_is_not_a_viewing():
    """Soak life 700188: a film checked in on trakt and watched in Kodi (one play on trakt after box A's first
    sync); a second file of it is scanned; box B brings the new copy up to the film's play count. For box A the new
    copy is a row its last sync did not see, but its lastplayed is the film's old one: not a viewing, nothing sent."""
    outcome = run_events([
        ('scan', 'm2'),
        ('trakt_play', 'm2'),
        ('kodi_watch', 'm2', 0),
        ('sync', 'A', CLEAN),
        ('copy', 'm2'),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], two_boxes=True)
    assert plays(outcome, 'm2') == 1
    assert_no_violation(outcome)


def test_a_known_copy_brought_up_by_a_second_box_is_not_a_viewing():
    """Soak life 700188 (shrunk): two copies of a film and two boxes. Box B brings the copy box A already knew up
    to the film's play count (stamped with the film's last viewing); box A must not read that row's gain as a new
    viewing and send a third play for two viewings."""
    outcome = run_events([
        ('scan', 'm2'),
        ('sync', 'A', CLEAN),
        ('scrobble', 'm2', 0),
        ('copy', 'm2'),
        ('sync', 'B', CLEAN),
        ('trakt_play', 'm2'),
        ('kodi_watch', 'm2', 1),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], two_boxes=True)
    assert plays(outcome, 'm2') == 2
    assert_no_violation(outcome)


def test_a_viewing_of_a_lagging_copy_after_a_box_died_mid_sync_is_not_lost_to_the_model():
    """Soak life 700188 (shrunk, with its fault): as above, but box A's first read of the viewing dies half-way in
    Kodi. Copies are not kept in step, so the viewing of the copy that read 0 may merge with the film's other
    changes at any box's next read (docs/design.md, copies): trakt ends with two or three plays, never more, and
    the film stays watched."""
    outcome = run_events([
        ('scan', 'm2'),
        ('sync', 'A', CLEAN),
        ('scrobble', 'm2', 0),
        ('copy', 'm2'),
        ('sync', 'B', CLEAN),
        ('trakt_play', 'm2'),
        ('kodi_watch', 'm2', 1),
        ('sync', 'A', {'clean': False, 'fault': ('kodi_die', 0)}),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], two_boxes=True)
    assert plays(outcome, 'm2') in (2, 3)
    assert watched(outcome, 'm2')
    assert_no_violation(outcome)


def test_a_lagging_copy_written_by_box_b_and_then_watched_is_one_viewing():
    """Soak life 100649 (shrunk): two copies, one watched and sent by box A; the film is un-watched, box B (first
    sync) gives both copies trakt's play back, then the user watches the copy box A knew unwatched. Box A sees that
    copy go from 0 to 2, but one of those is box B's write: one viewing since box A's sync, trakt ends with two
    plays, not three."""
    outcome = run_events([
        ('scan', 'm1'),
        ('copy', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'm1'),
        ('sync', 'B', CLEAN),
        ('kodi_watch', 'm1', 1),
        ('sync', 'A', CLEAN),
    ], two_boxes=True, dateadded='scan')
    assert plays(outcome, 'm1') == 2
    assert watched(outcome, 'm1')
    assert_no_violation(outcome)


def test_a_viewing_on_a_row_a_fresh_database_gave_back_its_old_id_and_date_is_owed():
    """Soak life 300776 (shrunk): box A sent a film's viewing; the library was re-added (a new row, which box B
    met and gave trakt's play), then a fresh Kodi database gave the film its first row's id and date back, and the
    user watched it. Box B never saw that row and meets it as new (watched on both sides: nothing to send); box A
    knew it, sees a new viewing on it and sends it: two viewings, two plays."""
    outcome = run_events([
        ('scan', 'm5'),
        ('kodi_watch', 'm5', 0),
        ('sync', 'A', CLEAN),
        ('readd_all',),
        ('sync', 'B', CLEAN),
        ('fresh_db',),
        ('kodi_watch', 'm5', 0),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], movies=7, episodes=4)
    assert plays(outcome, 'm5') == 2
    assert watched(outcome, 'm5')
    assert_no_violation(outcome)


def test_an_unwatch_while_another_account_was_signed_in_is_an_unwatch_for_the_first():
    """Soak life 400538 (shrunk): alice's film was watched and synced; while bob is signed in the film is watched
    and un-watched in Kodi; back as alice, it is watched again. Alice's memory sees one viewing after an un-watch:
    trakt gets one play (two in all), not the viewing made in between."""
    outcome = run_events([
        ('scan', 'm2'),
        ('trakt_play', 'm2'),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('kodi_watch', 'm2', 0),
        ('kodi_unwatch', 'm2'),
        ('switch', 'alice'),
        ('kodi_watch', 'm2', 0),
        ('sync', 'A', CLEAN),
    ], movies=6)
    assert plays(outcome, 'm2') == 2
    assert watched(outcome, 'm2')
    assert_no_violation(outcome)


def test_a_fresh_database_while_another_account_was_signed_in_removes_nothing_unasked():
    """Soak life 401840 (shrunk): a fresh Kodi database (same id and date for the one row) while bob is signed in;
    back as alice with "send unwatched" on. One watched row re-created as it was cannot be told from an un-watch
    (docs/design.md, known limit), so the play may go; the film is never left watched in Kodi without a play, and
    nothing else is touched."""
    outcome = run_events([
        ('scan', 'm0'),
        ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('fresh_db',),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=6, episodes=4, send_unwatched=True)
    assert watched(outcome, 'm0') == (plays(outcome, 'm0') > 0)
    assert_no_violation(outcome)


def test_a_single_film_read_with_fewer_plays_is_not_written_back_up():
    """Soak life 401506 (shrunk): a film watched twice (one play sent), un-watched; box B gives it trakt's one play
    back, so box A reads 1 where it recorded 2. A copy is brought up only when the copy that held the play count
    was deleted: this single row is left at 1. When its play is removed on trakt, box B must not take box A's
    write for a viewing: trakt ends with no play."""
    outcome = run_events([
        ('scan', 'm2'),
        ('kodi_watch', 'm2', 0),
        ('kodi_watch', 'm2', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'm2'),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
        ('trakt_unwatch', 'm2'),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
    ], movies=5, dateadded='scan', two_boxes=True)
    assert plays(outcome, 'm2') == 0
    assert [r.playcount for r in outcome.final['player'].library.rows_of('m2')] == [1]
    assert_no_violation(outcome)


def test_a_viewing_after_an_unwatch_while_another_account_was_signed_in_is_owed_to_the_first():
    """Soak life 500108 (shrunk): alice's episode was watched and synced; while bob is signed in it is un-watched
    and then scrobbled (bob's trakt gets that play). Back as alice, Kodi reads the episode watched again with a new
    viewing time: one viewing since alice's sync, and alice's trakt gets it."""
    outcome = run_events([
        ('scan', 'e1.1.3'),
        ('kodi_watch', 'e1.1.3', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('kodi_unwatch', 'e1.1.3'),
        ('scrobble', 'e1.1.3', 0),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=5, shows=3, episodes=3, dateadded='scan', two_boxes=True)
    assert plays(outcome, 'e1.1.3') == 2 and plays(outcome, 'e1.1.3', 'bob') == 1
    assert_no_violation(outcome)


def test_kodi_raised_to_trakts_count_by_box_b_is_not_a_viewing_for_box_a():
    """Soak life 600758 (shrunk): a film watched and sent; scrobbled (Kodi 2, trakt 2); a fresh Kodi database gives
    the row back with its id and date at 0, and the film is watched (Kodi 1). Box A pairs that viewing with the
    scrobble (the known limit: a trakt play and a Kodi viewing between the same two syncs are one play). Box B then
    raises Kodi to trakt's 2 without a later viewing time: box A must not take that write for a viewing."""
    outcome = run_events([
        ('scan', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('scrobble', 'm1', 0),
        ('fresh_db',),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=2, two_boxes=True)
    assert plays(outcome, 'm1') == 2
    assert watched(outcome, 'm1')
    assert_no_violation(outcome)


def test_an_unwatch_not_synced_before_a_sign_out_is_still_an_unwatch_after_signing_back_in():
    """Soak life 601333 (shrunk), "send unwatched" on: an episode watched on both sides is un-watched in Kodi; the
    user signs in as bob and back as alice before any sync. Alice's memory still sees the un-watch: its play
    leaves trakt and Kodi stays unwatched."""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('kodi_watch', 'e0.1.1', 0),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'e0.1.1'),
        ('switch', 'bob'),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=8, dateadded='scan', send_unwatched=True, two_boxes=True)
    assert plays(outcome, 'e0.1.1') == 0
    assert not watched(outcome, 'e0.1.1')
    assert_no_violation(outcome)


def test_a_new_copy_box_a_gave_trakts_plays_and_then_watched_is_one_viewing_for_box_b():
    """Soak life 801754 (shrunk): box B sent an episode's viewing; a second copy appears; a play is added on trakt;
    box A (first sync) gives both copies trakt's two plays; the user watches the new copy. Box B has never read
    that copy and sees it at 3, but only one of those is a viewing: trakt must not get four plays. Box B counts one
    viewing at most for a copy it has not read, and pairs it with trakt's new play (the known copies limit,
    docs/design.md): two plays for three viewings, never more than happened."""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('kodi_watch', 'e0.1.1', 0),
        ('sync', 'B', CLEAN),
        ('copy', 'e0.1.1'),
        ('trakt_play', 'e0.1.1'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'e0.1.1', 1),
        ('sync', 'B', CLEAN),
    ], movies=8, two_boxes=True)
    assert plays(outcome, 'e0.1.1') == 2
    assert_no_violation(outcome)


def test_unwatching_both_watched_items_after_a_partly_confirmed_sync_keeps_trakts_plays():
    """Soak life 1000015 (shrunk): an episode and a film got trakt's plays in Kodi, a third film was watched in
    Kodi but trakt confirmed only part of that sync; then the episode and the first film are un-watched. Every row
    the sync recorded as watched now reads 0: the library may have been rebuilt, so no play leaves trakt and Kodi
    takes them back (docs/design.md, "Identity: library rows")."""
    outcome = run_events([
        ('scan', 'm4'), ('scan', 'm5'), ('scan', 'e0.1.2'),
        ('trakt_play', 'e0.1.2'),
        ('sync', 'A', CLEAN),
        ('trakt_play', 'm4'),
        ('kodi_watch', 'm5', 0),
        ('sync', 'A', {'clean': False, 'fault': ('partial', 1)}),
        ('kodi_unwatch', 'm4'),
        ('kodi_unwatch', 'e0.1.2'),
        ('sync', 'A', CLEAN),
    ], movies=8, episodes=2, dateadded='scan')
    assert plays(outcome, 'm4') == 1 and plays(outcome, 'e0.1.2') == 1
    assert plays(outcome, 'm5') == 1
    assert_no_violation(outcome)


def test_unwatched_on_both_sides_and_played_again_on_trakt_keeps_the_play():
    """Soak life 1100839 (shrunk): an episode watched and synced (one play); un-watched in Kodi, its play removed on
    trakt, then played again on trakt, all before the next sync. trakt is back at the one play the sync last saw,
    so the sync sees an un-watch in Kodi only ("send unwatched" off): the new play stays on trakt."""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('kodi_watch', 'e0.1.1', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'e0.1.1'),
        ('trakt_unwatch', 'e0.1.1'),
        ('trakt_play', 'e0.1.1'),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=2, episodes=3, dateadded='scan')
    assert plays(outcome, 'e0.1.1') == 1
    assert_no_violation(outcome)


def test_a_viewing_on_a_recreated_row_whose_play_trakt_took_late_is_not_lost():
    """Soak life 1200364 (shrunk): a fresh Kodi database gives a film's row back with its id and date at 0, and the
    film is watched (Kodi 1, a later lastplayed: one viewing). The sync sends it but the answer is lost and trakt
    takes it later; the film is watched again before the next sync. The lost answer's item was recorded with Kodi's
    side as if that viewing had not been read (docs/design.md, rule 4), so the next sync reads Kodi +2 and trakt +1
    (its own late play): one play sent, three for three viewings. (Before, the record stayed as it was, Kodi read
    +1, and trakt kept two plays for three viewings.)"""
    outcome = run_events([
        ('scan', 'm6'),
        ('trakt_play', 'm6'),
        ('sync', 'A', CLEAN),
        ('fresh_db',),
        ('kodi_watch', 'm6', 0),
        ('sync', 'A', {'clean': True, 'fault': ('timeout', 'after', 60)}),
        ('kodi_watch', 'm6', 0),
        ('sync', 'A', CLEAN),
    ], movies=7, shows=2, episodes=3, send_unwatched=True, take_unwatched=True)
    assert plays(outcome, 'm6') == 3
    assert watched(outcome, 'm6')
    assert_no_violation(outcome)


def test_a_film_unwatched_and_watched_again_between_two_syncs_gets_its_play():
    """Soak life 700140: a film watched twice and synced (one play on trakt), un-watched in Kodi and watched again
    before the next sync. Kodi reads 1 play where the last sync saw 2, but its lastplayed is new: a viewing, and
    trakt gets its play."""
    outcome = run_events([
        ('scan', 'm1'),
        ('kodi_watch', 'm1', 0), ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm1') == 2
    assert watched(outcome, 'm1')
    assert_no_violation(outcome)


def test_a_copy_brought_up_after_a_new_viewing_is_not_a_second_viewing():
    """Soak life 200315: two copies, one watched and sent by box A, watched again; box B (first sync) brings the
    other copy up to the film's count and lastplayed. Box A sees the watched copy +1 and the other +2: the copy
    has the same count and lastplayed as the row it was brought up to, so it is one history: one new play."""
    outcome = run_events([
        ('scan', 'm1'),
        ('copy', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm1', 0),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], two_boxes=True, dateadded='scan')
    assert plays(outcome, 'm1') == 2
    assert_no_violation(outcome)


def test_a_play_trakt_did_not_take_is_sent_again_by_the_next_sync():
    """Soak life 201435: two viewings sent in one request, trakt confirms one. The baseline records what trakt
    confirmed on both sides, so the next sync still sees the other viewing as a change in Kodi and sends it."""
    outcome = run_events([
        ('scan', 'm1'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm1', 0),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', {'clean': False, 'fault': ('partial', 1)}),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm1') == 2
    assert_no_violation(outcome)


def test_a_copy_brought_up_by_box_b_and_then_watched_is_one_viewing():
    """Two copies, one watched and sent by box A; box B (first sync) brings the other copy up to 1; the user then
    watches that copy. One viewing since box A's sync: trakt must end with two plays, not three."""
    outcome = run_events([
        ('scan', 'm1'),
        ('copy', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('sync', 'B', CLEAN),
        ('kodi_watch', 'm1', 1),
        ('sync', 'A', CLEAN),
    ], two_boxes=True)
    assert plays(outcome, 'm1') == 2
    assert_no_violation(outcome)


def test_unwatching_every_watched_film_keeps_trakt_plays_and_counts_a_new_viewing():
    """Soak life 201059: every film watched at the last sync is un-watched (two), and another known film is watched
    in Kodi. To the sync this reads like a fresh Kodi database that re-created the rows with their old ids and
    dates, so it takes the reading that loses nothing (docs/design.md, "Identity: library rows"): no play leaves
    trakt, and the viewing of the third film still counts as a change since the last sync, not as a first sync."""
    outcome = run_events([
        ('scan', 'm0'), ('scan', 'm1'), ('scan', 'm2'),
        ('kodi_watch', 'm2', 0),
        ('trakt_play', 'm1'),
        ('sync', 'A', CLEAN),
        ('scrobble', 'm0', 0),
        ('kodi_unwatch', 'm2'),
        ('kodi_unwatch', 'm1'),
        ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
    ])
    assert plays(outcome, 'm0') == 2
    assert plays(outcome, 'm1') == 1 and plays(outcome, 'm2') == 1
    assert_no_violation(outcome)


def test_a_viewing_unwatched_again_before_a_sync_leaves_a_settled_unwatch_as_it_was():
    """Soak life 7100657 (shrunk; 7101513, 7401843 and 7402626 alike): an episode watched and synced (one play),
    un-watched in Kodi ("send unwatched" off: trakt keeps its play, Kodi stays unwatched), then watched and
    un-watched again before the next sync. Kodi's count and lastplayed are as the last sync read them, so nothing
    changed for the sync: Kodi stays unwatched as the user left it, and trakt keeps its one play."""
    outcome = run_events([
        ('scan', 'e1.1.2'),
        ('kodi_watch', 'e1.1.2', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'e1.1.2'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'e1.1.2', 0),
        ('kodi_unwatch', 'e1.1.2'),
        ('sync', 'A', CLEAN),
    ], movies=6, shows=2, episodes=2)
    assert plays(outcome, 'e1.1.2') == 1
    assert not watched(outcome, 'e1.1.2')
    assert_no_violation(outcome)


def test_a_viewing_unwatched_again_on_a_fresh_database_row_is_read_as_the_unwatch_it_looks_like():
    """Soak life 7101204 (shrunk): a film trakt has a play of, watched in Kodi by the sync; a fresh Kodi database
    re-creates its row with the old id and date (unwatched), and the film is watched and un-watched again before the
    next sync. The sync sees what a fresh database alone gives: a row it knows, now unwatched, which it reads as an
    un-watch (the one-row known limit, docs/design.md): trakt keeps its play, Kodi stays unwatched."""
    outcome = run_events([
        ('scan', 'm4'),
        ('trakt_play', 'm4'),
        ('sync', 'A', CLEAN),
        ('fresh_db',),
        ('kodi_watch', 'm4', 0),
        ('kodi_unwatch', 'm4'),
        ('sync', 'A', CLEAN),
    ], movies=6, shows=2, episodes=2)
    assert plays(outcome, 'm4') == 1
    assert not watched(outcome, 'm4')
    assert_no_violation(outcome)


def test_a_refused_play_of_a_rewatch_is_sent_again_after_another_viewing():
    """Soak life 7200950 (shrunk): a film watched and synced (one play), un-watched and watched again: the sync
    sees the same count with a later lastplayed, a viewing, and sends its play, which trakt answers as not taken
    (``partial``). The film is watched once more before the next sync. Against the record of before, the count's
    gain of one hid the refused viewing (two plays for three viewings); the rows are now recorded one lower, so
    the next sync sends both."""
    outcome = run_events([
        ('scan', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'm1'),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', {'clean': False, 'fault': ('partial', 1)}),
        ('kodi_watch', 'm1', 0),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=2, episodes=4, dateadded='scan')
    assert plays(outcome, 'm1') == 3
    assert_no_violation(outcome)


def test_a_fresh_database_after_a_sync_that_kept_nothing_may_read_as_the_unwatch_of_a_row_known_before():
    """Soak life 7602632 (shrunk): a scrobbled episode, synced; every file re-added (a new row); the next sync quits
    with Kodi before it records anything, so the box still knows the old row only; a fresh Kodi database then
    re-creates the old row with its id and date, unwatched. To the sync that is the row it knows, un-watched (the
    one-row known limit, docs/design.md): trakt keeps its play, and Kodi stays unwatched."""
    outcome = run_events([
        ('scan', 'e0.1.2'),
        ('scrobble', 'e0.1.2', 0),
        ('sync', 'A', CLEAN),
        ('readd_all',),
        ('sync', 'A', {'clean': True, 'fault': ('kodi_die', 0)}),
        ('fresh_db',),
        ('sync', 'A', CLEAN),
    ], movies=6, shows=3, episodes=2)
    assert plays(outcome, 'e0.1.2') == 1
    assert not watched(outcome, 'e0.1.2')
    assert_no_violation(outcome)


# alice watched the film and synced; bob, signed in, checked in to it twice on trakt and synced; alice signs in again
SWITCHED_BACK = [
    ('scan', 'm0'),
    ('kodi_watch', 'm0', 0),
    ('sync', 'A', CLEAN),
    ('switch', 'bob'),
    ('trakt_play', 'm0'), ('trakt_play', 'm0'),
    ('sync', 'A', CLEAN),
    ('switch', 'alice'),
]


def test_plays_another_accounts_sync_wrote_into_kodi_are_not_viewings_of_the_first_account():
    """An account switched twice on one Kodi (docs/design.md, "Identity: the trakt account"): alice watched the film
    once and synced it; bob, signed in, checked in to it twice on trakt, and bob's sync raised Kodi's count to his
    two plays. Back as alice, that raise is bob's, not a viewing: alice keeps her one play, and Kodi its count."""
    outcome = run_events(SWITCHED_BACK + [('sync', 'A', CLEAN)])
    assert plays(outcome, 'm0', 'bob') == 2
    assert plays(outcome, 'm0') == 1
    assert watched(outcome, 'm0')
    assert_no_violation(outcome)


def test_a_viewing_after_switching_back_still_counts_for_the_first_account():
    """As above, and alice then watches the film again in Kodi: that viewing is hers, one more play."""
    outcome = run_events(SWITCHED_BACK + [('kodi_watch', 'm0', 0), ('sync', 'A', CLEAN)])
    assert plays(outcome, 'm0') == 2
    assert_no_violation(outcome)


def test_a_rewatch_whose_play_was_lost_in_a_5xx_burst_is_sent_after_another_viewing():
    """Soak life 7902054 (shrunk): as above with an episode trakt already had a play of, and trakt's answers lost
    in a burst of 502s (the play may or may not have arrived): every viewing gets its play, none twice."""
    outcome = run_events([
        ('scan', 'e0.1.2'),
        ('trakt_play', 'e0.1.2'),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'e0.1.2'),
        ('kodi_watch', 'e0.1.2', 0),
        ('sync', 'A', {'clean': False, 'fault': ('5xx', 502, 5, 'POST')}),
        ('kodi_watch', 'e0.1.2', 0),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=2, episodes=2, dateadded='scan')
    assert plays(outcome, 'e0.1.2') == 3
    assert_no_violation(outcome)


def test_a_first_play_trakt_did_not_take_still_stands_for_kodis_whole_count():
    """Soak life 700082 (shrunk): a film watched in Kodi before the add-on first met it; its one play is answered
    as not taken; it is watched again. The item stays unmet, so the next sync meets it with first-sync rules: one
    play for Kodi's count of two, not two plays with a made-up time for the first."""
    outcome = run_events([
        ('scan', 'm2'),
        ('kodi_watch', 'm2', 0),
        ('sync', 'A', {'clean': False, 'fault': ('partial', 1)}),
        ('kodi_watch', 'm2', 0),
        ('sync', 'A', CLEAN),
    ], movies=3, shows=1, episodes=3, dateadded='scan')
    assert plays(outcome, 'm2') == 1
    assert_no_violation(outcome)


def test_a_play_not_taken_beside_a_scrobble_is_sent_by_the_next_sync():
    """Soak life 700011 (shrunk): a known episode viewed in Kodi and then scrobbled (Kodi +2, trakt +1: one play to
    send), which trakt answers as not taken. The next sync still sees both changes against the same record and
    sends the one play: trakt's newest play being Kodi's last viewing does not make Kodi's change a copy."""
    outcome = run_events([
        ('scan', 'e0.1.2'),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'e0.1.2', 0),
        ('scrobble', 'e0.1.2', 0),
        ('sync', 'A', {'clean': False, 'fault': ('partial', 1)}),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=1, episodes=3)
    assert plays(outcome, 'e0.1.2') == 2
    assert_no_violation(outcome)


def test_trakts_plays_another_box_wrote_into_a_lagging_copy_are_not_sent_as_viewings():
    """Soak life 7201552 (shrunk): two boxes on one library. An episode viewed in Kodi and scrobbled (Kodi 2, trakt
    1), met by box B; a second copy appears (0 plays) and box A meets the episode after one more check-in. After a
    third check-in, box B writes trakt's plays into both copies (4). Box A reads Kodi +2 and trakt +1 since it met
    the episode, but the copies' common count and lastplayed show one write, not viewings: no play is sent, and
    trakt keeps its three (one per check-in and scrobble; the first Kodi viewing stood with the scrobble at the
    first meeting)."""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('kodi_watch', 'e0.1.1', 0),
        ('scrobble', 'e0.1.1', 0),
        ('sync', 'B', CLEAN),
        ('copy', 'e0.1.1'),
        ('trakt_play', 'e0.1.1'),
        ('sync', 'A', CLEAN),
        ('trakt_play', 'e0.1.1'),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
    ], movies=3, shows=1, episodes=2, dateadded='scan')
    assert plays(outcome, 'e0.1.1') == 3
    assert_no_violation(outcome)


def test_viewings_of_two_copies_while_another_account_was_signed_in_count_as_the_largest_copys():
    """Soak life 8002711 (shrunk): a film with two copies, one watched and synced as alice; signed in as bob, the
    other copy is watched and the first scrobbled. Back as alice, her memory of the film is picked up: each copy
    gained one play, and the rule takes a copy's largest gain (choice 15, a known limit of docs/design.md): alice
    gets one play more, not two, and never one she did not make."""
    outcome = run_events([
        ('scan', 'm0'),
        ('copy', 'm0'),
        ('kodi_watch', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('kodi_watch', 'm0', 1),
        ('scrobble', 'm0', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=7, shows=3, episodes=4)
    assert plays(outcome, 'm0') == 2
    assert plays(outcome, 'm0', 'bob') == 1
    assert_no_violation(outcome)


def test_a_viewing_before_the_other_accounts_write_still_counts_when_the_memory_is_picked_up():
    """Soak life 7102326 (shrunk): alice meets an episode unwatched; as bob it is scrobbled (Kodi 1) and checked in
    once more on trakt, and bob's sync raises Kodi to his two plays. Back as alice, her memory is picked up: the
    scrobbled viewing is a change in Kodi she had not read (one play), bob's raise is not (docs/design.md)."""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('scrobble', 'e0.1.1', 0),
        ('trakt_play', 'e0.1.1'),
        ('sync', 'A', CLEAN),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=1, episodes=3)
    assert plays(outcome, 'e0.1.1') == 1
    assert plays(outcome, 'e0.1.1', 'bob') == 2
    assert_no_violation(outcome)


def test_a_viewing_wiped_by_a_fresh_database_before_any_sync_as_the_account_is_not_owed_to_it():
    """Soak life 7101575 (shrunk): as bob an episode is scrobbled; a fresh Kodi database then re-creates its row
    unwatched, and bob's sync writes his play back into it. Back as alice nothing is owed: the viewing left Kodi with
    the old database before any sync as alice could read it (choice 3), and the play in Kodi now is bob's write."""
    outcome = run_events([
        ('scan', 'e0.1.2'),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('scrobble', 'e0.1.2', 1),
        ('fresh_db',),
        ('sync', 'A', CLEAN),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=5, shows=3, episodes=3)
    assert plays(outcome, 'e0.1.2') == 0
    assert_no_violation(outcome)


def test_another_accounts_play_written_into_a_fresh_database_is_no_rewatch_for_the_first_account():
    """Soak life 8301496 (shrunk; it failed before this session too): alice's film, scrobbled and synced (one play).
    As bob, a check-in on trakt, then a fresh Kodi database re-creates the film's row unwatched, and bob's sync
    writes his play into it. Back as alice, the row reads one play with a later lastplayed than hers: once taken for
    an un-watch and a re-watch (a second play on her trakt), it is bob's write into a row Kodi had lost."""
    outcome = run_events([
        ('scan', 'm1'),
        ('scrobble', 'm1', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('trakt_play', 'm1'),
        ('fresh_db',),
        ('sync', 'A', CLEAN),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=3, shows=1, episodes=3)
    assert plays(outcome, 'm1') == 1
    assert_no_violation(outcome)


def test_a_trakt_unwatch_of_an_item_without_plays_changes_nothing():
    """Soak life 7202404 (shrunk): bob's sync wrote his play of a film into Kodi; back as alice, who has no play of
    it, the user removes the film's (empty) history on alice's trakt. No sync can see that, so with "take unwatched"
    on Kodi stays as it was, and alice's trakt gets nothing."""
    outcome = run_events([
        ('scan', 'm2'),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('trakt_play', 'm2'),
        ('sync', 'A', CLEAN),
        ('switch', 'alice'),
        ('trakt_unwatch', 'm2'),
        ('sync', 'A', CLEAN),
    ], movies=8, shows=3, episodes=2, dateadded='mtime', take_unwatched=True)
    assert plays(outcome, 'm2') == 0 and plays(outcome, 'm2', 'bob') == 1
    assert watched(outcome, 'm2')
    assert_no_violation(outcome)


def test_another_boxs_write_into_a_fresh_database_reads_as_a_rewatch_to_a_box_that_did_not_make_it():
    """Soak life 7900362 (shrunk; it failed before this session too): alice's episode watched and synced on box A;
    as bob, a check-in, a fresh Kodi database, and box B's first sync writes bob's play into the re-created row.
    Box B keeps no memory of alice, so box A, back as alice, reads a later lastplayed on a row it knew as an
    un-watch and a viewing (choice 1): alice gets bob's play as a second one. This is the known limit of the record
    of other accounts' writes: it is kept per profile (docs/design.md, "Identity: the trakt account")."""
    outcome = run_events([
        ('scan', 'e1.1.1'),
        ('kodi_watch', 'e1.1.1', 0),
        ('sync', 'A', CLEAN),
        ('switch', 'bob'),
        ('trakt_play', 'e1.1.1'),
        ('fresh_db',),
        ('sync', 'B', CLEAN),
        ('switch', 'alice'),
        ('sync', 'A', CLEAN),
    ], movies=8, shows=3, episodes=4, dateadded='mtime', two_boxes=True)
    assert plays(outcome, 'e1.1.1') == 2 and plays(outcome, 'e1.1.1', 'bob') == 1
    assert_no_violation(outcome)


def test_bobs_play_written_back_into_an_unwatched_film_is_not_a_rewatch_for_alice():
    """Soak life 7200633 (shrunk; before the record of other accounts' writes it sent alice a play for bob's write):
    box B sends alice's viewing of a film; the film is watched again, and every box signs in as bob. Box A's first
    sync as bob sends the film to bob, the film is un-watched, and box B's first sync as bob writes bob's play back
    into it (one play, a later time). Back as alice, box B must not take that write for her re-watch: the viewing
    made before the switch was un-watched since and went with its row (the model's choice 3), so she keeps one."""
    outcome = run_events([
        ('scan', 'm0'),
        ('scan', 'm5'),
        ('kodi_watch', 'm0', 0),
        ('sync', 'B', CLEAN),
        ('kodi_watch', 'm0', 1),
        ('kodi_watch', 'm5', 0),
        ('switch', 'bob'),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'm0'),
        ('sync', 'B', CLEAN),
        ('switch', 'alice'),
        ('sync', 'B', CLEAN),
    ], movies=6, shows=3, episodes=3, dateadded='scan')
    assert plays(outcome, 'm0') == 1 and plays(outcome, 'm0', 'bob') == 1
    assert_no_violation(outcome)


def test_a_film_that_lost_an_id_and_was_unwatched_on_trakt_is_not_sent_again():
    """Soak life 8501143 (shrunk): alice's film is watched from trakt; a refresh leaves Kodi its tmdb id only, and
    bob signs in. Bob's sync sends the viewing (his lists are then made from that write, with Kodi's ids); his next
    sync reads trakt's watched list again, with all the film's ids, and moves the film's entry to its imdb key. Bob
    then removes the play on trakt: no list names the imdb id any more, and the sync found no entry and sent the
    play again. The entry is found by its library row now: an un-watch on trakt, not taken."""
    outcome = run_events([
        ('scan', 'm1'),
        ('trakt_play', 'm1'),
        ('sync', 'A', CLEAN),
        ('ids', 'm1', 'tmdb'),
        ('switch', 'bob'),
        ('sync', 'A', CLEAN),
        ('trakt_play', 'm4'),
        ('sync', 'A', CLEAN),
        ('trakt_unwatch', 'm1'),
        ('sync', 'A', CLEAN),
    ], movies=8, shows=1, episodes=3, dateadded='scan')
    assert plays(outcome, 'm1', 'bob') == 0 and plays(outcome, 'm1') == 1
    assert watched(outcome, 'm1')
    assert_no_violation(outcome)


@pytest.mark.xfail(strict=True, reason='open: a newer play on trakt with the count as it was cannot be told from '
                   'another box sending a viewing this box never read (life 8601531); docs/design.md')
def test_a_viewing_on_trakt_after_an_unwatch_on_both_sides_makes_kodi_watched():
    """Soak life 8600362 (shrunk): an episode watched in Kodi is sent; then it is un-watched on trakt and in Kodi,
    and watched again on trakt (a check-in). trakt holds one play again, as at the last sync, but a newer one: a
    viewing since the last sync, which Kodi should show. Kodi stays unwatched."""
    outcome = run_events([
        ('scan', 'e0.1.1'),
        ('kodi_watch', 'e0.1.1', 0),
        ('sync', 'A', CLEAN),
        ('trakt_unwatch', 'e0.1.1'),
        ('kodi_unwatch', 'e0.1.1'),
        ('trakt_play', 'e0.1.1'),
        ('sync', 'A', CLEAN),
    ], movies=4, shows=1, episodes=2)
    assert plays(outcome, 'e0.1.1') == 1
    assert watched(outcome, 'e0.1.1')
    assert_no_violation(outcome)


def test_an_unwatch_from_another_box_does_not_remove_a_viewing_made_on_trakt_since():
    """Soak life 8800737 (shrunk), "send unwatched" on, two profiles on one library: box B sends an episode's
    viewing, box A meets it; the episode is un-watched in Kodi and box A removes its play from trakt. Then it is
    checked in on trakt. Box B, whose record still has one play on each side, read trakt's one play as no change
    and Kodi's 0 as an un-watch, and **removed the check-in from trakt**. The check-in is newer than trakt's newest
    play at box B's last sync, so nothing is removed (Kodi stays unwatched: life 8600362's limit)."""
    outcome = run_events([
        ('scan', 'e1.1.1'),
        ('kodi_watch', 'e1.1.1', 1),
        ('sync', 'B', CLEAN),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'e1.1.1'),
        ('sync', 'A', CLEAN),
        ('trakt_play', 'e1.1.1'),
        ('sync', 'B', CLEAN),
    ], movies=3, shows=2, episodes=2, dateadded='scan', send_unwatched=True)
    assert plays(outcome, 'e1.1.1') == 1
    # what is left is life 8600362's limit: Kodi does not show the check-in
    assert [(v.kind, v.item) for v in outcome.violations] == [('kodi_unwatched', 'e1.1.1')]


def test_a_viewing_another_box_sent_and_kodi_unwatched_since_is_not_made_watched_again():
    """Soak life 8601531 (shrunk; the first version of the newer-play rule made Kodi watched again): box B sends an
    episode's viewing; it is un-watched on trakt and watched again in Kodi, and box A sends that viewing; the user
    then un-watches it in Kodi. Box B sees Kodi 0 and trakt's one play newer than at its last sync, as after a
    check-in (life 8600362): the user's un-watch stays, and nothing is removed from trakt."""
    outcome = run_events([
        ('scan', 'e1.1.3'),
        ('kodi_watch', 'e1.1.3', 0),
        ('sync', 'B', CLEAN),
        ('trakt_unwatch', 'e1.1.3'),
        ('kodi_watch', 'e1.1.3', 0),
        ('sync', 'A', CLEAN),
        ('kodi_unwatch', 'e1.1.3'),
        ('sync', 'B', CLEAN),
    ], movies=4, shows=2, episodes=3)
    assert plays(outcome, 'e1.1.3') == 1
    assert not watched(outcome, 'e1.1.3')
    assert_no_violation(outcome)


@pytest.mark.xfail(strict=True, reason='open: a box cannot tell another box\'s upload of a viewing the user has '
                   'un-watched since from a new play on trakt (found by soak seed 90; failed before this session too)')
def test_a_viewing_another_box_sent_and_the_user_unwatched_since_stays_unwatched_on_a_box_that_never_read_it():
    """Soak life 9000344 (shrunk): box B meets a film unwatched; a second copy is added and watched, and box A sends
    that viewing. The user watches the first copy and then un-watches both. Box B, which never read a viewing,
    sees trakt gain a play since its record and Kodi none, and writes the play into both copies: the user's
    un-watch is undone (the model holds it sticky). The same ambiguity keeps box B from taking a check-in after an
    un-watch (life 8600362)."""
    outcome = run_events([
        ('scan', 'm1'),
        ('sync', 'B', CLEAN),
        ('copy', 'm1'),
        ('kodi_watch', 'm1', 1),
        ('sync', 'A', CLEAN),
        ('kodi_watch', 'm1', 0),
        ('kodi_unwatch', 'm1'),
        ('sync', 'B', CLEAN),
    ], movies=7, shows=1, episodes=4, dateadded='scan')
    assert plays(outcome, 'm1') == 1
    assert not watched(outcome, 'm1')
    assert_no_violation(outcome)
