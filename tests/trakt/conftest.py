import pytest

from tests import openapi_contract
from tests.trakt.helpers import LogCapture, MemoryTokenStore, VirtualTime
from tools import catalog as catalog_module
from traktsync import logger
from traktsync.trakt import TraktClient

CLIENT_ID = 'test-client-id'
CLIENT_SECRET = 'test-client-secret-0123456789'


def contract_available():
    return openapi_contract.spec_available()


def _check_contract(requests_log):
    """Every body the client sent and every JSON answer the emulator gave, against trakt's OpenAPI description."""
    for record in requests_log:
        method, path = record['method'], record['path']
        if record['body'] is not None:
            openapi_contract.validate_request(method, path, record['body'])
        status = record['status']
        if status is not None and 200 <= status < 300 and record['response'] is not None:
            openapi_contract.validate_response(method, path, status, record['response'])


@pytest.fixture
def contract_checked():
    """Emulators registered here have their request log checked against the contract at teardown."""
    emulators = []
    yield emulators
    if emulators and not contract_available():
        pytest.fail(openapi_contract.MISSING_REASON)   # a clone without the contract must not pass unchecked
    for emu in emulators:
        _check_contract(emu.requests)


@pytest.fixture
def make_emulator(contract_checked):
    from tools.trakt_emulator import Emulator
    started = []

    def make(catalog=None, **options):
        options.setdefault('post_interval', 0.05)
        options.setdefault('device_interval', 0)  # an integer, as the contract says
        emu = Emulator(catalog=catalog if catalog is not None else catalog_module.make_catalog(),
                       client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **options)
        emu.start()
        started.append(emu)
        contract_checked.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def vtime():
    return VirtualTime()


@pytest.fixture
def logs():
    capture = LogCapture().install()
    yield capture
    logger.set_sink(logger._stdlib_sink, logger.INFO)


@pytest.fixture
def make_client(vtime):
    clients = []

    def make(emu=None, token=None, store=None, url=None, **options):
        if store is None:
            store = MemoryTokenStore(token if token is not None else (emu.issue_token() if emu else None))
        base = url or emu.url
        settings = dict(api_url=base, oauth_url=base, post_interval=0.06, timeout=(2.0, 2.0), backoff_base=0.05,
                        sleep=vtime.sleep, clock=vtime.monotonic, wall_clock=vtime.wall)
        settings.update(options)
        client = TraktClient('9.8.7', store, CLIENT_ID, CLIENT_SECRET, **settings)
        client.store = store
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def free_port():
    import socket
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port

