"""The reference model: what a user expects of trakt and Kodi after each sync, from every real viewing.

It knows the life's events, not the engine: a viewing in Kodi, a check-in on trakt, the same viewing on both sides
(a scrobbler), un-watches, files coming and going, sign-ins, which Kodi box syncs. It never reads the engine's
baseline.

The rule it holds the sync to (docs/design.md, "The merge"): each Kodi box compares the changes of both sides since
it last settled the item. Box X settling an item whose Kodi side gained dk viewings and trakt side dt plays since
X last settled it sends max(0, dk - dt) plays, so trakt ends with what it had at X's last settlement plus
max(dk, dt): a check-in and a separate Kodi viewing between the same two syncs are ONE play (a known limit of the
rule). A box that meets an item for the first time (its first sync, or rows it never saw) uses first-sync rules:
one play for an item watched only in Kodi, none when trakt has one, Kodi takes trakt's plays when it has none.

Per trakt account and item it keeps a small set of *worlds*, each one an exact hypothesis
``(base, pending, sticky, kodi, trakt, marks)``:

* ``kodi``/``trakt``: running counts of the changes on each side (Kodi viewings as a sync read them; trakt plays
  added, by anyone, and ``-base`` after the user removed every play on trakt), from trakt's ``base`` plays;
  ``base + trakt`` is what trakt holds.
* ``marks``: per box that knows the item, ``(box, kodi, trakt)`` when it last settled it; a box without a mark meets
  the item anew. No mark at all: the account never met the item.
* ``pending``: an un-watch not settled by a sync yet (``'kodi'``/``'trakt'``).
* ``sticky``: how Kodi's watched state is judged: ``None`` (watched iff trakt has plays), ``'kodi'`` (the user
  un-watched in Kodi and "send unwatched" is off: Kodi stays unwatched while trakt keeps its plays), ``'trakt'``
  (un-watched on trakt, "take unwatched" off: Kodi keeps what it has), ``'any'`` (ambiguous, not judged).

A sync that hit a fault may or may not have settled an item, and may have sent plays whose answer was lost: such a
sync forks the worlds (settled / not settled / not settled but sent); trakt's plays prune them before the next sync.
Checks after each sync:

* plays: never more than the largest world allows (none doubled, none invented); after a fault-free sync with no
  write pending, exactly one world's count (none missing);
* Kodi (after a fault-free sync): watched iff a viewing exists, i.e. as the matching world's ``sticky`` says; two
  copies of a film are one item, watched if either is;
* collection: nothing leaves it except by an approved clean of an item gone from a completely read Kodi library;
  after a fault-free sync every library item is collected;
* accounts not signed in stay as they were;
* every ``*.json`` in the profile folders parses.

Choices where the rule is ambiguous (reported with the soak's findings):

1. A new viewing of an item (either side) after an un-watch and before the sync that would settle it voids the
   un-watch: the item is watched, the plays removed on trakt stay removed; Kodi viewings after an un-watch count
   above the count the box last saw, and as one viewing at least (Kodi's lastplayed is new).
2. A Kodi un-watch un-watches every copy of the film (the user marks the title unwatched).
3. A Kodi viewing whose row is deleted (file moved or removed, fresh database) before any sync read it is not owed:
   Kodi no longer shows it, nothing could send it.
4. Signing in to an account (another one, or back to an earlier one) is a fresh start for that account: the items
   are met again (watched in Kodi and no play on that account -> one play), viewings made while another account
   was signed in are not owed to it. What a box's syncs as another account wrote into Kodi is no change in Kodi for
   that box's memory of this account (docs/design.md, other_accounts.py); another box reads it as one.
5. Each Kodi box has its own profile, so "met" is per box (decided with the lead): a second box meeting an item
   uses first-sync rules; a viewing another box has not sent yet stays with that box's window.
6. A truncated ``baseline.json`` lets the box forget: every item may be met again by it (first-sync rules).
7. A file moved or re-added after a settled Kodi un-watch (without "send unwatched"): the item is new (choice 14).
8. The un-watch options are fixed per life (drawn once), so the sync that settles an un-watch uses the options the
   user had when un-watching.
9. A Kodi un-watch of an item that no sync saw watched in Kodi (e.g. scrobbled, then un-watched before a sync) is
   not an un-watch for the sync: Kodi follows trakt, as for any item trakt has and Kodi has not.
10. "Every profile file is readable JSON after each sync" is judged on the files the sync wrote: a file the life
   truncated and the sync did not need is left as it is.
11. A play added on trakt and an un-watch in Kodi between the same two syncs cannot be ordered by any sync (Kodi
   keeps no date of an un-watch): Kodi's state is not judged, trakt may keep its plays or (send unwatched) lose
   them.
12. Removing an item's plays on trakt is a loss on trakt's side, not a gain: Kodi viewings since the box last
   settled the item are sent (again); without any, the next sync settles an un-watch on trakt.
13. A scrobble is a Kodi viewing and a trakt play at once: the rule counts them as one.
15. The rule takes an item's largest gain over its copies (docs/design.md, "Identity: library rows"), so viewings
   of two different copies since a box last synced may count as one play (a known limit): allowed.
16. Copies are one item, watched if either is, and are not kept in step: a viewing of a copy that reads fewer plays
   than another copy of its film does not raise the film's play count, so a box may read it as part of the
   film's other changes; and a copy a box has not read yet, or one that lagged, gains one viewing at most in its
   reading (more is taken for another box's write). Either way every box may count one play fewer at its next
   read of the film (a known limit). A sync that writes trakt's plays into a film with a lagging copy brings that
   copy up by more than one: the other boxes may count one play fewer as well.
17. Un-watching every item a box last read watched (two or more rows) reads, to that box, like a fresh Kodi
   database that re-created the rows with their old ids and dates (choice 14): the sync takes the reading that
   loses nothing, so an item whose rows lost plays may be met anew (Kodi takes trakt's plays back) besides being
   an un-watch. docs/design.md, "Identity: library rows".
18. A sync that raises Kodi's count to trakt's without a later viewing time than Kodi had (the item was watched on
   both sides with fewer plays in Kodi) leaves Kodi's lastplayed as it was, and another box takes such a change
   for a copy brought up, not a viewing: the other boxes may not count it.
19. Plays removed on trakt and new ones added before the next sync can bring trakt back to the count that sync
   last saw: it sees no change on trakt. If Kodi was un-watched in between, Kodi's state is not judged (as 11).
20. A Kodi viewing after a Kodi un-watch (settled: Kodi stays unwatched while trakt keeps its plays; or not settled
   yet, a fresh database's reading among them), un-watched again before any sync read it, leaves nothing a sync can
   see (Kodi's count and lastplayed are as they were before it): the worlds are those before the viewing, and the
   viewing is not owed (as in choice 3).
21. A sync that hit a fault may have kept nothing of its read of Kodi (Kodi quit before anything was recorded), so
   the box may still know the rows it read before: a fresh database re-creating one of those with its old id and
   date may read to it as that row un-watched (choice 14's limit).
14. An item whose rows are all gone and come back as rows no sync saw (moved, "Clean library" + rescan, a fresh
   database) is new for every box: Kodi viewings on the new rows before a sync are its history (one play when
   trakt has none). A fresh database that re-creates a row with its old id AND date cannot be told from an
   un-watch of that row (the engine's known limit, docs/design.md): both readings are allowed.
"""
import json
import os


class Violation(object):
    def __init__(self, sync, kind, item, detail):
        self.sync = sync
        self.kind = kind
        self.item = item
        self.detail = detail

    def __repr__(self):
        return 'sync #{} {} {}: {}'.format(self.sync, self.kind, self.item or '', self.detail)


def _world(base, pending=None, sticky=None, kodi=0, trakt=0, marks=()):
    """See the module docstring; ``marks`` is kept sorted so equal hypotheses are one."""
    return (base, pending, sticky, kodi, trakt, tuple(sorted(marks)))


def _plays(world):
    """What trakt holds in this world."""
    return world[0] + world[4]


def _mark_of(world, box):
    for name, kodi, trakt in world[5]:
        if name == box:
            return kodi, trakt
    return None


def _with_mark(marks, box, kodi, trakt):
    return tuple(m for m in marks if m[0] not in (box, DORMANT + box)) + ((box, kodi, trakt),)


DORMANT = '~'   # a mark of rows that are gone: the box may still know them if they come back with id and date


def _met(marks):
    return any(not m[0].startswith(DORMANT) for m in marks)


def _asleep(marks):
    return tuple((m[0] if m[0].startswith(DORMANT) else DORMANT + m[0],) + tuple(m[1:]) for m in marks)


def _awake(marks):
    return tuple((m[0].lstrip(DORMANT),) + tuple(m[1:]) for m in marks)


class Reference(object):
    def __init__(self, items, trakt_ids, send_unwatched, take_unwatched, account):
        self.items = list(items)                 # every catalog item key
        self.trakt_ids = trakt_ids               # item -> (kind, trakt id)
        self.send_unwatched = send_unwatched
        self.take_unwatched = take_unwatched
        self.account = account
        self.worlds = {account: {item: {_world(0)} for item in self.items}}
        self.unseen = {}                         # (table, kodi_id) -> Kodi viewings no sync has read
        self.kodi_synced_watched = {}            # item -> watched in Kodi when the last sync that read Kodi ended
        self.trakt_since_read = {}               # item -> a play was added on trakt since the last sync read Kodi
        self.unwatch_then_unseen = {}            # item -> its worlds when a viewing ended a Kodi un-watch
        self.frozen = {}                         # account not signed in -> (plays, collection) at sign-out
        self.syncs = 0
        self.plays_checked = 0
        self.away = {}                           # account -> item -> Kodi viewings since it was signed out
        # account -> item -> box -> the change of Kodi's count that box's syncs as other accounts wrote since the
        # account was signed out: the box recorded it for the account (other_accounts.py), the other boxes did not
        self.written_away = {}
        self.away_rows = {}                      # account -> item -> {row: those viewings on it} (choice 15)
        self.away_unwatched = {}                 # account -> items un-watched in Kodi since it was signed out
        self.read_at_signout = {}                # account -> item -> Kodi's count as its last sync read it
        self.away_rewatched = {}                 # account -> items watched after such an un-watch
        self.memories = set()                    # (box, account): the box synced as the account
        self.copies_viewed = {}                  # (box, item) -> rows with viewings read since the box's last read
        self.lagging_viewed = set()              # (box, item): a lagging copy was viewed since the box's last read
        self.rows_at_read = {}                   # (box, account) -> {row token: (item, playcount)} after its read
        self.read_faulty = {}                    # (box, account) -> that read's sync hit a fault
        self.rows_before_fault = {}              # (box, account) -> rows read before its faulty reads (choice 21)
        self.saved = {}                          # account signed out -> its worlds then

    def _map(self, item, change):
        worlds = self.worlds[self.account]
        new = set()
        for w in worlds[item]:
            for changed in change(*w):
                new.add(changed)
        worlds[item] = new

    # -- events ------------------------------------------------------------------------------------------------
    def _touch_viewing(self, item):
        """A new viewing voids an unsettled un-watch and ends a sticky un-watch (choice 1)."""
        self._map(item, lambda b, pe, st, k, t, marks: [_world(b, None, None, k, t, marks)])

    def kodi_viewing(self, item, row_key, lagging=False):
        worlds = self.worlds[self.account][item]
        if item not in self.unwatch_then_unseen and any('kodi' in (w[1], w[2]) for w in worlds):
            self.unwatch_then_unseen[item] = set(worlds)   # choice 20
        self._touch_viewing(item)
        self.unseen[row_key] = self.unseen.get(row_key, 0) + 1
        self._away_viewing(item, row_key)
        if lagging:
            self._lagging_viewed(item)

    def unread_by_a_box(self, token):
        """Whether some box that synced as this account has not read the row ``token``."""
        return any(account == self.account and token not in rows
                   for (_box, account), rows in self.rows_at_read.items())

    def _lagging_viewed(self, item):
        """A copy that read fewer plays than its film was viewed (choice 16): every box may count one play fewer
        the next time it reads the item."""
        for box in set(name for name, _account in self.memories) | {'A', 'B'}:
            self.lagging_viewed.add((box, item))

    def _away_viewing(self, item, row_key):
        for account in self.away:
            if account != self.account:
                self.away[account][item] = self.away[account].get(item, 0) + 1
                rows = self.away_rows.setdefault(account, {}).setdefault(item, {})
                rows[row_key] = rows.get(row_key, 0) + 1
                if item in self.away_unwatched.get(account, ()):
                    # the viewing voids the un-watch and counts as one at least (choice 1)
                    self.away_unwatched[account].discard(item)
                    self.away_rewatched.setdefault(account, set()).add(item)

    def trakt_play(self, item):
        self.unwatch_then_unseen.pop(item, None)   # choice 20 is about Kodi viewings alone
        # choice 19: after every play was removed on trakt, new plays that bring trakt back to the count a sync
        # last saw look like no change on trakt to that sync; if Kodi was un-watched meanwhile, its state is not
        # judged (as in choice 11)
        removed_on_trakt = any(w[1] == 'trakt' for w in self.worlds[self.account][item])
        self._touch_viewing(item)
        self.trakt_since_read[item] = True
        self._map(item, lambda b, pe, st, k, t, marks: [_world(b, pe, st, k, t + 1, marks)] + (
            [_world(b, pe, 'any', k, t + 1, marks)] if removed_on_trakt else []))

    def scrobble(self, item, row_key, lagging=False):
        """One viewing recorded on both sides at once (choice 13)."""
        self.trakt_play(item)
        self.unseen[row_key] = self.unseen.get(row_key, 0) + 1
        self._away_viewing(item, row_key)
        if lagging:
            self._lagging_viewed(item)

    def kodi_unwatch(self, item, row_keys, counts):
        """Every copy marked unwatched: Kodi's count drops to 0 (``counts``: the rows' playcounts before). A box
        compares counts, so a viewing after the un-watch is a gain only above what the box last saw (choice 1)."""
        unseen = max([self.unseen.pop(key, 0) for key in row_keys] or [0])
        read = max(0, max(counts or [0]) - unseen)   # Kodi's count as the last sync read it
        self._away_unwatch(item)

        if self.trakt_since_read.get(item):
            # choice 11: a play on trakt and an un-watch in Kodi since the last sync: no sync can tell their order
            # (Kodi keeps no date of an un-watch), so Kodi's state is not judged and trakt may keep or lose the plays
            self._map(item, lambda b, pe, st, k, t, marks: [_world(b, None, 'any', k - read, t, marks)]
                      + ([_world(b, 'kodi', 'any', k - read, t, marks)] if _met(marks) and self.send_unwatched
                         else []))
            return
        if not self.kodi_synced_watched.get(item):
            before = self.unwatch_then_unseen.pop(item, None)
            if before is not None and read == 0:
                # choice 20: the viewings since the last sync read Kodi are un-watched again before any sync saw
                # them, after a Kodi un-watch (settled, pending, or a fresh database's reading): as if unviewed
                self.worlds[self.account][item] = before
                return
            # choice 9: no sync saw the item watched in Kodi, so there is nothing to un-watch for the sync: Kodi
            # follows trakt as for any item unwatched in Kodi
            self._map(item, lambda b, pe, st, k, t, marks: [_world(b, pe, st, k - read, t, marks)])
            return
        self._map(item, lambda b, pe, st, k, t, marks: [_world(b, 'kodi' if _met(marks) else None,
                                                               st if _met(marks) else None, k - read, t, marks)])

    def _away_unwatch(self, item):
        """Kodi's count of ``item`` is 0 again (an un-watch, or a fresh database re-creating its rows with their old
        ids and dates): for each signed-out account whose last sync read it watched, the change since is minus what
        it read, and an un-watch when its memory is picked up."""
        for account in self.away:
            read = self.read_at_signout.get(account, {}).get(item, 0)
            if account != self.account and read:
                self.away[account][item] = -read
                self.written_away.get(account, {}).pop(item, None)
                self.away_rows.get(account, {}).pop(item, None)
                self.away_unwatched.setdefault(account, set()).add(item)
                self.away_rewatched.get(account, set()).discard(item)

    def trakt_unwatch(self, item, on_trakt):
        """The user removed every play trakt had (choice 12)."""
        self.unwatch_then_unseen.pop(item, None)
        # where trakt holds no play there is nothing to remove: no sync can see such an un-watch
        self._map(item, lambda b, pe, st, k, t, marks: [_world(b, pe, st, k, t, marks) if b + t == 0 else
                                                        _world(b, 'trakt' if _met(marks) else None, st, k, -b,
                                                               marks)])

    def rows_gone(self, item, row_keys, renewed=True, same_rows=False, counts=(), tokens=()):
        """Rows deleted (moved, removed, fresh database): unseen viewings on them are lost (choice 3).

        ``renewed``: every row of the item is gone, so the rows it gets next are rows no sync has seen: the item is
        new for every box (choice 14). ``same_rows``: a fresh database gave the item rows with the ids AND dates of
        rows the sync knew: either reading (choice 14) for the boxes whose last read saw one of ``tokens`` (the
        item's rows now); a box that never read them meets them as new rows."""
        self.unwatch_then_unseen.pop(item, None)
        unseen = max([self.unseen.pop(key, 0) for key in row_keys] or [0])
        read = max(0, max(counts or [0]) - unseen)   # Kodi's count as the last sync read it; the new rows read 0
        for account, items in self.away_rows.items():
            # viewings made while the account was signed out are gone with their rows too (choice 3)
            viewed = items.get(item, {})
            lost = sum(viewed.pop(key, 0) for key in row_keys)
            if lost and account in self.away:
                self.away[account][item] = self.away[account].get(item, 0) - lost
        knowing = set(box for (box, account), rows in self.rows_at_read.items()
                      if account == self.account and any(
                          token in rows or token in self.rows_before_fault.get((box, account), ())
                          for token in tokens))
        if same_rows:
            self._away_unwatch(item)
            # choice 14's limit: a viewing on such a row shows only as a later lastplayed, which a sync whose
            # write to trakt was left in doubt in between can pair with that write: one play fewer may follow
            self._lagging_viewed(item)
        self.kodi_synced_watched[item] = False   # no sync saw the new rows yet (choice 9)

        def change(b, pe, st, k, t, marks):
            if same_rows:
                known = tuple(m for m in _awake(marks) if m[0] in knowing) + tuple(
                    m for m in _asleep(marks) if m[0].lstrip(DORMANT) not in knowing)
                return [_world(b, None, None, k - read, t, _asleep(marks)),
                        _world(b, 'kodi' if _met(known) else None, None, k - read, t, known)]
            if renewed:
                # the new rows read 0: Kodi's count drops (it matters if the old rows come back, choice 14)
                return [_world(b, None, None, k - read, t, _asleep(marks))]
            return [_world(b, pe, st, k, t, marks)]
        self._map(item, change)

    def switch_account(self, new, old_plays, old_collection, new_plays, library):
        """Sign-in to ``new`` (choice 4); ``old`` is frozen as it is now.

        Two readings are allowed for an account signed in again: a fresh start (the items are met again), or its
        old memory picked up by the boxes that synced as it (docs/design.md, "Identity: the trakt account"), in
        which case the Kodi viewings made while it was signed out, and those not sent before it was, are owed to
        it as well, and an un-watch made in Kodi meanwhile is an un-watch for it. Plays Kodi took from the other
        account's history are not viewings and are owed to nobody."""
        self.unwatch_then_unseen = {}
        old = self.account
        self.frozen[old] = (old_plays, old_collection)
        self.frozen.pop(new, None)
        away_old = self.away.setdefault(old, {})
        read_old = self.read_at_signout[old] = {}
        for item in library.items():
            rows = library.rows_of(item)
            unseen = [self.unseen.get((library.kind_of(item), r.kodi_id), 0) for r in rows]
            if sum(unseen):
                away_old[item] = away_old.get(item, 0) + sum(unseen)
                viewed = self.away_rows.setdefault(old, {}).setdefault(item, {})
                for r, count in zip(rows, unseen):
                    if count:
                        key = (library.kind_of(item), r.kodi_id)
                        viewed[key] = viewed.get(key, 0) + count
            # Kodi's count as the account's last sync read it: an un-watch while it is away drops that much
            read_old[item] = max(0, max([r.playcount for r in rows] or [0]) - max(unseen or [0]))
        self.saved[old] = self.worlds[old]
        self.account = new
        away = self.away.pop(new, {})
        written_away = self.written_away.pop(new, {})
        away_rows = self.away_rows.pop(new, {})
        away_unwatched = self.away_unwatched.pop(new, set())
        for item in self.away_rewatched.pop(new, set()):
            away[item] = max(1, away.get(item, 0))
        saved = self.saved.pop(new, {})
        boxes = sorted(box for box, account in self.memories if account == new)
        self.worlds[new] = {}
        for item in self.items:
            plays = new_plays.get(self.trakt_ids[item], 0)
            worlds = {_world(plays)}
            written = written_away.get(item, {})
            if boxes:
                # its memory picked up: the worlds it was left in, Kodi's changes since added (viewings, and what
                # syncs as another account wrote into Kodi: the library is one)
                # un-watched in Kodi while signed out (and not watched since), or before it and not settled yet: an
                # un-watch for the memory picked up
                pending = 'kodi' if item in away_unwatched else None
                # what a box's syncs as the other account wrote into Kodi is in that box's memory of this one as
                # well: no change for it (other_accounts.py); the other boxes read it as one
                changed = away.get(item, 0) + sum(written.values())
                picked_up = [(b, pe, k, t, [(m[0], m[1] + written.get(m[0], 0), m[2]) for m in marks])
                             for b, pe, _st, k, t, marks in saved.get(item, ()) if _met(marks)]
                viewed = away_rows.get(item, {})
                # the rule takes a copy's largest gain: viewings of several copies meanwhile may count as the most
                # any one of them had (choice 15)
                fewer = sum(viewed.values()) - max(viewed.values()) if item in away and viewed else 0
                for less in set([0, fewer]):
                    worlds |= set(_world(b, pending or pe, 'any', k + changed - less, t, marks)
                                  for b, pe, k, t, marks in picked_up)
                if pending and any(count > 0 and any(box != writer for box in boxes)
                                   for writer, count in written.items()):
                    # a box that did not record another box's write after the un-watch reads it as a viewing after
                    # an un-watch (choice 1)
                    worlds |= set(_world(b, None, 'any', k + max(1, changed), t, marks)
                                  for b, _pe, k, t, marks in picked_up)
                worlds.add(_world(plays, None, 'any', changed, 0, [(box, written.get(box, 0), 0) for box in boxes]))
            self.worlds[new][item] = worlds
        self.unseen = {}

    def forgot_baseline(self, box):
        """A box lost its memory (choice 6): it may meet every item again."""
        self.unwatch_then_unseen = {}
        worlds = self.worlds[self.account]
        for item in self.items:
            worlds[item] = worlds[item] | set(_world(b, pe, st, k, t, [m for m in marks
                                                                       if m[0] not in (box, DORMANT + box)])
                                              for b, pe, st, k, t, marks in worlds[item])

    # -- a sync ------------------------------------------------------------------------------------------------
    def before_sync(self, library, world, profiles=(), box='A'):
        """What the sync will read: per library item, Kodi's watched state and the Kodi viewings not read yet.
        Worlds whose trakt plays are not what trakt holds now are dropped (nothing is in trakt's queue)."""
        self.unwatch_then_unseen = {}   # a sync ends choice 20's window, whether it reads Kodi or not
        self.syncs += 1
        state = {}
        viewed_rows = {}
        newest = world.newest_plays(self.account)
        for item in library.items():
            rows = library.rows_of(item)
            # the rule takes a copy's largest gain: viewings of two copies between two syncs count once (choice 15)
            unseen = max([self.unseen.get((library.kind_of(item), r.kodi_id), 0) for r in rows] or [0])
            lastplayed = max([r.lastplayed for r in rows if r.lastplayed is not None] or [None], key=str)
            # the merge's copy rule: trakt's newest play at the minute of Kodi's last viewing (a scrobble, or a
            # write of the other box), docs/design.md "The merge"
            same_last = (lastplayed is not None
                         and lastplayed.strftime('%Y-%m-%dT%H:%M') == newest.get(self.trakt_ids[item]))
            state[item] = (library.watched(item), unseen, max([r.playcount for r in rows] or [0]), same_last)
            viewed_rows[item] = set(r.kodi_id for r in rows
                                    if self.unseen.get((library.kind_of(item), r.kodi_id)))
        self._allow_rebuilt_reading(library, box)
        counts = world.play_counts(self.account)
        if not world.pending_commits():
            worlds = self.worlds[self.account]
            for item in self.items:
                actual = counts.get(self.trakt_ids[item], 0)
                matching = set(w for w in worlds[item] if _plays(w) == actual)
                if matching:
                    worlds[item] = matching
        self._before = {
            'state': state, 'reads': library.reads_ok, 'box': box, 'viewed_rows': viewed_rows,
            # items with a copy that lags behind another (choice 16)
            'lagging': set(item for item in library.items()
                           if len(set(r.playcount for r in library.rows_of(item))) > 1),
            'lastplayed': dict((item, _last_minute(library.rows_of(item))) for item in library.items()),
            'collected': world.collected(self.account), 'offline': library.offline,
            'files': dict((path, _stamp(path)) for path in profiles if path.endswith('.json')),
        }

    def _allow_rebuilt_reading(self, library, box):
        """Choice 17: every row the box last read watched (two or more) reads unwatched, as after a fresh Kodi
        database that re-created rows with their old ids and dates. The sync cannot tell that from the user
        un-watching each of them and takes the reading that loses nothing: an item whose rows lost plays may be met
        anew by the box (first-sync rules), besides being an un-watch."""
        known = self.rows_at_read.get((box, self.account))
        if not known:
            return
        watched_tokens = set(token for token, (_item, count) in known.items() if count)
        if len(watched_tokens) < 2:
            return
        now = dict((_token(library, r), (item, r.playcount)) for item in library.items()
                   for r in library.rows_of(item))
        present = [now[token][1] for token in watched_tokens if token in now]
        # after a sync that hit a fault the box may not have recorded every row it read: a row read watched may be
        # one the sync does not know, so only the rows that now read 0 count
        if self.read_faulty.get((box, self.account)):
            present = [count for count in present if not count]
        if len(present) < 2 or any(present):
            return
        dropped = set(item for token, (item, count) in now.items()
                      if token in known and count < known[token][1])
        worlds = self.worlds[self.account]
        for item in dropped:
            worlds[item] = worlds[item] | set(
                _world(b, None, None, k, t, [m for m in marks if m[0] not in (box, DORMANT + box)])
                for b, _pe, _st, k, t, marks in worlds[item])

    def after_sync(self, library, world, faulty, status, clean, profiles, now):
        violations = []

        def violation(kind, item, detail):
            violations.append(Violation(self.syncs, kind, item, detail))

        before = self._before
        read = library.reads_ok > before['reads']
        # a write trakt commits late is visible before the next sync reads trakt (the life's next sync comes at
        # least 300 s later, life.py); one still in trakt's queue now may be missing
        fault_free = not faulty and not world.pending_commits()
        if not faulty and status != 'ok':
            violation('sync_failed', None, 'a sync without faults ended {}'.format(status))
        worlds = self.worlds[self.account]
        if read:
            box = before['box']
            self.memories.add((box, self.account))
            for item, rows_viewed in before['viewed_rows'].items():
                for other in set(name for name, _account in self.memories) | {box}:
                    self.copies_viewed.setdefault((other, item), set()).update(rows_viewed)
            for item, (watched, unseen, count, same_last) in before['state'].items():
                # the rule takes a copy's largest gain: viewings of two copies since this box's last sync may count
                # once (choice 15)
                viewed_rows = self.copies_viewed.pop((box, item), ())
                spread = len(viewed_rows) >= 2
                if (box, item) in self.lagging_viewed:
                    if not faulty:   # a sync that hit a fault may not have settled the item: it reads it again
                        self.lagging_viewed.discard((box, item))
                    spread = True
                # what the sync itself wrote into Kodi is a change in Kodi for the other boxes
                rows = library.rows_of(item)
                written = max([r.playcount for r in rows] or [0]) - count
                if written > 0 and item in before['lagging']:
                    # the write brought a lagging copy up: to the other boxes that is a copy gaining plays it did
                    # not view (choice 16)
                    for other, account in self.memories:
                        if account == self.account and other != box:
                            self.lagging_viewed.add((other, item))
                for account in self.away:
                    if account != self.account and written:
                        by_box = self.written_away.setdefault(account, {}).setdefault(item, {})
                        by_box[box] = by_box.get(box, 0) + written
                worlds[item] = self._read(worlds[item], box, watched, unseen, faulty, written, same_last, spread,
                                          bool(viewed_rows))
                if written > 0 and _last_minute(rows) == before['lastplayed'].get(item):
                    # the write carried no later viewing time than Kodi had (it raised Kodi's count to trakt's):
                    # another box may take it for a copy brought up, not a viewing (docs/design.md, choice 18)
                    worlds[item] |= set(_world(b, pe, st, k, t, [(m[0], m[1] + written, m[2]) if m[0] != box else m
                                                                 for m in marks])
                                        for b, pe, st, k, t, marks in worlds[item])
            self.unseen = {}
            if faulty:   # choice 21: the sync may have kept nothing of this read
                remembered = dict(self.rows_before_fault.get((box, self.account), {}))
                remembered.update(self.rows_at_read.get((box, self.account), {}))
                self.rows_before_fault[(box, self.account)] = remembered
            else:
                self.rows_before_fault.pop((box, self.account), None)
            self.rows_at_read[(box, self.account)] = dict((_token(library, r), (item, r.playcount))
                                                          for item in library.items() for r in library.rows_of(item))
            self.read_faulty[(box, self.account)] = faulty
            self.kodi_synced_watched = dict((item, library.watched(item)) for item in library.items())
            self.trakt_since_read = {}
            self.unwatch_then_unseen = {}
        counts = world.play_counts(self.account)
        for item in self.items:
            actual = counts.get(self.trakt_ids[item], 0)
            candidates = worlds[item]
            self.plays_checked += 1
            top = max(_plays(w) for w in candidates)
            if actual > top:
                violation('plays_extra', item, 'trakt has {} plays, at most {} expected ({})'.format(
                    actual, top, _describe(candidates)))
                worlds[item] = {_world(actual, None, None, 0, 0, [(before['box'], 0, 0)])}
                continue
            if not fault_free or not read:
                continue
            matching = set(w for w in candidates if _plays(w) == actual)
            if not matching:
                violation('plays_missing', item, 'trakt has {} plays, expected {}'.format(
                    actual, _describe(candidates)))
                worlds[item] = {_world(actual, None, None, 0, 0, [(before['box'], 0, 0)])}
                continue
            worlds[item] = matching
            rows = library.rows_of(item)
            if rows:
                watched = library.watched(item)
                if not any(_kodi_ok(w, watched) for w in matching):
                    violation('kodi_watched' if watched else 'kodi_unwatched', item,
                              'Kodi {} ({}), trakt {} plays, expected {}'.format(
                                  'watched' if watched else 'not watched',
                                  ', '.join('#{} pc={}'.format(r.kodi_id, r.playcount) for r in rows), actual,
                                  _describe(matching)))
                    worlds[item] = set(_world(b, None, 'any', k, t, marks) for b, _pe, _st, k, t, marks in matching)
        violations.extend(self._check_collection(library, world, faulty, clean, fault_free))
        for account, (plays, collection) in self.frozen.items():
            if world.play_counts(account) != plays:
                violation('other_account', None, 'plays of signed-out account {} changed'.format(account))
                self.frozen[account] = (world.play_counts(account), collection)
            if world.collected(account) != collection:
                violation('other_account', None, 'collection of signed-out account {} changed'.format(account))
                self.frozen[account] = (plays, world.collected(account))
        for path in profiles:
            if not path.endswith('.json'):
                continue
            if before['files'].get(path) == _stamp(path):
                continue   # choice 10: a file the sync did not write is not judged (the life may have cut it)
            try:
                with open(path, 'rb') as handle:
                    json.loads(handle.read().decode('utf-8'))
            except ValueError as exc:
                violation('profile_file', None, '{} is not readable JSON after the sync: {}'.format(
                    os.path.basename(path), exc))
        return violations

    def _read(self, worlds, box, watched, unseen, faulty, written=0, same_last=False, spread=False,
              viewed=False):
        """Box ``box`` read the item in Kodi: it takes the unseen viewings and settles the item by the rule (see the
        module docstring), or meets it with first-sync rules. Under a fault it may not have settled it (the world
        as it was), and may have sent plays whose answer was lost (trakt's side gained them). ``written``: the
        change the sync made to Kodi's count, a change in Kodi for the other boxes (and for this one when it did
        not record it)."""
        new = set()
        for base, pending, sticky, kodi, trakt, marks in worlds:
            was_pending, was_sticky = pending, sticky   # what a fault that kept the box from settling leaves
            kodi += unseen
            plays = base + trakt
            mark = _mark_of((base, pending, sticky, kodi, trakt, marks), box)
            if mark is None:
                # first sync of the item for this box: one play for an item watched only in Kodi, Kodi takes
                # trakt's plays when it has none, nothing when both have it
                sent = 1 if watched and plays == 0 else 0
                if sent or (not watched and plays):
                    pending, sticky = None, None
                new.add(_world(base, pending, sticky, kodi + written, trakt + sent,
                               _with_mark(marks, box, kodi + written, trakt + sent)))
                if faulty:
                    new.add(_world(base, was_pending, was_sticky, kodi + written, trakt, marks))
                    if sent:
                        new.add(_world(base, was_pending, was_sticky, kodi + written, trakt + sent, marks))
                continue
            gained_kodi = max(0, kodi - mark[0])
            unsettled = marks
            if not gained_kodi and viewed and watched:
                gained_kodi = 1   # un-watched and watched again since: fewer plays, but a new lastplayed (choice 1)
                # not settled, the box still sees that viewing next time
                unsettled = _with_mark(marks, box, kodi + written - 1, mark[1])
            gained_trakt = max(0, trakt - mark[1])
            if pending == 'trakt' and gained_kodi:
                pending, sticky = None, None   # Kodi's viewings are sent: watched on both sides again
            sent = max(0, gained_kodi - gained_trakt)
            if same_last and bool(gained_kodi) != bool(gained_trakt):
                sent = 0   # the one-sided gain is a copy of the other side's last viewing (docs/design.md)
            elif 'kodi' in (pending, sticky) and gained_trakt > gained_kodi:
                # this box never saw the item watched in Kodi (choice 9): trakt gained plays, Kodi takes them
                pending, sticky = None, None
            for fewer in range(sent + 1 if spread else 1):
                after, sticky_after = _settle(plays + sent - fewer, pending, sticky, self.send_unwatched,
                                              self.take_unwatched)
                new.add(_world(base, None, sticky_after, kodi + written, after - base,
                               _with_mark(marks, box, kodi + written, after - base)))
            if faulty:
                new.add(_world(base, was_pending, was_sticky, kodi + written, trakt, unsettled))
                if sent:
                    new.add(_world(base, was_pending, was_sticky, kodi + written, trakt + sent, unsettled))
                if sent > 1:
                    # trakt confirmed one play fewer: the box recorded what it took, the other viewing is still
                    # a change in Kodi for it
                    new.add(_world(base, None, sticky_after, kodi + written, trakt + sent - 1,
                                   _with_mark(marks, box, kodi + written - 1, trakt + sent - 1)))
        return new

    def _check_collection(self, library, world, faulty, clean, fault_free):
        out = []
        before = self._before
        after = world.collected(self.account)
        in_library = set(self.trakt_ids[item] for item in library.items())
        for key in sorted(before['collected'] - after):
            allowed = clean and key not in in_library and not before['offline']
            if not allowed:
                out.append(Violation(self.syncs, 'collection_removed', _item_of(self.trakt_ids, key),
                                     'left the trakt collection (clean: {}, in Kodi: {}, source offline: {})'.format(
                                         clean, key in in_library, before['offline'])))
        if fault_free:
            for key in sorted(in_library - after):
                out.append(Violation(self.syncs, 'collection_missing', _item_of(self.trakt_ids, key),
                                     'in the Kodi library, not collected after a sync without faults'))
        return out


def _last_minute(rows):
    """The latest ``lastplayed`` of ``rows`` to the minute, or None."""
    times = [r.lastplayed for r in rows if r.lastplayed is not None]
    return max(times).strftime('%Y-%m-%dT%H:%M') if times else None


def _token(library, row):
    """A library row as the sync knows it: its table, Kodi id and date added."""
    return (library.kind_of(row.item), row.kodi_id, row.dateadded)


def _stamp(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except OSError:
        return None


def _settle(plays, pending, sticky, send_unwatched, take_unwatched):
    """``(trakt's plays, sticky)`` once a box settled the item's un-watch, if any."""
    if pending == 'kodi':
        if send_unwatched:
            return 0, None
        return plays, 'kodi'
    if pending == 'trakt':
        if take_unwatched:
            return plays, None
        return plays, 'trakt'
    return plays, sticky


def _kodi_ok(world, watched):
    sticky = world[2]
    if sticky == 'kodi':
        return not watched
    if sticky in ('trakt', 'any'):
        return True
    return watched == (_plays(world) > 0)


def _describe(worlds):
    return ' | '.join('{}{}{}{}'.format(_plays(w), '' if _met(w[5]) else ' unmet', ' pending ' + w[1] if w[1] else '',
                                         ' sticky ' + w[2] if w[2] else '')
                      for w in sorted(worlds, key=lambda w: (_plays(w), str(w))))


def _item_of(trakt_ids, key):
    for item, value in trakt_ids.items():
        if value == key:
            return item
    return str(key)
