"""The sync and the scrobbler talk to trakt from two threads of the service, each with its own client over the
same token: one POST per second between them, and one token refresh (refresh tokens are single-use)."""
import threading
import time

from tests.trakt.helpers import MemoryTokenStore, movie_items
from tools import catalog as catalog_module
from traktsync.trakt.backoff import Pacer

CATALOG = catalog_module.make_catalog(movies=6, shows=0)


def _run_together(*jobs):
    errors = []
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        try:
            job()
        except Exception as exc:   # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []


def test_two_clients_sharing_a_pacer_never_post_within_trakts_interval(make_emulator, make_client):
    emu = make_emulator(CATALOG, post_interval=0.3)
    items = movie_items(CATALOG, field='collected_at')
    token = emu.issue_token()
    pacer = Pacer(0.3)
    clients = [make_client(emu, token=token, pacer=pacer, sleep=time.sleep) for _ in range(2)]
    _run_together(*[lambda c=c, n=n: [list(c.add_collection(items[i:i + 1])) for i in range(n, 6, 2)]
                    for n, c in enumerate(clients)])
    posts = [r for r in emu.requests if r['method'] == 'POST']
    assert len(posts) == 6 and all(r['status'] == 201 for r in posts)   # the emulator answers 429 when too soon


def test_two_clients_refreshing_an_expiring_token_together_refresh_once(make_emulator, make_client):
    emu = make_emulator()
    store = MemoryTokenStore(emu.issue_token(expires_in=3600, created_at=time.time() - 7200))
    clients = [make_client(emu, store=store) for _ in range(2)]
    _run_together(*[client.last_activities for client in clients])
    assert [r['status'] for r in emu.requests if r['path'] == '/oauth/token'] == [200]
    assert [r['status'] for r in emu.requests if r['path'] == '/sync/last_activities'] == [200, 200]
    assert len(store.saves) == 1
