import pytest
import requests

from tools.catalog import make_catalog
from tools.trakt_emulator import Emulator

USER_AGENT = 'TraktLibrarySyncTests/1.0'


class Api(object):
    """A requests session that talks to the emulator the way the add-on does (all trakt headers)."""

    def __init__(self, emulator, token):
        self.emulator = emulator
        self.session = requests.Session()
        self.session.headers.update({'User-Agent': USER_AGENT, 'trakt-api-key': emulator.client_id,
                                     'trakt-api-version': '2', 'Content-Type': 'application/json'})
        if token:
            self.session.headers['Authorization'] = 'Bearer ' + token['access_token']

    def get(self, path, **kwargs):
        kwargs.setdefault('timeout', 5)
        return self.session.get(self.emulator.url + path, **kwargs)

    def post(self, path, body, **kwargs):
        kwargs.setdefault('timeout', 5)
        return self.session.post(self.emulator.url + path, json=body, **kwargs)

    def close(self):
        self.session.close()


@pytest.fixture
def catalog():
    return make_catalog(movies=6, shows=2, seasons=2, episodes_per_season=3)


@pytest.fixture
def emulator(catalog):
    with Emulator(catalog=catalog, post_interval=0.0, device_interval=0.2) as emu:
        yield emu


@pytest.fixture
def api(emulator):
    client = Api(emulator, emulator.issue_token())
    yield client
    client.close()


@pytest.fixture
def anonymous(emulator):
    client = Api(emulator, None)
    yield client
    client.close()


class FakeSleep(object):
    """The client's ``sleep``: records the waits and returns at once (nothing in-process needs real time)."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


@pytest.fixture
def inprocess(catalog):
    from tools.trakt_emulator.inprocess import InProcessEmulator
    with InProcessEmulator(catalog=catalog, post_interval=0, device_interval=0) as emu:
        yield emu


@pytest.fixture
def make_trakt_client():
    """``make_trakt_client(emu, token=None, **options)``: the add-on's real TraktClient over ``emu.session()``."""
    from tests.trakt.helpers import MemoryTokenStore
    from traktsync.trakt import TraktClient
    clients = []

    def make(emu, token=None, **options):
        store = MemoryTokenStore(token if token is not None else emu.issue_token())
        sleep = FakeSleep()
        settings = dict(api_url=emu.url, oauth_url=emu.url, post_interval=0, backoff_base=0.05, sleep=sleep,
                        session=emu.session())
        settings.update(options)
        client = TraktClient('9.8.7', store, emu.client_id, emu.client_secret, **settings)
        client.store, client.sleeps = store, sleep
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
