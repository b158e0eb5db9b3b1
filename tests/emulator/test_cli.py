"""``python -m tools.trakt_emulator``: the demo's process keeps its account in the state file."""
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from .conftest import USER_AGENT

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _start(state, port, *extra):
    process = subprocess.Popen([sys.executable, '-m', 'tools.trakt_emulator', '--state', str(state), '--port',
                                str(port), '--post-interval', '0', '--catalog-movies', '3', '--catalog-shows', '1',
                                '--auto-approve'] + list(extra),
                               cwd=str(REPO_ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError('emulator exited: {}'.format(process.stderr.read().decode())) from None
            time.sleep(0.05)
    process.kill()
    raise AssertionError('emulator did not listen on port {}'.format(port))


def _stop(process):
    process.terminate()
    try:
        assert process.wait(5) == 0
    finally:
        if process.poll() is None:
            process.kill()


def _headers(token=None):
    headers = {'User-Agent': USER_AGENT, 'trakt-api-key': 'test-client-id', 'trakt-api-version': '2'}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    return headers


def test_state_survives_a_restart(tmp_path):
    state = tmp_path / 'emulator-state.json'
    port = _free_port()
    process = _start(state, port)
    try:
        url = 'http://127.0.0.1:{}'.format(port)
        code = requests.post(url + '/oauth/device/code', json={'client_id': 'test-client-id'},
                             headers=_headers(), timeout=5).json()
        token = requests.post(url + '/oauth/device/token', headers=_headers(), timeout=5, json={
            'code': code['device_code'], 'client_id': 'test-client-id',
            'client_secret': 'test-client-secret'}).json()['access_token']
        movie_id = json.loads(state.read_text(encoding='utf-8'))['catalog']['movies'][1]['ids']['trakt']
        added = requests.post(url + '/sync/history', headers=_headers(token), timeout=5,
                              json={'movies': [{'ids': {'trakt': movie_id}, 'watched_at': '2024-06-01T12:00:00Z'}]})
        assert added.status_code == 201
    finally:
        _stop(process)
    saved = json.loads(state.read_text(encoding='utf-8'))
    assert len(saved['catalog']['movies']) == 3 and len(saved['catalog']['shows']) == 1
    assert [play['trakt_id'] for play in saved['account']['plays']] == [movie_id]

    port = _free_port()
    process = _start(state, port)
    try:
        watched = requests.get('http://127.0.0.1:{}/sync/watched/movies'.format(port), headers=_headers(token),
                               timeout=5)
        assert watched.status_code == 200  # the token survived too
        assert [(item['movie']['ids']['trakt'], item['plays']) for item in watched.json()] == [(movie_id, 1)]
    finally:
        _stop(process)


def test_a_corrupt_state_file_is_refused_and_kept(tmp_path):
    state = tmp_path / 'emulator-state.json'
    state.write_text('{"account": {}}', encoding='utf-8')
    result = subprocess.run([sys.executable, '-m', 'tools.trakt_emulator', '--state', str(state), '--port', '0'],
                            cwd=str(REPO_ROOT), capture_output=True, timeout=20)
    assert result.returncode != 0
    assert b'not an emulator state file' in result.stderr and b'Traceback' not in result.stderr
    assert state.read_text(encoding='utf-8') == '{"account": {}}'
