"""A "life" of a Kodi library: a small catalog, a list of events, and the real sync engine run through it.

``generate(seed)`` draws a life; ``play(life)`` runs it against the in-memory library, the trakt emulator and the
real ``SyncEngine`` and checks the reference model after every sync. Events are plain tuples so a shrunk life can
be printed as Python and pasted into a test; an event that names something that is not there (a row that was
removed, a box that never synced) does nothing, so any sub-list of a life is a life.

Events (``item`` is ``'m<i>'`` or ``'e<show>.<season>.<episode>'``; ``copy`` picks a row when there are several)::

    ('scan', item)                 a file for the item is found: a new row (nothing if it has one)
    ('copy', item)                 a second file of the same title: one more row
    ('remove', item)               its files are deleted and "Clean library" runs: rows gone
    ('move', item)                 its files are moved: old rows cleaned, new rows (new ids, unwatched)
    ('ids', item, variant)         a refresh gives the item (an episode: its show) other ids: 'full' | 'tmdb'
    ('kodi_watch', item, copy)     watched in Kodi: playcount+1, lastplayed now
    ('trakt_play', item)           a check-in / scrobble on trakt only
    ('scrobble', item, copy)       one viewing recorded on both sides at the same time
    ('kodi_unwatch', item)         marked unwatched in Kodi (every copy)
    ('trakt_unwatch', item)        every play removed on trakt.tv
    ('readd_all',)                 "Clean library" + rescan after the source path changed: every row anew
    ('fresh_db',)                  a new Kodi database (ids from 1), the add-on profile kept
    ('offline', on)                a video source is unreachable (the read is incomplete) / back
    ('switch', account)            every box signs out and signs in as ``account``
    ('truncate', box, name)        a profile file of ``box`` is cut in half between syncs
    ('wait', seconds)              time passes (writes in doubt settle)
    ('sync', box, options)         box 'A' or 'B' syncs; options: {'clean': bool, 'fault': tuple or None}

Faults (``options['fault']``)::

    ('5xx', status, count, method)       trakt answers 5xx ``count`` times (method GET/POST or None: any)
    ('429', retry_after, count)          rate limited; retry_after None (no header), 0 or seconds
    ('timeout', commit, method)          a request times out; commit 'before' | 'never' (the write did / did not
                                         happen) | 'after' (visible ``method`` = seconds later; history POSTs)
    ('partial', drop)                    a history POST is answered for ``drop`` fewer plays than it carried
    ('kodi_die', after)                  Kodi quits after ``after`` row writes of the sync
    ('kodi_down',)                       Kodi does not answer at all
    ('disk_full', after)                 the profile's disk is full after ``after`` more file writes
    ('strip_pagination',)                a proxy drops the X-Pagination-* headers
"""
import errno
import os
import random
import shutil
import tempfile
from collections import Counter

from tools import catalog as catalog_module
from tools.soak.clock import VirtualClock, patched_engine_time
from tools.soak.library import MemoryLibrary, parse_item
from tools.soak.reference import Reference, Violation
from tools.soak.trakt_seam import CLIENT_ID, CLIENT_SECRET, TraktWorld
from traktsync import logger
from traktsync.engine import CleanRequest, SyncEngine
from traktsync.settings import Settings
from traktsync.store import BASELINE, JsonStore, TokenStore
from traktsync.trakt import TraktClient
from traktsync.version import VERSION

ACCOUNTS = ('alice', 'bob')
EVENT_SECONDS = 300          # virtual time between two events
# A history write whose outcome is unknown is not re-sent in the same sync; the sync ends counting the held items
# and the service syncs again this many seconds later (docs/design.md, rule 4). The life's next sync never comes
# sooner after such a fault (_Player._ev_sync).
RETRY_AFTER_UNKNOWN = 300
PROFILE_FILES = ('baseline.json', 'trakt-cache.json', 'last-result.json', 'not-found.json')


class Life(object):
    def __init__(self, seed, config, events):
        self.seed = seed
        self.config = config
        self.events = list(events)

    def with_events(self, events):
        return Life(self.seed, self.config, events)

    def to_python(self):
        lines = ['config = {!r}'.format(self.config), 'events = [']
        lines += ['    {!r},'.format(e) for e in self.events]
        lines.append(']')
        return '\n'.join(lines)


# --- drawing a life ------------------------------------------------------------------------------------------

def item_keys(config):
    items = ['m{}'.format(i) for i in range(config['movies'])]
    for show in range(config['shows']):
        for number in range(1, config['episodes'] + 1):
            items.append('e{}.1.{}'.format(show, number))
    return items


_WEIGHTS = [
    ('kodi_watch', 14), ('trakt_play', 8), ('scrobble', 7), ('kodi_unwatch', 3), ('trakt_unwatch', 3),
    ('scan', 4), ('copy', 2), ('remove', 3), ('move', 4), ('ids', 4), ('readd_all', 1), ('fresh_db', 1.5),
    ('offline', 1), ('switch', 1.5), ('truncate', 2), ('sync', 22),
]


def _fault(rng):
    kind = rng.choice(['5xx', '5xx', '429', 'timeout', 'timeout', 'timeout', 'partial', 'kodi_die', 'kodi_down',
                       'disk_full', 'strip_pagination'])
    if kind == '5xx':
        return ('5xx', rng.choice([500, 502, 503, 504]), rng.randint(1, 5), rng.choice([None, 'GET', 'POST']))
    if kind == '429':
        return ('429', rng.choice([None, 0, 1, 3, 30]), rng.randint(1, 3))
    if kind == 'timeout':
        commit = rng.choice(['before', 'never', 'after', 'read'])
        if commit == 'after':
            # trakt commits the write this many seconds after the client gave up. Always sooner than the next sync
            # (RETRY_AFTER_UNKNOWN): trakt committing later than the next sync reads it can double a play, a known
            # limit of the rule (docs/design.md, rule 4), not a violation the soak should find again and again.
            return ('timeout', 'after', rng.choice([1, 5, 20, 60, 240]))
        if commit == 'read':
            return ('timeout', 'never', 'GET')
        return ('timeout', commit, 'POST')
    if kind == 'partial':
        return ('partial', 1)
    if kind == 'kodi_die':
        return ('kodi_die', rng.randint(0, 2))
    if kind == 'disk_full':
        return ('disk_full', rng.randint(0, 6))
    return (kind,)


def _sync_event(rng, config, fault_rate=0.35):
    box = 'B' if config['two_boxes'] and rng.random() < 0.35 else 'A'
    options = {'clean': rng.random() < 0.15, 'fault': _fault(rng) if rng.random() < fault_rate else None}
    return ('sync', box, options)


def generate(seed, steps=None):
    rng = random.Random(seed)
    config = {'movies': rng.randint(3, 8), 'shows': rng.randint(1, 3), 'episodes': rng.randint(2, 4),
              'dateadded': rng.choice(['mtime', 'scan']), 'send_unwatched': rng.random() < 0.3,
              'take_unwatched': rng.random() < 0.3, 'two_boxes': rng.random() < 0.25}
    items = item_keys(config)
    events = []
    present = set()
    for item in items:
        if rng.random() < 0.7:
            events.append(('scan', item))
            present.add(item)
            if item.startswith('m') and rng.random() < 0.1:
                events.append(('copy', item))
    present_list = sorted(present) or items
    for _ in range(rng.choice([0, 1, 2, 3, 5])):            # the history before the add-on ever ran
        item = rng.choice(present_list)
        for _ in range(rng.choice([1, 1, 2, 3])):
            events.append(('kodi_watch', item, 0))
    for _ in range(rng.randint(0, 3)):
        events.append(('trakt_play', rng.choice(items)))
    if rng.random() < 0.3:
        events.append(('scrobble', rng.choice(present_list), 0))
    events.append(_sync_event(rng, config))
    account = ACCOUNTS[0]
    kinds, weights = zip(*_WEIGHTS)
    for _ in range(steps if steps is not None else rng.randint(6, 18)):
        kind = rng.choices(kinds, weights)[0]
        item = rng.choice(items)
        if kind in ('kodi_watch', 'scrobble', 'kodi_unwatch', 'remove', 'move', 'ids', 'copy') and present:
            item = rng.choice(sorted(present))
        if kind == 'sync':
            events.append(_sync_event(rng, config))
        elif kind in ('kodi_watch', 'scrobble'):
            events.append((kind, item, rng.choice([0, 0, 0, 1])))
        elif kind in ('trakt_play', 'kodi_unwatch', 'trakt_unwatch', 'copy', 'move'):
            events.append((kind, item))
        elif kind == 'scan':
            events.append(('scan', item))
            present.add(item)
        elif kind == 'remove':
            events.append(('remove', item))
            present.discard(item)
        elif kind == 'ids':
            events.append(('ids', item, rng.choice(['full', 'tmdb'])))
        elif kind in ('readd_all', 'fresh_db'):
            events.append((kind,))
        elif kind == 'offline':
            events.append(('offline', True))
            events.append(_sync_event(rng, config, 0.0))
            events.append(('offline', False))
        elif kind == 'switch':
            account = ACCOUNTS[1] if account == ACCOUNTS[0] else ACCOUNTS[0]
            events.append(('switch', account))
        elif kind == 'truncate':
            events.append(('truncate', 'B' if config['two_boxes'] and rng.random() < 0.3 else 'A',
                           rng.choice(PROFILE_FILES)))
    # syncs without faults at the end, after writes in doubt have settled: every promise must hold then
    events.append(('wait', 3600))
    events.append(('sync', 'A', {'clean': False, 'fault': None}))
    if config['two_boxes']:
        events.append(('sync', 'B', {'clean': False, 'fault': None}))
    events.append(('sync', 'A', {'clean': False, 'fault': None}))
    return Life(seed, config, events)


# --- running a life ------------------------------------------------------------------------------------------

class FlakyStore(JsonStore):
    """The profile folder; ``full_after`` = n: the disk is full after n more writes (the temporary file is left
    half written, the old file stays, ``OSError(ENOSPC)``)."""

    def __init__(self, folder):
        JsonStore.__init__(self, folder)
        self.full_after = None

    def _write(self, name, payload, private):
        # Under every way of saving (``save``, ``save_encoded``, ``save_verified``).
        if self.full_after is not None:
            if self.full_after <= 0:
                with open('{}.tmp-{}'.format(self.path(name), os.getpid()), 'wb') as handle:
                    handle.write(b'{"sch')
                raise OSError(errno.ENOSPC, 'No space left on device')
            self.full_after -= 1
        JsonStore._write(self, name, payload, private)


def profile_files(folder):
    """Every file under a profile folder (account folders included)."""
    found = []
    for root, _dirs, names in os.walk(folder):
        found.extend(os.path.join(root, name) for name in names)
    return sorted(found)


class Box(object):
    def __init__(self, name, folder):
        self.name = name
        self.folder = folder
        self.store = FlakyStore(folder)
        self.account = None

    def sign_in(self, world, account):
        tokens = TokenStore(self.store)
        tokens.clear()
        tokens.save(world.issue_token(account))
        self.account = account


class Outcome(object):
    def __init__(self, life):
        self.life = life
        self.violations = []
        self.events = Counter()
        self.faults = Counter()
        self.syncs = 0
        self.plays_checked = 0
        self.raised = Counter()     # exceptions that escaped SyncEngine.sync (under a fault)

    @property
    def failed(self):
        return bool(self.violations)


def _profile_root():
    shm = '/dev/shm'
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return shm
    return None


class _Player(object):
    def __init__(self, life, root):
        config = life.config
        self.life = life
        self.config = config
        self.clock = VirtualClock()
        self.catalog = catalog_module.make_catalog(movies=config['movies'], shows=config['shows'], seasons=1,
                                                   episodes_per_season=config['episodes'])
        self.world = TraktWorld(self.catalog, self.clock, ACCOUNTS)
        self.library = MemoryLibrary(self.catalog, self.clock, config['dateadded'])
        self.items = item_keys(config)
        self.trakt_ids = {item: self._trakt_key(item) for item in self.items}
        self.account = ACCOUNTS[0]
        self.ref = Reference(self.items, self.trakt_ids, config['send_unwatched'], config['take_unwatched'],
                             self.account)
        self.root = root
        self.boxes = {}
        self.outcome = Outcome(life)
        self.retry_not_before = 0.0
        self.token_history = set()   # (item, kodi_id, dateadded) of every row a sync may have read
        self._box('A')

    def _trakt_key(self, item):
        kind, where = parse_item(item)
        if kind == 'movie':
            return ('movie', self.catalog['movies'][where]['ids']['trakt'])
        show, season, number = where
        episode = self.catalog['shows'][show]['seasons'][season - 1]['episodes'][number - 1]
        return ('episode', episode['ids']['trakt'])

    def _box(self, name):
        box = self.boxes.get(name)
        if box is None:
            folder = os.path.join(self.root, 'profile-' + name)
            os.makedirs(folder)
            box = self.boxes[name] = Box(name, folder)
            box.sign_in(self.world, self.account)
        return box

    def _row(self, item, copy):
        rows = self.library.rows_of(item)
        if not rows:
            return None
        return rows[min(copy or 0, len(rows) - 1)]

    @staticmethod
    def _row_key(row):
        return ('movie' if row.item.startswith('m') else 'episode', row.kodi_id)

    # -- events ---------------------------------------------------------------------------------------------------
    def run(self):
        for event in self.life.events:
            self.clock.advance(EVENT_SECONDS)
            self.world.flush_due()
            self.outcome.events[event[0]] += 1
            getattr(self, '_ev_' + event[0])(*event[1:])
        self.outcome.plays_checked = self.ref.plays_checked
        return self.outcome

    def _ev_scan(self, item):
        if not self.library.rows_of(item):
            self.library.add_copy(item)

    def _ev_copy(self, item):
        if self.library.rows_of(item):
            self.library.add_copy(item)

    def _ev_remove(self, item):
        rows = self.library.rows_of(item)
        self.ref.rows_gone(item, [self._row_key(r) for r in rows])
        for row in rows:
            self.library.remove_row(row)

    def _ev_move(self, item):
        gone = {item: self.library.rows_of(item)}
        for row in gone[item]:
            self.library.move_row(row)
        self._renewed(gone)

    def _renewed(self, gone):
        """Tell the reference which items' rows are all gone (``gone``: item -> its rows before); an item whose new
        rows have the id AND date of a row it had before cannot be told from the old rows (choice 14)."""
        counts = {item: [r.playcount for r in rows] for item, rows in gone.items()}
        keys = {item: [self._row_key(r) for r in rows] for item, rows in gone.items()}
        now = self._tokens()
        same = set(item for item, _id, _date in now & self.token_history)
        self.token_history |= now
        for item in sorted(gone):
            self.ref.rows_gone(item, keys[item], same_rows=item in same, counts=counts[item],
                               tokens=set((self.library.kind_of(i), kodi_id, date) for i, kodi_id, date in now
                                          if i == item))

    def _ev_ids(self, item, variant):
        self.library.set_variant(item, variant)

    def _lagging(self, item, row):
        """Whether ``row`` reads fewer plays than another copy of its item (copies are not kept in step), or is a
        copy with plays that a box has not read yet: either may gain one viewing at most in a box's reading."""
        if len(self.library.rows_of(item)) > 1 and row.playcount and self.ref.unread_by_a_box(
                (self.library.kind_of(item), row.kodi_id, row.dateadded)):
            return True
        return any(r.playcount > row.playcount for r in self.library.rows_of(item) if r is not row)

    def _ev_kodi_watch(self, item, copy=0):
        row = self._row(item, copy)
        if row is not None:
            lagging = self._lagging(item, row)
            self.library.watch(row)
            self.ref.kodi_viewing(item, self._row_key(row), lagging)

    def _now_text(self):
        return self.clock.now().strftime('%Y-%m-%dT%H:%M:%S.000Z')

    def _ev_trakt_play(self, item):
        kind, trakt_id = self.trakt_ids[item]
        self.world.add_play(self.account, kind, trakt_id, self._now_text())
        self.ref.trakt_play(item)

    def _ev_scrobble(self, item, copy=0):
        row = self._row(item, copy)
        if row is None:
            return
        lagging = self._lagging(item, row)
        self.library.watch(row)
        kind, trakt_id = self.trakt_ids[item]
        self.world.add_play(self.account, kind, trakt_id, self._now_text())
        self.ref.scrobble(item, self._row_key(row), lagging)

    def _ev_kodi_unwatch(self, item):
        rows = self.library.rows_of(item)
        if not any(r.playcount for r in rows):
            return   # nothing to un-watch: Kodi's menu offers "mark as watched" instead
        counts = [r.playcount for r in rows]
        for row in rows:
            self.library.unwatch(row)
        self.ref.kodi_unwatch(item, [self._row_key(r) for r in rows], counts)

    def _ev_trakt_unwatch(self, item):
        kind, trakt_id = self.trakt_ids[item]
        on_trakt = self.world.play_counts(self.account).get((kind, trakt_id), 0)
        self.world.remove_plays(self.account, kind, trakt_id)
        self.ref.trakt_unwatch(item, on_trakt)

    def _ev_readd_all(self):
        gone = {item: self.library.rows_of(item) for item in self.library.items()}
        for row in sorted(self.library.all_rows(), key=lambda r: (r.item, r.kodi_id)):
            self.library.move_row(row)
        self._renewed(gone)

    def _tokens(self):
        return {(r.item, r.kodi_id, r.dateadded) for r in self.library.all_rows()}

    def _ev_fresh_db(self):
        gone = {item: self.library.rows_of(item) for item in self.library.items()}
        self.library.fresh_database()
        self._renewed(gone)

    def _ev_offline(self, on):
        self.library.offline = bool(on)

    def _ev_switch(self, account):
        if account == self.account:
            return
        old = self.account
        self.ref.switch_account(account, self.world.play_counts(old), self.world.collected(old),
                                self.world.play_counts(account), self.library)
        self.account = account
        for box in self.boxes.values():
            box.sign_in(self.world, account)

    def _ev_truncate(self, box_name, name):
        """Cut ``name`` in half wherever it is in the box's profile (the root, or an account's folder)."""
        box = self.boxes.get(box_name)
        if box is None:
            return
        cut = False
        for path in profile_files(box.folder):
            if os.path.basename(path) != name:
                continue
            with open(path, 'rb') as handle:
                data = handle.read()
            with open(path, 'wb') as handle:
                handle.write(data[:len(data) // 2])
            cut = True
        if cut and name == BASELINE:
            self.ref.forgot_baseline(box_name)

    def _ev_wait(self, seconds):
        self.clock.advance(seconds)
        self.world.flush_due()

    def _apply_fault(self, fault, box):
        account = self.account
        kind = fault[0]
        if kind == '5xx':
            _kind, status, count, method = fault
            self.world.inject(account, 'status:{}'.format(status), count=count, method=method)
        elif kind == '429':
            _kind, retry_after, count = fault
            self.world.inject(account, '429', count=count, retry_after=retry_after)
        elif kind == 'timeout':
            _kind, commit, how = fault
            if commit == 'after':
                self.world.inject(account, 'timeout_after', visible_after=how)
            elif how == 'GET':
                self.world.inject(account, 'timeout', method='GET')
            else:
                self.world.inject(account, 'timeout', method='POST', path_prefix='/sync/history',
                                  apply=commit == 'before')
        elif kind == 'partial':
            self.world.inject(account, 'partial', drop=fault[1])
        elif kind == 'kodi_die':
            self.library.die_after = fault[1]
        elif kind == 'kodi_down':
            self.library.down = True
        elif kind == 'disk_full':
            box.store.full_after = fault[1]
        elif kind == 'strip_pagination':
            self.world.strip_pagination = True
        elif kind == 'page_count':
            self.world.absurd_page_count = True
        else:
            raise ValueError('unknown fault {!r}'.format(fault))

    def _client(self, box):
        url = self.world.url(box.account)
        return TraktClient(VERSION, TokenStore(box.store), CLIENT_ID, CLIENT_SECRET, api_url=url, oauth_url=url,
                           timeout=(1.0, 1.0), post_interval=0, backoff_base=0.01, max_rate_limit_wait=300.0,
                           watched_page_limit=2, collection_page_limit=3, sleep=self.clock.sleep,
                           clock=self.clock.monotonic, wall_clock=self.clock.wall, session=self.world.session())

    def _ev_sync(self, box_name, options):
        self.token_history |= self._tokens()
        box = self._box(box_name)
        if self.clock.wall() < self.retry_not_before:
            self.clock.advance(self.retry_not_before - self.clock.wall())
            self.world.flush_due()
        fault = options.get('fault')
        clean = bool(options.get('clean'))
        settings = Settings(username=box.account, send_unwatched=self.config['send_unwatched'],
                            take_unwatched=self.config['take_unwatched'], collection_metadata=False,
                            clean_collection=clean, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                            api_url=self.world.url(box.account), oauth_url=self.world.url(box.account))
        client = self._client(box)
        engine = SyncEngine(self.library, client, box.store, settings, sleep=self.clock.sleep, clock=self.clock.wall)
        self.ref.before_sync(self.library, self.world, [p for b in self.boxes.values() for p in
                                                        profile_files(b.folder)], box_name)
        if fault is not None:
            self.outcome.faults[fault[0] if fault[0] != 'timeout' else 'timeout_' + fault[1]] += 1
            self._apply_fault(fault, box)
        status = 'raised'
        try:
            result = engine.sync(clean=CleanRequest(confirmed=True, approve_over_threshold=True) if clean else None)
            status = result.status
        except Exception as exc:   # noqa: B902 -- anything escaping the engine is a finding
            name = '{}: {}'.format(type(exc).__name__, exc)
            if fault is None:
                self.outcome.violations.append(Violation(self.ref.syncs, 'sync_raised', None, name))
            else:
                self.outcome.raised[type(exc).__name__] += 1
        finally:
            client.close()
            self.world.clear_faults()
            self.library.die_after = None
            self.library.down = False
            box.store.full_after = None
        self.outcome.syncs += 1
        profiles = [p for b in self.boxes.values() for p in profile_files(b.folder)]
        if fault is not None and _outcome_unknown(fault):
            self.retry_not_before = self.clock.wall() + RETRY_AFTER_UNKNOWN
        self.outcome.violations.extend(self.ref.after_sync(self.library, self.world, fault is not None, status,
                                                           clean, profiles, self.clock.wall()))


def _outcome_unknown(fault):
    """Faults after which a history write may or may not have arrived (the next sync comes 300 s later at the
    earliest, design rule 4)."""
    if fault[0] == 'timeout':
        return fault[2] != 'GET'
    return fault[0] == '5xx' and fault[3] in (None, 'POST')


def play(life, inspect=None):
    """Run ``life``; an ``Outcome`` with its violations and counts. ``inspect(player)`` is called at the end, before
    the profile folders are deleted (tests look at trakt and the library through ``player.world``/``.library``)."""
    root = tempfile.mkdtemp(prefix='soak-', dir=_profile_root())
    logger.set_sink(lambda level, message: None, logger.ERROR + 1)
    try:
        player = _Player(life, root)
        with patched_engine_time(player.clock):
            outcome = player.run()
            if inspect is not None:
                inspect(player)
            return outcome
    finally:
        logger.forget_secrets()
        shutil.rmtree(root, ignore_errors=True)


def run_events(events, **config):
    """A hand-written life (regression tests): the default config is a small catalog, no options."""
    full = {'movies': 3, 'shows': 1, 'episodes': 2, 'dateadded': 'mtime', 'send_unwatched': False,
            'take_unwatched': False, 'two_boxes': False}
    full.update(config)
    final = {}

    def inspect(player):
        final['player'] = player
        final['plays'] = {account: player.world.play_counts(account) for account in ACCOUNTS}
        final['watched'] = {item: player.library.watched(item) for item in player.library.items()}
        final['trakt_ids'] = dict(player.trakt_ids)

    outcome = play(Life('test', full, events), inspect)
    outcome.final = final
    return outcome
