"""What a sync as one trakt account wrote into Kodi, kept for the profile's other accounts (docs/design.md,
"Identity: the trakt account").

Kodi's library is one, the accounts are several. A sync as bob that writes bob's trakt plays, ratings or resume
points into Kodi changes what alice's baseline last saw of Kodi. Without a record, alice's next sync takes the
change for the user's: bob's plays become viewings sent to alice's trakt, bob's rating alice's. So a sync that
wrote into Kodi leaves, in the folder of each other account with a baseline, one batch of what it wrote: per
library row its playcount before and after and the lastplayed written, per item the rating and the resume point
written. That account's next sync folds the batches into its baseline before planning, so they are no change in
Kodi for it, and removes the file when it ended. Its baseline names the batches folded into it: a sync stopped
between saving the baseline and removing the file does not fold them twice.

A sync's batch is written together with its baseline, just before it (baseline_saver.py): a crash loses the last
seconds of both. Writes whose record was lost so read to the other account as viewings, as before this record.
Only this profile knows: another Kodi box on a shared library still reads this box's writes as changes in Kodi.
"""
import uuid

from traktsync import logger
from traktsync.model import format_utc, later, parse_utc
from traktsync.plan import KodiWatchedUpdate
from traktsync.ratings_plan import RatingChange
from traktsync.resume_plan import ResumeChange

KODI_WRITES = 'kodi-writes-of-other-accounts.json'


class KodiWritesRecord(object):
    """This sync's Kodi writes, for ``others`` (the JsonStores of the other accounts with a baseline).

    ``add(change)`` takes a change Kodi confirmed; ``snapshot()`` is the batch so far (``None``: nothing to write),
    ``write(batch)`` puts it in each other account's file, beside the batches already there."""

    def __init__(self, others):
        self._others = list(others)
        self._id = uuid.uuid4().hex
        self._watched = {}   # row token -> [playcount read before, playcount written, lastplayed written or None]
        self._ratings = {}   # item key -> rating written (0: removed)
        self._resume = {}    # item key -> resume position written, in seconds (0: removed)
        self._earlier = {}   # other account's folder -> the batches its file held when this sync began

    def add(self, change):
        if not self._others:
            return
        if isinstance(change, KodiWatchedUpdate):
            self._add_watched(change)
        elif isinstance(change, RatingChange):
            self._ratings[change.key] = int(change.rating)
        elif isinstance(change, ResumeChange):
            self._resume[change.key] = round(float(change.kodi_position), 1)
        else:
            raise TypeError('not a Kodi write: {!r}'.format(change))

    def _add_watched(self, update):
        if update.rows is None or update.rows_read is None:
            return
        for token, after in update.rows.items():
            before = update.rows_read.get(token)
            if before is None or before == after:
                continue
            entry = self._watched.setdefault(token, [before, after, None])
            entry[1] = after
            if after > before and update.lastplayed is not None:
                entry[2] = format_utc(later(parse_utc(entry[2]), update.lastplayed))

    def snapshot(self):
        if not (self._watched or self._ratings or self._resume):
            return None
        return {'id': self._id, 'watched': dict((token, list(entry)) for token, entry in self._watched.items()),
                'ratings': dict(self._ratings), 'resume': dict(self._resume)}

    def write(self, batch):
        if batch is None:
            return
        for store in self._others:
            earlier = self._earlier.get(store.folder)
            if earlier is None:
                earlier = self._earlier[store.folder] = _batches(store.load(KODI_WRITES))
            store.save(KODI_WRITES, {'batches': earlier + [batch]})


def _batches(data):
    batches = data.get('batches') if isinstance(data, dict) else None
    if not isinstance(batches, list):
        if data is not None:
            logger.warning('{} is not a list of batches; what it held is not taken into account', KODI_WRITES)
        return []
    return [batch for batch in batches if isinstance(batch, dict) and isinstance(batch.get('id'), str)]


def fold_into(baseline, store):
    """Fold the batches the other accounts' syncs left in ``store`` (this account's) into ``baseline`` (``None``:
    nothing to fold into). Returns the ids of every batch of the file: the baseline that is saved next names them
    as folded."""
    batches = _batches(store.load(KODI_WRITES))
    if baseline is None or not batches:
        return [batch['id'] for batch in batches]
    done = set(baseline.kodi_writes_folded)
    new = [batch for batch in batches if batch['id'] not in done]
    if new:
        rows = sum(_fold_watched(baseline, batch.get('watched')) for batch in new)
        _fold_stream(baseline.ratings, new, 'ratings', int)
        _fold_stream(baseline.resume, new, 'resume', (int, float))
        logger.info('{} Kodi writes of syncs as other trakt accounts are not changes in Kodi for this one',
                    rows + sum(len(batch.get('ratings') or {}) + len(batch.get('resume') or {}) for batch in new))
    return [batch['id'] for batch in batches]


def _fold_watched(baseline, written):
    if not isinstance(written, dict) or not written:
        return 0
    owners = {}
    for key, entry in baseline.watched.items():
        for token in entry[3] or ():
            if token in written:
                owners.setdefault(token, []).append(key)
    for token, keys in owners.items():
        change = written[token]
        if not (isinstance(change, list) and len(change) == 3 and all(
                isinstance(count, int) and not isinstance(count, bool) and count >= 0 for count in change[:2])):
            continue
        before, after, written_at = change
        for key in keys:
            entry = baseline.watched[key]
            kodi_plays, trakt_plays, lastplayed, rows = entry[:4]
            rows = dict(rows)
            most = max(rows.values())
            if rows[token] >= before:
                # No viewing this account has not read came before the write (Kodi had not changed, or lost plays:
                # an un-watch or a fresh database while the other account was signed in): the row is as written,
                # and so is its lastplayed (a later one than that is a viewing again)
                rows[token] = after
                if after > before and isinstance(written_at, str):
                    lastplayed = format_utc(later(_time(lastplayed), _time(written_at))) or lastplayed
            else:
                # viewings this account has not read came before the write: only the write's change is no change,
                # and the lastplayed stays, so those viewings still show
                rows[token] = max(0, rows[token] + after - before)
            # The item's Kodi plays move as its most played row did: a new entry, never one changed in place
            # (baseline_text.py).
            baseline.watched[key] = [max(0, kodi_plays + max(rows.values()) - most), trakt_plays, lastplayed,
                                     rows] + entry[4:]
    return len(owners)


def _time(text):
    try:
        return parse_utc(text)
    except ValueError:
        return None


def _fold_stream(section, batches, name, types):
    """``section``: the baseline's ratings or resume points, ``[kodi, trakt]`` per key (absent: none on either
    side): Kodi now holds what the other account's sync wrote."""
    for batch in batches:
        written = batch.get(name)
        if not isinstance(written, dict):
            continue
        for key, value in written.items():
            # only what the baseline's own section takes (model.Baseline.from_json)
            if not isinstance(value, types) or isinstance(value, bool) or value < 0:
                continue
            trakt = section[key][1] if key in section else 0
            if value or trakt:
                section[key] = [value, trakt]
            else:
                section.pop(key, None)
