"""The real SyncEngine and TraktClient without Kodi: the soak's in-memory library (Kodi's row ids and dates) and
the trakt emulator behind an in-process seam, on a virtual clock (nothing really sleeps)."""
from tools import catalog as catalog_module
from tools.soak.clock import VirtualClock
from tools.soak.library import MemoryLibrary
from tools.soak.trakt_seam import CLIENT_ID, CLIENT_SECRET, TraktWorld
from traktsync.engine import SyncEngine
from traktsync.settings import Settings
from traktsync.store import JsonStore, TokenStore
from traktsync.trakt import TraktClient
from traktsync.version import VERSION

ACCOUNT = 'alice'
SERVICE_RETRY_SECONDS = 300     # the service syncs again this long after trakt left plays unconfirmed


class EngineWorld(object):

    def __init__(self, folder, movies=4, shows=1, episodes=3):
        self.clock = VirtualClock()
        self.catalog = catalog_module.make_catalog(movies=movies, shows=shows, seasons=1,
                                                   episodes_per_season=episodes)
        self.trakt = TraktWorld(self.catalog, self.clock, accounts=(ACCOUNT,))
        self.library = MemoryLibrary(self.catalog, self.clock)
        self.store = JsonStore(str(folder))
        TokenStore(self.store).save(self.trakt.issue_token(ACCOUNT))
        self.requests = []

    @property
    def emulator(self):
        return self.trakt.emulators[ACCOUNT]

    def movie_id(self, index):
        return self.catalog['movies'][index]['ids']['trakt']

    def scan(self, item):
        return self.library.add_copy(item)

    def plays(self, index):
        """trakt's plays of catalog movie ``index``."""
        return self.trakt.play_counts(ACCOUNT).get(('movie', self.movie_id(index)), 0)

    def history_posts(self):
        return [r for r in self.emulator.requests if r['method'] == 'POST' and r['path'] == '/sync/history']

    def sync(self, **options):
        url = self.trakt.url(ACCOUNT)
        settings = Settings(username=ACCOUNT, collection_metadata=False, client_id=CLIENT_ID,
                            client_secret=CLIENT_SECRET, api_url=url, oauth_url=url, **options)
        client = TraktClient(VERSION, TokenStore(self.store), CLIENT_ID, CLIENT_SECRET, api_url=url, oauth_url=url,
                             timeout=(1.0, 1.0), post_interval=0, backoff_base=0.01, sleep=self.clock.sleep,
                             clock=self.clock.monotonic, wall_clock=self.clock.wall, session=self.trakt.session())
        engine = SyncEngine(self.library, client, self.store, settings, sleep=self.clock.sleep, clock=self.clock.wall)
        try:
            return engine.sync()
        finally:
            client.close()
