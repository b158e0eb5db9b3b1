"""TLS verification stays on even when the environment or the session says otherwise."""
import shutil
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from traktsync.trakt import errors


class _Hello(BaseHTTPRequestHandler):
    delay = 0.0

    def do_GET(self):
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'{}')

    def log_message(self, *args):
        pass


@pytest.fixture
def self_signed_server(request, tmp_path):
    if shutil.which('openssl') is None:
        pytest.skip('openssl is needed to make a self-signed certificate')
    key, cert = str(tmp_path / 'key.pem'), str(tmp_path / 'cert.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
                    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
                   check=True, capture_output=True)
    handler = type('Handler', (_Hello,), {'delay': getattr(request, 'param', 0.0)})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'https://127.0.0.1:{}'.format(server.server_address[1]), cert
    server.shutdown()
    server.server_close()


def test_self_signed_certificate_is_refused_even_if_the_session_says_verify_false(
        self_signed_server, make_client, monkeypatch):
    monkeypatch.setenv('CURL_CA_BUNDLE', '')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '')
    url, _ = self_signed_server
    client = make_client(url=url, token={'access_token': 'c' * 40, 'refresh_token': 'd' * 40})
    client.session.verify = False
    with pytest.raises(errors.CertificateError) as info:
        client.last_activities()
    assert info.value.not_processed and 'certificate' in info.value.message


@pytest.mark.parametrize('self_signed_server', [20.0], indirect=True)
def test_abort_ends_a_slow_https_request_at_once(self_signed_server, make_client, monkeypatch):
    url, cert = self_signed_server
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', cert)     # trusted here, so the request waits for the answer
    client = make_client(url=url, timeout=(2.0, 30.0), token={'access_token': 'c' * 40, 'refresh_token': 'd' * 40})
    threading.Timer(0.5, client.abort).start()
    started = time.monotonic()
    with pytest.raises(errors.Aborted):               # not a certificate error: the TLS session was fine
        client.last_activities()
    assert time.monotonic() - started < 3.0
