"""One sync: read both sides, plan the three-way merge, apply it in confirmed batches.

The engine sees Kodi and trakt through two objects, so it runs inside Kodi and outside it alike:

* ``library``: ``read_snapshot(with_metadata) -> model.KodiSnapshot`` (Kodi's row ids and dates added included),
  ``apply_watched(updates)`` returning the failures (each with its ``change``), and ``calls_made`` (round trips);
  ``traktsync.kodi.library.KodiLibrary`` in Kodi, an in-memory library in the soak (tools/soak); optionally
  ``shared_database`` (True: other Kodi boxes use the same library, so they may send the same viewings);
* ``trakt``: a ``traktsync.trakt.TraktClient`` (``requests_made`` counts its requests).

trakt's lists are read on a thread of their own while the sync's thread reads the Kodi library, and the Kodi writes
and the trakt writes of a plan run at the same time: trakt's on a thread of their own, Kodi's on
the sync's (write_streams.py); each item has one watched write, so the two never touch the same entry, and both
record under ``self._records``. Cancelling or a Kodi error stops the trakt writes before their next batch; a trakt
error is raised once the Kodi writes are done, as when they ran one after the other.

What makes it safe to interrupt at any point (docs/design.md, "What a sync promises"):

* the baseline (model.Baseline) records every item as Kodi or trakt confirmed it, never before; the file is
  written at most every 2 s while batches are confirmed and when the writes end, however they end
  (baseline_saver.py: a crash loses the records of those last seconds, which the next sync sees as the same
  change on both sides);
* a history write whose outcome is unknown (timeout, 5xx, aborted) is not sent again in the same sync; the next
  sync reads trakt and sees what trakt took as a change on trakt that matches Kodi's (the baseline was not
  updated for those items), so it sends only what is missing;
* right before sending plays, trakt's watched stamps are checked again: when another writer (a second Kodi box on
  the same library, a scrobbler) added plays since the lists were read, both sides are read and planned again;
  the same check runs after a rate-limit wait, before a batch is sent again;
* on a shared library (or after such a re-plan), plays another writer sent at the same moment are found and
  removed after sending (doubled_plays.py);
* everything the sync remembers belongs to one trakt account (account.py).
"""
import threading
import time
from datetime import datetime, timezone
from functools import partial

from traktsync import cache_patch, doubled_plays, logger, memory, streams
from traktsync.account import Accounts, account_folder_name
from traktsync.baseline_saver import BaselineSaver
from traktsync.baseline_text import BaselineText
from traktsync.clean_backup import CleanBackup
from traktsync.id_resolution import plan_with_id_resolution
from traktsync.kodi.jsonrpc import JsonRpcError
from traktsync.kodi_batch import write_in_batches
from traktsync.model import EPISODE, MOVIE, Baseline, BaselineError, TraktDataError, TraktSnapshot, format_utc
from traktsync.not_found import NotFoundMemory
from traktsync.other_accounts import KODI_WRITES, KodiWritesRecord, fold_into
from traktsync.plan import PlanOptions
from traktsync.store import BASELINE, LAST_CHANGE, LAST_RESULT, StoreWriteError
from traktsync.stream_stages import StreamPlans, StreamStages
from traktsync.trakt import errors as trakt_errors
from traktsync.trakt_cache import TRAKT_LISTS, WATCHED_LISTS, TraktListCache, history_moved, stamp
from traktsync.write_streams import WAIT_STEP, BackgroundWork, CombinedProgress

# After a write whose outcome is unknown the sync starts a new round: read both sides again, plan again (holding
# back the items in doubt), go on. trakt asks to wait after an overload (502/503/504); these are the pauses before
# rounds 2 and 3.
ROUND_PAUSES = (3.0, 10.0)
# How often one sync starts over because another writer changed trakt's history while it was planning.
MAX_REPLANS = 2
UNMATCHED_KEPT = 200      # how many unmatched items the status screen keeps
# What a sync that did not read Kodi takes over from the last result, for the status screen.
KEPT_FROM_LAST_READ = ('unmatched', 'unmatched_total', 'not_found', 'odd_dates')
NOT_FOUND_REASON = 'trakt does not know this item'
REFUSED_REASON = 'trakt refused it: {}'
METADATA_FIELDS = ('media_type', 'resolution', 'hdr', 'audio', 'audio_channels', '3d')
# Which stages write to which cached list, and how the cache takes a confirmed write (cache_patch.py).
LIST_WRITES = {
    'watched_movies': (MOVIE, (('trakt-history', cache_patch.add_plays), ('trakt-unwatch', cache_patch.remove_plays))),
    'watched_shows': (EPISODE, (('trakt-history', cache_patch.add_plays),
                                ('trakt-unwatch', cache_patch.remove_plays))),
    'collection_movies': (MOVIE, (('trakt-collection', 'collection'), ('trakt-clean', cache_patch.remove_collected))),
    'collection_shows': (EPISODE, (('trakt-collection', 'collection'),
                                   ('trakt-clean', cache_patch.remove_collected))),
}


class TraktChangedMeanwhile(Exception):
    """trakt's history changed between reading the lists and sending plays (another writer)."""


class SyncCancelled(Exception):
    pass


class LockLost(Exception):
    """Another sync took over the sync lock (lock.py): this one must not write any more."""


class CleanNotBackedUp(Exception):
    """The backup of a clean was not saved and read back: nothing was removed."""


class CleanRequest(object):
    """What the user asked of the clean-up: ``confirmed`` (they said yes to removing data from trakt) and
    ``approve_over_threshold`` (they said yes again to a removal above the threshold)."""

    def __init__(self, confirmed=False, approve_over_threshold=False):
        self.confirmed = confirmed
        self.approve_over_threshold = approve_over_threshold


def plan_options(settings):
    return PlanOptions(
        movies_to_trakt=settings.movies_to_trakt, movies_to_kodi=settings.movies_from_trakt,
        episodes_to_trakt=settings.episodes_to_trakt, episodes_to_kodi=settings.episodes_from_trakt,
        collection_add=settings.collection_add, metadata=settings.collection_metadata,
        send_unwatched=settings.send_unwatched, take_unwatched=settings.take_unwatched)


def _item(action, **fields):
    """The trakt client's flat item for a plan action."""
    if action.kind == MOVIE:
        item = {'type': MOVIE, 'ids': action.ids.to_trakt(MOVIE)}
    else:
        item = {'type': EPISODE, 'show_ids': action.show_ids.to_trakt('show'), 'season': action.season,
                'number': action.number}
    item.update(fields)
    return item


def _plays_added(answer):
    """The plays trakt says one history POST added, or None when its answer does not say."""
    added = answer.added if isinstance(answer.added, dict) else {}
    counts = [added.get(section, 0) for section in ('movies', 'episodes')]
    return sum(counts) if added and all(isinstance(count, int) for count in counts) else None


def _collection_item(action):
    fields = {'collected_at': format_utc(action.collected_at) or 'released'}
    for name in METADATA_FIELDS:
        if action.metadata and action.metadata.get(name) is not None:
            fields[name] = action.metadata[name]
    return _item(action, **fields)


class SyncResult(object):
    """What one sync did, for the status screen, notifications and the log."""

    def __init__(self, dry_run=False):
        self.started = time.time()
        self.dry_run = dry_run
        self.status = 'running'
        self.error = None
        self.plan = None
        self.streams = StreamPlans()   # the ratings and resume plans (stream_stages.py)
        self.collected_on_trakt = 0
        self.applied = {}
        self.not_found = []
        self.clean = None
        self.trakt_requests = 0
        self.kodi_calls = 0
        self.library_read = False   # the whole Kodi library was read (a sync in which nothing changed skips it)
        self.duration = 0.0
        self.kept = {}   # a sync that did not read Kodi keeps the unmatched items the one before it found
        self.waiting_for_trakt = 0   # items whose plays trakt may or may not have taken: the next sync decides
        self.odd_dates = []   # items whose Kodi date was dropped (implausible), for the status screen
        self.permanent = False   # the error needs the user (trakt_errors.TraktError.permanent): no retry
        self.warnings = []    # a stage that was skipped (an account limit), told once; the rest of the sync ran

    def add_not_found(self, action, reason=NOT_FOUND_REASON):
        entry = {'kind': action.kind, 'title': action.title, 'reason': reason}
        if entry not in self.not_found:   # once, not once for the history and once for the collection
            self.not_found.append(entry)

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def count(self, name, number=1):
        self.applied[name] = self.applied.get(name, 0) + number

    @property
    def changed_something(self):
        return any(self.applied.values())

    def to_json(self):
        plan = self.plan
        unmatched = plan.unmatched if plan else []
        return {
            'finished_at': format_utc_now(), 'status': self.status, 'error': self.error, 'dry_run': self.dry_run,
            'duration': round(self.duration, 2), 'applied': self.applied,
            'planned': dict(plan.counts() if plan else {}, **self.streams.counts()),
            'summary': (plan.summary() if plan else []) + self.streams.summary(),
            'unmatched': [{'kind': u.kind, 'title': u.title, 'file': u.file, 'reason': u.reason}
                          for u in unmatched[:UNMATCHED_KEPT]],
            'unmatched_total': len(unmatched), 'not_found': self.not_found[:UNMATCHED_KEPT],
            'odd_dates': self.odd_dates[:UNMATCHED_KEPT], 'warnings': self.warnings,
            'clean': self.clean, 'trakt_requests': self.trakt_requests, 'kodi_calls': self.kodi_calls,
            'waiting_for_trakt': self.waiting_for_trakt,
            **self.kept
        }


def _error_message(exc):
    """One line for the user: trakt's typed errors carry their own, the others get a word of context."""
    if isinstance(exc, trakt_errors.TraktError):
        return exc.message
    if isinstance(exc, LockLost):
        return 'another sync took over while this one ran; it stopped before writing more'
    if isinstance(exc, CleanNotBackedUp):
        return 'the clean did not run: {}; nothing was removed from trakt'.format(exc)
    if isinstance(exc, TraktDataError):
        return 'trakt sent a list the add-on cannot read ({})'.format(exc)
    return 'Kodi did not answer: {}'.format(exc)


def format_utc_now():
    return time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime())


class SyncEngine(object):
    """``store`` is the profile's JsonStore; the sync memory lives in the signed-in account's folder of it."""

    def __init__(self, library, trakt, store, settings, progress=None, is_cancelled=None, sleep=time.sleep,
                 clock=time.time, still_owner=None, before_kodi_writes=None):
        self._posted = False
        self._sleep = sleep
        self._clock = clock
        self.library = library
        self.trakt = trakt
        self.profile = store
        self.accounts = Accounts(store)
        self.store = None         # the account's store, chosen at the start of each sync
        self.settings = settings
        self._progress = progress or (lambda stage, done, total: None)
        self._is_cancelled = is_cancelled or (lambda: False)
        self._still_owner = still_owner or (lambda: True)   # the sync lock is still ours (SyncLock.still_held)
        # Told how many watched states go into Kodi, on the sync's thread, before the first is written.
        self._before_kodi_writes = before_kodi_writes or (lambda count: None)
        self._aborted = False
        self._held = set()    # keys whose history write had an unknown outcome in this sync
        self._sent_plays = []     # client items of the plays sent in this sync, not yet checked for doubles
        self._replanned = False   # another writer changed trakt's history while this sync ran
        self._saver = None        # when the baseline of the current round is written (baseline_saver.py)
        self._kodi_writes = None  # the current round's Kodi writes, for the other accounts (other_accounts.py)
        # The Kodi writes and the trakt writes run at the same time (write_streams.py); they record under this lock.
        self._records = threading.RLock()
        self._combined = None     # the progress of both while they run together
        self._stop_writes = False   # the Kodi writes failed or were cancelled: the trakt writes stop too
        self._written = {}        # stage -> {'actions', 'posts', 'complete'} of the current round's trakt writes
        self._checked = None      # last_activities read right before the plays were sent (no other writer then)
        self._after_history = None   # (last_activities, requests made) read right after the plays were confirmed
        self._doubt = False       # another writer may have touched the watched lists (doubled plays, re-plan)
        # Plays sent in several POSTs: trakt's play count right before them and what each POST added, so that the
        # watched lists can still be brought up to date from what was sent (_plays_counted_alone).
        self._plays_before = None
        self._plays_added = []

    # -- entry points ------------------------------------------------------------------------------------------
    def sync(self, dry_run=False, clean=None, kodi_unchanged=False):
        """Run one sync; returns a SyncResult (also stored for the status screen unless ``dry_run``).

        ``kodi_unchanged``: the caller heard of no library change since the last sync, so when trakt's lists did
        not change either the sync ends after one request, without reading Kodi.
        trakt and Kodi errors end the sync with ``status='error'`` and the error's message; whatever was
        confirmed before is kept."""
        result = SyncResult(dry_run)
        requests_before = self.trakt.requests_made
        calls_before = self.library.calls_made
        try:
            self._sync_rounds(result, dry_run, clean, kodi_unchanged)
            result.status = 'ok'
        except (SyncCancelled, trakt_errors.Aborted):
            result.status = 'cancelled'
            logger.info('sync cancelled; what was confirmed is kept')
        except (trakt_errors.TraktError, TraktDataError, JsonRpcError, CleanNotBackedUp, LockLost) as exc:
            result.status = 'error'
            result.error = _error_message(exc)
            result.permanent = bool(getattr(exc, 'permanent', False))
            logger.error('sync stopped: {}', result.error)
        except Exception as exc:   # a full disk, a bug: the sync ends as an error and the service goes on
            result.status = 'error'
            result.error = 'the sync stopped on an unexpected error: {}'.format(exc)
            logger.exception('sync stopped: {}', result.error)
        except BaseException:
            # Kodi quitting ends a script that still runs by raising SystemExit in it (a "Sync now" in the middle
            # of a Kodi batch does not see the abort in time): a cancel, not an error, on the status screen.
            result.status = 'cancelled'
            logger.info('sync cancelled by Kodi; what was confirmed is kept')
            raise
        finally:
            result.waiting_for_trakt = len(self._held)
            if self._held:
                logger.warning('{} items wait for trakt to confirm their plays; the next sync reads trakt and '
                               'sends what did not arrive', len(self._held))
            result.duration = time.time() - result.started
            result.trakt_requests = self.trakt.requests_made - requests_before
            result.kodi_calls = self.library.calls_made - calls_before
            if not dry_run:
                self._save_result(result)
            logger.info('{} {} in {:.1f} s: {} (trakt requests: {}, Kodi calls: {})',
                        'preview' if dry_run else 'sync', result.status, result.duration,
                        result.applied or 'nothing changed', result.trakt_requests, result.kodi_calls)
        return result

    def _save_result(self, result):
        """The result for the status screen. A full disk must not turn a finished sync into an exception: what was
        synced is synced (the baseline was saved before), only the status screen misses this sync."""
        try:
            self.profile.save(LAST_RESULT, result.to_json())
            if result.applied:
                self.profile.save(LAST_CHANGE, result.to_json())
        except OSError as exc:
            logger.error('could not save the result of this sync for the status screen: {}', exc)

    def abort(self):
        """Stop the sync now, from another thread: a trakt request in flight ends at once instead of with trakt's
        answer (Kodi's shutdown waits for it). Its outcome is unknown, like a timeout's; the next sync reads
        trakt again before it plans."""
        self._aborted = True
        self.trakt.abort()

    def _cancelled(self):
        return self._aborted or self._is_cancelled()

    def _account_store(self):
        """The signed-in account's store (asks trakt who it is once, when the token does not say)."""
        self.store = self.accounts.store_for(self.accounts.current_user(self.trakt))
        return self.store

    def last_clean(self):
        """The newest clean of this account that was not restored yet (``{'at', 'items'}``), or None."""
        return CleanBackup(self._account_store()).last()

    def restore_last_clean(self):
        """Put the items of the last clean back into the trakt collection with their dates and metadata."""
        backup = CleanBackup(self._account_store())
        last = backup.last()
        if last is None:
            return 0
        restored = 0
        for batch, _answer in self.trakt.add_collection(last['items']):
            restored += len(batch)
        backup.mark_restored(last)
        TraktListCache(self.store, self.settings.collection_metadata).forget(['collection_movies',
                                                                              'collection_shows'])
        logger.info('restored {} items of the clean of {}', restored, last['at'])
        return restored

    # -- the sync ----------------------------------------------------------------------------------------------
    def _check_cancel(self):
        """Before each write: stop when cancelled, and when another sync took the lock over."""
        if self._cancelled() or self._stop_writes:
            raise SyncCancelled()
        self._check_owner()

    def _check_owner(self):
        """Before each write, the baseline's too: another sync took the lock over, and owns the baseline now."""
        if not self._still_owner():
            raise LockLost()

    def _load_baseline(self, account):
        data = self.store.load(BASELINE)
        if data is None:
            return None
        try:
            baseline = Baseline.from_json(data)
            if baseline.account not in (None, account):
                raise BaselineError('it belongs to another trakt account ({})'.format(baseline.account))
            return baseline
        except BaselineError as exc:
            aside = BASELINE + '.rejected'
            self.store.save(aside, data)
            logger.error('the stored baseline was not usable ({}); kept as {}; this sync uses first-sync rules',
                         exc, aside)
            return None

    def _save_baseline(self, baseline):
        self._write_baseline(baseline.to_json())

    @staticmethod
    def _snapshot(baseline, kodi_writes):
        return baseline.to_json(ordered=False), kodi_writes.snapshot()

    def _write_records(self, text, kodi_writes, snapshot):
        """The other accounts' record of this sync's Kodi writes first: a crash between the two leaves writes that
        this account's next sync takes for the same change on both sides, never another account's viewings."""
        data, written = snapshot
        self._check_owner()
        kodi_writes.write(written)
        self._write_baseline_while_writing(text, data)

    def _write_baseline(self, data):
        self._check_owner()
        self.store.save(BASELINE, data)

    def _write_baseline_while_writing(self, text, data):
        self._check_owner()
        self.store.save_encoded(BASELINE, text.encode(data))
        # Kodi keeps what its process takes: the copy and the JSON text of each write, and what the batches freed,
        # are handed back every few seconds instead of piling up in the C library's heaps for the whole sync.
        memory.give_back(collect=False)

    def _sync_rounds(self, result, dry_run, clean, kodi_unchanged):
        self._account_store()
        self._held = set()
        self._sent_plays = []
        self._replanned = False
        self._stop_writes = False   # an earlier sync of this engine may have stopped its writes
        pauses = list(ROUND_PAUSES)
        replans = MAX_REPLANS
        while True:
            try:
                return self._sync(result, dry_run, clean, kodi_unchanged)
            except trakt_errors.OutcomeUnknown:
                kodi_unchanged = False   # the next round reads both sides
                if not pauses:
                    raise
                pause = pauses.pop(0)
                logger.info('reading both sides again in {:.0f} s; items trakt may have taken are not re-sent',
                            pause)
                self._pause(pause)
            except TraktChangedMeanwhile:
                kodi_unchanged = False
                if not replans:
                    raise trakt_errors.TraktError('trakt\'s history kept changing while this sync ran; '
                                                  'the next sync tries again') from None
                replans -= 1
                logger.info('another app added plays on trakt while this sync planned; reading both sides '
                            'again')

    def _pause(self, seconds):
        deadline = self._clock() + seconds
        while self._clock() < deadline:
            self._check_cancel()
            self._sleep(min(0.5, max(0.0, deadline - self._clock())))

    def _stream_stages(self):
        return StreamStages(self.trakt, self.library, self.store, self.settings, self._progress, self._check_cancel,
                            self._baseline_changed, self._post, self._clock_utc, self._kodi_written)

    def _kodi_written(self, change):
        if self._kodi_writes is not None:
            self._kodi_writes.add(change)

    def _baseline_changed(self, baseline):
        """The stream stages' records go to disk with the others: at most every 2 s, and when the writes end."""
        if self._saver is not None:
            self._saver.changed()
        else:
            self._save_baseline(baseline)

    def _clock_utc(self):
        return datetime.fromtimestamp(self._clock(), timezone.utc)

    def _fetch(self, name):
        metadata = self.settings.collection_metadata
        if name == 'watched_movies':
            return self.trakt.watched_movies()
        if name == 'watched_shows':
            return self.trakt.watched_shows()
        if name == 'collection_movies':
            return self.trakt.collection_movies(metadata=metadata)
        return self.trakt.collection_shows(metadata=metadata)

    def _sync(self, result, dry_run, clean, kodi_unchanged):
        settings = self.settings
        account = account_folder_name(self.accounts.current_user(self.trakt))
        self._progress('trakt', 0, 0)
        activities = self.trakt.last_activities()
        cache = TraktListCache(self.store, settings.collection_metadata)
        stages = self._stream_stages()
        if (kodi_unchanged and cache.all_current(activities) and self.store.exists(BASELINE)
                and not self.store.exists(KODI_WRITES) and stages.unchanged(activities)):
            logger.info('neither Kodi nor trakt changed since the last sync; the library was not read')
            previous = self.profile.load(LAST_RESULT) or {}
            result.kept = {name: previous[name] for name in KEPT_FROM_LAST_READ if name in previous}
            return
        read = {}

        def read_trakt():   # no progress from this thread: Kodi's dialogs belong to the sync's thread
            lists = read['lists'] = cache.read(activities, self._fetch)
            stages.read_lists(activities, quiet=True)
            # What only needs trakt's side and the files is made meanwhile too.
            read['trakt'] = TraktSnapshot.from_lists(lists['watched_movies'], lists['watched_shows'],
                                                     lists['collection_movies'], lists['collection_shows'])
            read['baseline'] = self._load_baseline(account)
            # What syncs as the profile's other accounts wrote into Kodi since is no change in Kodi for this one.
            read['folded'] = fold_into(read['baseline'], self.store)
            if not dry_run:
                cache.keep(activities, lists)

        self._progress('kodi', 0, 0)
        reading = BackgroundWork(read_trakt, 'traktsync-trakt-reads').start()
        try:
            # Listing the video sources wakes sleeping NAS disks: only a sync that may clean (or previews one) does it.
            probe = bool(settings.clean_collection and (dry_run or clean is not None))
            snapshot = self.library.read_snapshot(with_metadata=settings.collection_metadata, probe_sources=probe)
        finally:
            reading.wait()
        reading.raise_error()
        lists, trakt_snapshot, baseline = read.pop('lists'), read.pop('trakt'), read.pop('baseline')
        folded = read.pop('folded')
        self._check_cancel()
        result.library_read = True
        result.odd_dates = [{'kind': u.kind, 'title': u.title, 'file': u.file, 'reason': u.reason}
                            for u in snapshot.odd_dates]
        self._check_cancel()

        # The raw lists are the largest thing a sync holds (as Python objects ~6 times their JSON text) and the
        # snapshot has what the plan needs: they go before planning, the peak of a sync (tools/bench/memory.py).
        del lists
        cache.release()
        # Items whose ids share none with the other side are first looked up on trakt (id_resolution.py).
        plan = plan_with_id_resolution(snapshot, trakt_snapshot, baseline, plan_options(settings), self._held,
                                       self.trakt, self.store, self._clock)
        result.plan = plan
        # Ratings and resume points: stages of their own after the watched and collection ones.
        result.streams = stages.plan(activities, snapshot, trakt_snapshot, baseline)
        result.collected_on_trakt = self._collected_count(trakt_snapshot)
        logger.info('plan: {}', '; '.join(plan.summary() + result.streams.summary()) or 'nothing to do')
        if dry_run:
            return
        # The plans hold what the writes need: the library's items, and trakt's unless a clean needs them, go before
        # the writes, during which Kodi's memory peaks in a first sync.
        del snapshot
        if clean is None:
            trakt_snapshot = None
        # What the reads left behind is free but kept by the C library, much of it in the reading thread's heap,
        # which the writes on this thread cannot use: handed back before Kodi's writes make it grow again.
        memory.give_back(collect=False)

        baseline = baseline or Baseline()
        baseline.account = account
        baseline.kodi_writes_folded = folded
        baseline.record_settled(plan)
        self._kodi_writes = KodiWritesRecord(self.accounts.others_with_memory(account))
        self._saver = BaselineSaver(partial(self._snapshot, baseline, self._kodi_writes),
                                    partial(self._write_records, BaselineText(), self._kodi_writes), self._clock)
        self._saver.changed()

        self._posted = False
        self._written, self._checked, self._after_history, self._doubt = {}, None, None, False
        self._plays_before, self._plays_added = None, []
        try:
            try:
                self._apply_writes(plan, trakt_snapshot, baseline, result, activities, clean)
                # Ratings and resume points: their own stages, after the watched and collection writes ended.
                stages.apply(result.streams, baseline, result)
            except LockLost:
                self._saver.idle()   # a write in flight finds the lock lost too
                raise   # another sync owns the baseline now: this one writes nothing more
            except BaseException:
                self._saver.flush()   # cancelled, an error, a new round: what was confirmed is kept
                raise
            self._saver.flush()
            if folded:
                self.store.delete(KODI_WRITES)   # the baseline on disk has them
        finally:
            # The baseline is on disk and the snapshots are done with: they go before the lists are read back
            # below (the peak of a first sync), and the saver's closure no longer ties the baseline to the engine
            # in a reference cycle, which kept it alive after the sync until a garbage collection.
            self._saver = self._kodi_writes = None
            del baseline, trakt_snapshot
            if self._posted and self._cancelled():
                # Quitting Kodi must not wait for re-reads: the next sync reads these lists instead.
                cache.forget(list(TRAKT_LISTS))
            elif self._posted:
                self._remove_doubled_plays()
                self._refresh_after_writes(cache, activities)

    def _apply_writes(self, plan, trakt_snapshot, baseline, result, activities, clean):
        """The Kodi writes and the trakt writes; at the same time when there are both (write_streams.py)."""
        def trakt_writes():
            self._apply_history_add(plan, baseline, result, activities)
            self._apply_history_remove(plan, baseline, result)
            self._take_history_stamps(activities)
            self._apply_collection_add(plan, baseline, result)
            if clean is not None:
                self._apply_clean(plan, trakt_snapshot, baseline, result, clean)

        self._stop_writes = False
        if not plan.to_kodi or not (plan.to_trakt_history_add or plan.to_trakt_history_remove
                                    or plan.collection_add or clean is not None):
            self._apply_kodi(plan, baseline, result)
            trakt_writes()
            return
        self._combined = CombinedProgress(self._progress, {
            streams.KODI_WATCHED.stage: len(plan.to_kodi),
            'trakt-history': sum(len(action.watched_at) for action in plan.to_trakt_history_add),
            'trakt-unwatch': len(plan.to_trakt_history_remove), 'trakt-collection': len(plan.collection_add),
            'trakt-clean': len(plan.clean_candidates) if clean is not None else 0})
        writes = BackgroundWork(trakt_writes, 'traktsync-trakt-writes').start()
        try:
            self._apply_kodi(plan, baseline, result)
            while not writes.wait(WAIT_STEP):   # the trakt writes outlast Kodi's: keep the dialog moving
                self._combined.report()
            self._combined.report()
        except BaseException:
            # Kodi failed, or the user cancelled: the trakt writes stop before their next batch (one in flight
            # ends with trakt's answer, which is recorded, or is ended by abort()).
            self._stop_writes = True
            writes.wait()
            if writes.error is not None and not isinstance(writes.error, SyncCancelled):
                logger.warning('the trakt writes stopped too: {}', writes.error)
            raise
        finally:
            self._combined = None
        writes.raise_error()

    def _write_progress(self, stage, done, total):
        if self._combined is not None:
            self._combined.note(stage, done, total)
        else:
            self._progress(stage, done, total)

    def _remove_doubled_plays(self):
        """Another box may have sent the viewings this sync sent at the same moment: of the plays of a sent item in
        a sent minute, keep the lowest history id (docs/design.md, "Several writers"). Only on a shared library or
        after another writer was seen, so a single box pays nothing."""
        sent, self._sent_plays = self._sent_plays, []
        if not sent or not (self._replanned or getattr(self.library, 'shared_database', False)):
            return
        try:
            remove = []
            for kind, (start_at, end_at) in sorted(doubled_plays.window(sent).items()):
                history = self.trakt.history(doubled_plays.SECTIONS[kind], start_at, end_at)
                remove.extend(doubled_plays.doubled([item for item in sent if item['type'] == kind], history))
            if remove:
                self._doubt = True
                answer = self.trakt.remove_history_ids(remove)
                logger.info('another writer sent the same viewings at the same moment: removed the doubled plays '
                            '{} ({})', remove, answer.get('deleted'))
        except trakt_errors.TraktError as exc:
            self._doubt = True
            self._sent_plays = sent + self._sent_plays   # a later round of this sync checks them
            logger.warning('could not check trakt for plays sent twice ({})', exc.message)

    def _history_written_alone(self, planned):
        """trakt confirmed every play sent, no play was removed, the stamps read right before sending showed no
        other writer, and no other writer was seen in this sync."""
        history = self._written.get('trakt-history')
        return not (history is None or not history['complete'] or 'trakt-unwatch' in self._written
                    or self._checked is None or history_moved(planned, self._checked) or self._replanned)

    def _take_history_stamps(self, planned):
        """Right after plays that went in one POST were confirmed, before anything else is written: read trakt's
        stamps, so the watched lists can be brought up to date from what was sent (``_refresh_after_writes``).
        Plays sent in several POSTs are checked by trakt's play count instead (``_plays_counted_alone``)."""
        if self._written.get('trakt-history', {}).get('posts') == 1 and self._history_written_alone(planned):
            self._after_history = (self.trakt.last_activities(), self.trakt.requests_made)

    def _plays_counted_alone(self, planned):
        """After plays sent in several POSTs, and after the stamps of ``_refresh_after_writes`` were read: trakt's
        play count grew by exactly what trakt said our POSTs added since the count read right before them, so no
        other app added or removed a play meanwhile, and the stamps are those of our writes. One request, where
        reading the watched lists again costs one per page."""
        if (self._plays_before is None or self._doubt or not self._history_written_alone(planned)
                or None in self._plays_added):
            return False
        after = self._play_count()
        if after is None or after - self._plays_before != sum(self._plays_added):
            logger.info('trakt\'s play count moved by {} while this sync added {}: another app wrote; the watched '
                        'lists are read again', None if after is None else after - self._plays_before,
                        sum(self._plays_added))
            return False
        return True

    def _patchable(self, name, cache, planned, watched_stamps):
        """How list ``name`` gets up to date after this sync's writes: ``None`` (we did not write to it),
        ``'read'`` (read it again: in doubt) or the list of ``(patch, actions)`` to apply (cache_patch.py).
        ``watched_stamps``: the last_activities that hold the watched stamps of our plays, None when unknown."""
        kind, stages = LIST_WRITES[name]
        writes = [(patch, [a for a in self._written[stage]['actions'] if a.kind == kind], self._written[stage])
                  for stage, patch in stages if stage in self._written]
        writes = [(patch, actions, stage) for patch, actions, stage in writes if actions]
        if not writes:
            return None
        if not all(stage['complete'] for _patch, _actions, stage in writes) or cache.was_patched(name):
            # A list made from our own writes is read from trakt the next time it changes: whatever another app
            # wrote to it while we wrote is seen by then.
            return 'read'
        if name in WATCHED_LISTS:
            if watched_stamps is None or self._doubt:
                return 'read'
        elif self._checked is not None and stamp(self._checked, name) != stamp(planned, name):
            return 'read'   # another app wrote to the collection between our reading it and our writes
        return [(patch, actions) for patch, actions, _stage in writes]

    def _refresh_after_writes(self, cache, planned):
        """Bring the cache up to date with trakt after our writes, so the next sync in which nothing changed costs
        one request: a list trakt confirmed our writes to in full takes them from what was sent (with the stamps
        read after them); a list in doubt, or one another app changed, is read again."""
        try:
            if self._after_history and self._after_history[1] == self.trakt.requests_made:
                activities = self._after_history[0]   # nothing was sent after the plays
            else:
                activities = self.trakt.last_activities()
            taken = {section: dict(fields) for section, fields in activities.items() if isinstance(fields, dict)}
            if self._after_history:
                watched_stamps = self._after_history[0]
            elif 'trakt-history' in self._written and self._plays_counted_alone(planned):
                watched_stamps = activities
            else:
                watched_stamps = None
            lists = dict(cache.lists)
            cache.release()   # ``lists`` is the one copy now: a list read again below replaces its old copy
            patched = []
            for name in TRAKT_LISTS:
                how = self._patchable(name, cache, planned, watched_stamps)
                if isinstance(how, list):
                    for patch, actions in how:
                        if patch == 'collection':
                            cache_patch.add_collected(lists[name], actions, cache.with_metadata)
                        else:
                            patch(lists[name], actions)
                    patched.append(name)
                    if name in WATCHED_LISTS:
                        section, field = TRAKT_LISTS[name]
                        taken[section][field] = stamp(watched_stamps, name)
                elif how == 'read' or stamp(activities, name) != stamp(planned, name):
                    lists[name] = None   # not held while its new copy is read
                    lists[name] = self._fetch(name)
                elif cache.was_patched(name):
                    patched.append(name)   # still as our earlier writes made it
            if patched:
                logger.info('trakt lists up to date from confirmed writes, not read again: {}', ', '.join(patched))
            cache.save(taken, lists, patched)
        except trakt_errors.TraktError as exc:
            # The next sync reads these lists instead; nothing is lost.
            logger.warning('could not re-read trakt after writing ({}); the next sync will', exc.message)
            cache.forget(list(TRAKT_LISTS))

    # -- applying ----------------------------------------------------------------------------------------------
    def _apply_kodi(self, plan, baseline, result):
        updates = plan.to_kodi
        if updates:
            self._before_kodi_writes(len(updates))

        def before_batch(done):
            self._check_cancel()
            self._write_progress(streams.KODI_WATCHED.stage, done, len(updates))

        # By time: the batch in flight is what a cancel or Kodi quitting waits for.
        for batch, failed in write_in_batches(updates, self.library.apply_watched, self._clock, before_batch):
            with self._records:
                for action in batch:
                    if id(action) not in failed:
                        baseline.record(action)
                        self._kodi_writes.add(action)
                        result.count(streams.counter(streams.KODI_WATCHED, action.kind))
                self._saver.changed()
        self._write_progress(streams.KODI_WATCHED.stage, len(updates), len(updates))

    def _post(self, stage, actions, items_of, post, baseline, result, counter, count_plays=False,
              before_sending=None):
        """Send the items of ``actions`` through ``post`` (a client generator); record each action once trakt
        confirmed all of its items (or, with ``count_plays``, as many plays as trakt says it added).
        ``before_sending`` runs once, only when something is left to send after the not-found memory."""
        try:
            self._post_batches(stage, actions, items_of, post, baseline, result, counter, count_plays,
                               before_sending)
        except trakt_errors.AccountLimit as exc:
            # Only this stage is over the account's limit: what trakt confirmed is kept, the rest goes on.
            message = exc.message_for(streams.limit_section(stage))
            with self._records:
                self._saver.changed()
                result.warn(message)
            logger.warning('{}: {}; this part of the sync is skipped, the rest goes on', stage, message)

    def _post_batches(self, stage, actions, items_of, post, baseline, result, counter, count_plays,
                      before_sending):
        memory = NotFoundMemory(self.store, self._clock)
        actions = self._skip_known_not_found(stage, actions, memory, result)
        if not actions:
            return
        self._check_cancel()
        if before_sending is not None:
            before_sending()
        owner = {}
        items = []
        sent = []          # per action: its items
        for index, action in enumerate(actions):
            action_items = items_of(action)
            sent.append(action_items)
            for item in action_items:
                owner[id(item)] = index
                items.append(item)
        confirmed = [0] * len(actions)
        missing_actions = set()
        done = 0
        self._posted = True
        written = self._written[stage] = {'actions': actions, 'posts': 0, 'complete': False}
        try:
            for batch, answer in post(items):
                written['posts'] += 1
                refused = dict((id(item), reason) for item, reason in answer.refused)
                missing = set(id(item) for item in answer.not_found_items()) | set(refused)
                in_batch = {}
                for item in batch:
                    index = owner[id(item)]
                    if id(item) in missing:
                        missing_actions.add(index)
                    in_batch.setdefault(index, 0)
                    in_batch[index] += 1
                with self._records:   # the Kodi writes may record at the same time
                    short = self._short_kinds(batch, missing, answer) if count_plays else {}
                    for index, number in sorted(in_batch.items()):
                        action = actions[index]
                        if index in missing_actions:
                            continue
                        if action.kind in short:
                            self._record_short(action, index, in_batch, sent, short[action.kind], baseline, result,
                                               counter, stage)
                            missing_actions.add(index)
                            continue
                        confirmed[index] += number
                        if confirmed[index] == len(sent[index]):
                            baseline.record(action)
                            result.count(counter(action), len(sent[index]))
                    for index in sorted(set(owner[id(item)] for item in batch if id(item) in missing)):
                        action = actions[index]
                        if count_plays:
                            action.record_in_doubt(confirmed[index], baseline)
                        reasons = [refused[id(item)] for item in sent[index] if id(item) in refused]
                        if reasons:   # trakt refused it (400/422): listed with trakt's words, tried again next sync
                            result.add_not_found(action, REFUSED_REASON.format(reasons[0]))
                            continue
                        result.add_not_found(action)
                        memory.remember(stage, action.key, action.title)
                    self._saver.changed()
                if missing:
                    memory.save()
                done += len(batch)
                self._write_progress(stage, done, len(items))
                self._check_cancel()
            written['complete'] = not missing_actions and all(
                confirmed[index] == len(sent[index]) for index in range(len(actions)))
        except trakt_errors.OutcomeUnknown as exc:
            if count_plays:
                in_doubt = set(owner[id(item)] for item in exc.items if id(item) in owner)
                self._held.update(actions[index].key for index in in_doubt)
                with self._records:
                    for index in in_doubt - missing_actions:   # those were recorded when trakt refused them
                        if confirmed[index] < len(sent[index]):
                            actions[index].record_in_doubt(confirmed[index], baseline)
            logger.warning('{}: trakt may or may not have taken {} items ({}); they are not sent again in this '
                           'sync: the next one reads what trakt holds', stage, len(exc.items), exc.message)
            raise

    @staticmethod
    def _short_kinds(batch, missing, answer):
        """``{kind: plays trakt added}`` for the kinds of which trakt added fewer plays than were sent."""
        short = {}
        for kind, section in ((MOVIE, 'movies'), (EPISODE, 'episodes')):
            expected = sum(1 for item in batch if item['type'] == kind and id(item) not in missing)
            added = answer.added.get(section)
            if expected and isinstance(added, int) and added < expected:
                short[kind] = added
        return short

    @staticmethod
    def _record_short(action, index, in_batch, sent, added, baseline, result, counter, stage):
        """trakt added fewer plays than were sent. With this action the only one of its kind in the batch, and
        all its plays in it, record exactly what trakt took; otherwise which of the batch's plays trakt took is not
        known: record none (the next sync reads trakt and sends what is missing)."""
        same_kind = [i for i in in_batch if sent[i] and sent[i][0]['type'] == sent[index][0]['type']]
        if same_kind == [index] and in_batch[index] == len(sent[index]):
            action.record_in_doubt(added, baseline)
            if added:
                result.count(counter(action), added)
        else:
            action.record_in_doubt(0, baseline)
        logger.warning('{}: trakt took fewer plays than were sent for {} (added {} of its batch); the next sync '
                       'sends what is missing', stage, action.title, added)

    @staticmethod
    def _skip_known_not_found(stage, actions, memory, result):
        """``actions`` without those trakt answered not_found for in the last week (reported again)."""
        kept = []
        for action in actions:
            if memory.knows(stage, action.key):
                result.add_not_found(action)
            else:
                kept.append(action)
        if len(kept) < len(actions):
            logger.info('{}: {} items trakt did not know are not sent again before a week has passed', stage,
                        len(actions) - len(kept))
        return kept

    def _apply_history_add(self, plan, baseline, result, activities):
        def items_of(action):
            return [_item(action, watched_at=format_utc(when) or 'unknown') for when in action.watched_at]

        def check_trakt_unchanged():
            # Another writer (a second Kodi box, a scrobbler) may have sent these very viewings since the read.
            if not wrote and plays > getattr(getattr(self.trakt, 'batch_size', None), 'size', plays):
                self._plays_before = self._play_count()   # before the stamps: a play between them moves those
            now = self.trakt.last_activities()
            if not wrote:
                self._checked = now
            if history_moved(activities, now):
                self._replanned = True
                raise TraktChangedMeanwhile()
        wrote = []
        plays = sum(len(action.watched_at) for action in plan.to_trakt_history_add)

        def check_before_resend():
            # After a rate-limit wait, as before sending. Once a batch of ours went through, our own write moved
            # trakt's stamps, so the stamps tell nothing more: on a shared library the check for doubled plays
            # after sending still covers another box.
            if not wrote:
                check_trakt_unchanged()

        def add_history(items):
            try:
                for batch, answer in self.trakt.add_history(items, before_resend=check_before_resend):
                    missing = set(id(item) for item in answer.not_found_items())
                    self._sent_plays.extend(item for item in batch if id(item) not in missing)
                    wrote.append(len(batch))
                    self._plays_added.append(_plays_added(answer))
                    yield batch, answer
            except trakt_errors.OutcomeUnknown as exc:
                self._sent_plays.extend(exc.items)   # trakt may have taken them
                raise
        stream = streams.HISTORY_ADD
        self._post(stream.stage, plan.to_trakt_history_add, items_of, add_history, baseline,
                   result, lambda action: streams.counter(stream, action.kind), count_plays=True,
                   before_sending=check_trakt_unchanged)

    def _play_count(self):
        try:
            return self.trakt.play_count()
        except trakt_errors.TraktError as exc:
            logger.debug('could not read trakt\'s play count ({}); the watched lists are read again after the '
                         'writes', exc.message)
            return None

    def _post_stream(self, stream, actions, items_of, baseline, result):
        """Send the actions of a stream of the table (streams.py) through its trakt call."""
        self._post(stream.stage, actions, items_of, getattr(self.trakt, stream.client_call), baseline, result,
                   lambda action: streams.counter(stream, action.kind))

    def _apply_history_remove(self, plan, baseline, result):
        self._post_stream(streams.HISTORY_REMOVE, plan.to_trakt_history_remove, lambda action: [_item(action)],
                          baseline, result)

    def _apply_collection_add(self, plan, baseline, result):
        self._post_stream(streams.COLLECTION_ADD, plan.collection_add, lambda action: [_collection_item(action)],
                          baseline, result)

    # -- clean collection --------------------------------------------------------------------------------------
    def clean_refusal(self, plan, trakt_snapshot, clean):
        """Why the clean must not run now, or None."""
        if not self.settings.clean_collection:
            return 'cleaning the trakt collection is turned off in the settings'
        if not clean.confirmed:
            return 'the clean was not confirmed'
        if plan.clean_blocked_reason:
            return plan.clean_blocked_reason
        collected = self._collected_count(trakt_snapshot)
        candidates = len(plan.clean_candidates)
        threshold = self.settings.clean_threshold_percent
        if collected and candidates * 100.0 / collected > threshold and not clean.approve_over_threshold:
            return ('{} of {} collected items ({:.0f} %) would be removed, more than the {} % threshold; '
                    'confirm to go ahead').format(candidates, collected, candidates * 100.0 / collected, threshold)
        return None

    @staticmethod
    def _collected_count(trakt_snapshot):
        return sum(1 for item in trakt_snapshot.movies + trakt_snapshot.episodes if item.collected)

    def _apply_clean(self, plan, trakt_snapshot, baseline, result, clean):
        refusal = self.clean_refusal(plan, trakt_snapshot, clean)
        candidates = plan.clean_candidates
        result.clean = {'candidates': len(candidates), 'removed': 0, 'refused': refusal}
        if refusal:
            logger.warning('clean refused: {}', refusal)
            return
        if not candidates:
            return
        try:
            CleanBackup(self.store).add([_collection_item(c) for c in candidates])
        except StoreWriteError as exc:
            result.clean['refused'] = 'its backup could not be saved ({})'.format(exc)
            raise CleanNotBackedUp(result.clean['refused']) from exc
        counters = [streams.counter(streams.CLEAN, kind) for kind in (MOVIE, EPISODE)]
        before = sum(result.applied.get(name, 0) for name in counters)
        self._post_stream(streams.CLEAN, candidates, lambda action: [_item(action)], baseline, result)
        result.clean['removed'] = sum(result.applied.get(name, 0) for name in counters) - before
