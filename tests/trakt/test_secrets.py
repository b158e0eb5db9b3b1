"""No token, device code or client secret reaches a log line or an error message."""
import time

import pytest

from tests.trakt.conftest import CLIENT_SECRET
from tests.trakt.helpers import MemoryTokenStore, movie_items
from tools import catalog as catalog_module
from traktsync.trakt import errors

CATALOG = catalog_module.make_catalog(movies=5, shows=1)


def test_no_secret_in_logs_or_errors_across_auth_refresh_and_failures(make_emulator, make_client, logs):
    emu = make_emulator(CATALOG)
    store = MemoryTokenStore()
    client = make_client(emu, store=store)
    messages = []

    code = client.start_device_auth()
    emu.approve(code.user_code)
    first = client.poll_device_token(code)
    list(client.add_history(movie_items(CATALOG, count=2)))

    store.save(dict(store.token, created_at=int(time.time()) - 8 * 86400))  # expired: refreshed before use
    client.last_activities()
    store.save(dict(store.token, access_token='9' * 64))  # unknown to trakt: 401, then refresh
    client.last_activities()

    emu.revoke_all_tokens()
    with pytest.raises(errors.ReauthorizationRequired) as info:
        client.last_activities()
    messages.append(str(info.value))
    emu.inject('html403', count=1)
    other = make_client(emu)
    with pytest.raises(errors.Blocked) as info:
        other.watched_movies()
    messages.append(str(info.value))
    other.sign_out()

    secrets = {CLIENT_SECRET, code.device_code}
    for token in [first] + [saved for saved in store.saves if saved] + [t for t in other.store.saves if t]:
        secrets.update([token['access_token'], token['refresh_token']])
    secrets.update(device_code for device_code, _, _ in emu.device_codes())
    assert len(secrets) >= 8

    text = logs.text + '\n'.join(messages)
    assert 'POST /oauth/device/token -> 200' in logs.text and 'GET /sync/last_activities -> 401' in logs.text
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []
