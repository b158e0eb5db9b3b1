"""The reference model: what a user expects of trakt and Kodi after each sync, from every real viewing.

It knows the life's events, not the engine: a viewing in Kodi, a check-in on trakt, the same viewing on both sides
(a scrobbler), un-watches, files coming and going, sign-ins. It never reads the engine's baseline.

Per trakt account and item it keeps a small set of *worlds*, each one an exact expectation ``(met, plays, pending,
sticky)``:

* ``met``: the sync has met the item for this account (read it in the Kodi library). Before that, the item's Kodi
  history is "pre-history": at the first meeting an item watched in Kodi gets exactly ONE play on trakt, and none
  when trakt already has a play (that play may be the same viewing). After it, every Kodi viewing is owed to trakt
  as one play.
* ``plays``: trakt's plays for the item once every owed viewing has arrived: what it had, plus one per viewing.
* ``pending``: an un-watch not settled by a sync yet (``'kodi'``/``'trakt'``).
* ``sticky``: how Kodi's watched state is judged: ``None`` (watched iff trakt has plays), ``'kodi'`` (the user
  un-watched in Kodi and "send unwatched" is off: Kodi stays unwatched while trakt keeps its plays), ``'trakt'``
  (un-watched on trakt, "take unwatched" off: Kodi keeps what it has), ``'any'`` (ambiguous, not judged).

A sync that hit a fault may or may not have met an item (or settled an un-watch): such a sync forks the worlds and
a later fault-free sync picks those that match trakt. Checks after each sync:

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
   un-watch: the item is watched, the new viewing is owed, the plays removed on trakt stay removed.
2. A Kodi un-watch un-watches every copy of the film (the user marks the title unwatched).
3. A Kodi viewing whose row is deleted (file moved or removed, fresh database) before any sync read it is not owed:
   Kodi no longer shows it, nothing could send it.
4. Signing in to an account (another one, or back to an earlier one) is a fresh start for that account: the items
   are met again (watched in Kodi and no play on that account -> one play), viewings made while another account
   was signed in are not owed to it.
5. "Met" is per account, not per Kodi box: a second box joining with an empty profile does not reset anything, a
   viewing already owed stays owed whichever box syncs next.
6. A truncated ``baseline.json`` lets the box forget: every item may be met again (first-sync rules), so a
   viewing not yet sent may be lost and none may be doubled.
7. A file moved or re-added after a settled Kodi un-watch (without "send unwatched"): Kodi's state is not judged.
8. The un-watch options are fixed per life (drawn once), so the sync that settles an un-watch uses the options the
   user had when un-watching.
9. A Kodi un-watch of an item that no sync saw watched in Kodi (e.g. scrobbled, then un-watched before a sync) is
   not an un-watch for the sync: Kodi follows trakt, as for any item trakt has and Kodi has not.
11. A play added on trakt and an un-watch in Kodi between the same two syncs cannot be ordered by any sync (Kodi
   keeps no date of an un-watch): Kodi's state is not judged, trakt may keep its plays or (send unwatched) lose
   them.
12. Removing an item's plays on trakt removes the plays trakt has then; a viewing still owed (its write held
   back after a fault) was not on trakt and is still owed.
10. "Every profile file is readable JSON after each sync" is judged on the files the sync wrote: a file the life
   truncated and the sync did not need is left as it is.
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


def _world(met, plays, pending=None, sticky=None):
    return (met, plays, pending, sticky)


class Reference(object):
    def __init__(self, items, trakt_ids, send_unwatched, take_unwatched, account):
        self.items = list(items)                 # every catalog item key
        self.trakt_ids = trakt_ids               # item -> (kind, trakt id)
        self.send_unwatched = send_unwatched
        self.take_unwatched = take_unwatched
        self.account = account
        self.worlds = {account: {item: {_world(False, 0)} for item in self.items}}
        self.unseen = {}                         # (table, kodi_id) -> Kodi-only viewings no sync has read
        self.kodi_synced_watched = {}            # item -> watched in Kodi when the last sync that read Kodi ended
        self.trakt_since_read = {}               # item -> a play was added on trakt since the last sync read Kodi
        self.frozen = {}                         # account not signed in -> (plays, collection) at sign-out
        self.syncs = 0
        self.plays_checked = 0
        self.doubt_until = 0.0
        self.away = {}                           # account -> item -> Kodi viewings since it was signed out

    # -- events ------------------------------------------------------------------------------------------------
    def _touch_viewing(self, item):
        """A new viewing voids an unsettled un-watch and ends a sticky un-watch (choice 1)."""
        worlds = self.worlds[self.account]
        worlds[item] = set(_world(m, p, None, None) for m, p, _pending, _sticky in worlds[item])

    def kodi_viewing(self, item, row_key):
        self._touch_viewing(item)
        self.unseen[row_key] = self.unseen.get(row_key, 0) + 1
        self._away_viewing(item)

    def _away_viewing(self, item):
        for account in self.away:
            if account != self.account:
                self.away[account][item] = self.away[account].get(item, 0) + 1

    def trakt_play(self, item):
        self._touch_viewing(item)
        self.trakt_since_read[item] = True
        worlds = self.worlds[self.account]
        worlds[item] = set(_world(m, p + 1, pe, st) for m, p, pe, st in worlds[item])

    def scrobble(self, item):
        """One viewing recorded on both sides: one play, nothing owed."""
        self.trakt_play(item)
        self._away_viewing(item)

    def kodi_unwatch(self, item, row_keys):
        for key in row_keys:
            self.unseen.pop(key, None)
        if self.trakt_since_read.get(item):
            # choice 11: a play on trakt and an un-watch in Kodi since the last sync: no sync can tell their order
            # (Kodi keeps no date of an un-watch), so Kodi's state is not judged and trakt may keep or lose the plays
            worlds = self.worlds[self.account]
            worlds[item] = set(w for m, p, pe, st in worlds[item]
                               for w in ((_world(m, p, None, 'any'),) + ((_world(m, 0, None, 'any'),)
                                                                         if m and self.send_unwatched else ())))
            return
        if not self.kodi_synced_watched.get(item):
            # choice 9: no sync saw the item watched in Kodi, so there is nothing to un-watch for the sync: Kodi
            # follows trakt as for any item unwatched in Kodi
            return
        worlds = self.worlds[self.account]
        worlds[item] = set(_world(m, p, 'kodi' if m else None, st if m else None) for m, p, pe, st in worlds[item])

    def trakt_unwatch(self, item, on_trakt):
        """The user removed the ``on_trakt`` plays trakt had. Owed viewings that had not arrived yet (a write held
        back after a fault) were not removed: they are still owed (choice 12)."""
        worlds = self.worlds[self.account]
        new = set()
        for m, p, _pe, st in worlds[item]:
            left = max(0, p - on_trakt) if m else 0
            new.add(_world(m, left, ('trakt' if not left else None) if m else None,
                           (st if not left else 'any') if m else None))
        worlds[item] = new

    def rows_gone(self, item, row_keys):
        """Rows deleted (moved, removed, fresh database): unseen viewings on them are lost (choice 3)."""
        for key in row_keys:
            self.unseen.pop(key, None)
        self.kodi_synced_watched[item] = False   # no sync saw the new rows yet (choice 9)
        worlds = self.worlds[self.account]
        new = set()
        for m, p, pe, st in worlds[item]:
            if pe == 'kodi' or st == 'kodi':
                new.add(_world(m, p, None, 'any'))   # choice 7
            else:
                new.add(_world(m, p, pe, st))
        worlds[item] = new

    def switch_account(self, new, old_plays, old_collection, new_plays, library):
        """Sign-in to ``new`` (choice 4); ``old`` is frozen as it is now.

        Two readings are allowed for an account signed in again: a fresh start (the items are met again), or its
        old memory picked up (docs/design.md, "Identity: the trakt account"), in which case the Kodi viewings made
        while it was signed out, and those not sent before it was, are owed to it as well. Plays Kodi took from
        the other account's history are not viewings and are owed to nobody."""
        old = self.account
        self.frozen[old] = (old_plays, old_collection)
        self.frozen.pop(new, None)
        away_old = self.away.setdefault(old, {})
        for item in library.items():
            unseen = sum(self.unseen.get((library.kind_of(item), r.kodi_id), 0) for r in library.rows_of(item))
            if unseen:
                away_old[item] = away_old.get(item, 0) + unseen
        self.account = new
        away = self.away.pop(new, {})
        had_memory = new in self.worlds
        self.worlds[new] = {}
        for item in self.items:
            plays = new_plays.get(self.trakt_ids[item], 0)
            worlds = {_world(False, plays)}
            if had_memory:
                worlds.add(_world(True, plays + away.get(item, 0), None, 'any'))
            self.worlds[new][item] = worlds
        self.unseen = {}

    def forgot_baseline(self):
        """A box lost its memory (choice 6): every item may be met again."""
        worlds = self.worlds[self.account]
        for item in self.items:
            worlds[item] = worlds[item] | set(_world(False, p) for _m, p, _pe, _st in worlds[item])

    # -- a sync ------------------------------------------------------------------------------------------------
    def before_sync(self, library, world, profiles=()):
        """What the sync will read: per library item, Kodi's watched state and the Kodi viewings not read yet."""
        self.syncs += 1
        state = {}
        for item in library.items():
            rows = library.rows_of(item)
            unseen = sum(self.unseen.get((library.kind_of(item), r.kodi_id), 0) for r in rows)
            state[item] = (library.watched(item), unseen)
        self._before = {
            'state': state, 'reads': library.reads_ok,
            'collected': world.collected(self.account), 'offline': library.offline,
            'files': dict((path, _stamp(path)) for path in profiles if path.endswith('.json')),
        }

    def in_doubt_until(self, when):
        self.doubt_until = max(self.doubt_until, when)

    def after_sync(self, library, world, faulty, status, clean, profiles, now):
        violations = []

        def violation(kind, item, detail):
            violations.append(Violation(self.syncs, kind, item, detail))

        before = self._before
        read = library.reads_ok > before['reads']
        # design rule 4: a play whose write had an unknown outcome may be missing while it is held back
        fault_free = not faulty and not world.pending_commits() and now >= self.doubt_until
        if not faulty and status != 'ok':
            violation('sync_failed', None, 'a sync without faults ended {}'.format(status))
        worlds = self.worlds[self.account]
        if read:
            for item, (watched, unseen) in before['state'].items():
                worlds[item] = self._read(worlds[item], watched, unseen, faulty)
            self.unseen = {}
            self.kodi_synced_watched = dict((item, library.watched(item)) for item in library.items())
            self.trakt_since_read = {}
        counts = world.play_counts(self.account)
        for item in self.items:
            actual = counts.get(self.trakt_ids[item], 0)
            candidates = worlds[item]
            self.plays_checked += 1
            top = max(p for _m, p, _pe, _st in candidates)
            if actual > top:
                violation('plays_extra', item, 'trakt has {} plays, at most {} expected ({})'.format(
                    actual, top, _describe(candidates)))
                worlds[item] = {_world(True, actual)}
                continue
            if not fault_free or not read:
                continue
            matching = set(w for w in candidates if w[1] == actual)
            if not matching:
                violation('plays_missing', item, 'trakt has {} plays, expected {}'.format(
                    actual, _describe(candidates)))
                worlds[item] = {_world(True, actual)}
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
                    worlds[item] = {_world(True, actual, None, 'any')}
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

    def _read(self, worlds, watched, unseen, faulty):
        """The sync read the item in Kodi: meet it, take its unseen viewings, settle its un-watches."""
        new = set()
        for met, plays, pending, sticky in worlds:
            if not met:
                # choice 4 / first sync: one play for an item watched in Kodi when trakt has none
                met_world = _world(True, plays + (1 if watched and plays == 0 else 0))
                new.add(met_world)
                if faulty:
                    new.add(_world(False, plays))
                continue
            plays += unseen
            settled = _settle(plays, pending, sticky, self.send_unwatched, self.take_unwatched)
            new.add(settled)
            if faulty and pending:
                new.add(_world(True, plays, pending, sticky))
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


def _stamp(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except OSError:
        return None


def _settle(plays, pending, sticky, send_unwatched, take_unwatched):
    if pending == 'kodi':
        if send_unwatched:
            return _world(True, 0)
        return _world(True, plays, None, 'kodi')
    if pending == 'trakt':
        if take_unwatched:
            return _world(True, plays)
        return _world(True, plays, None, 'trakt')
    return _world(True, plays, None, sticky)


def _kodi_ok(world, watched):
    sticky = world[3]
    if sticky == 'kodi':
        return not watched
    if sticky in ('trakt', 'any'):
        return True
    return watched == (world[1] > 0)


def _describe(worlds):
    return ' | '.join('{}{}{}{}'.format(p, '' if m else ' unmet', ' pending ' + pe if pe else '',
                                         ' sticky ' + st if st else '') for m, p, pe, st in sorted(
                                             worlds, key=lambda w: (w[1], str(w))))


def _item_of(trakt_ids, key):
    for item, value in trakt_ids.items():
        if value == key:
            return item
    return str(key)
