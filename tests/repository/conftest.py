"""A Kodi repository built with tools.repo and served over HTTP on 127.0.0.1 for one test."""
import functools
import http.server
import os
import re
import threading
import zipfile

import pytest

from tools import kodi_harness


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served_folder(tmp_path):
    """``(folder, base_url)``: an empty folder served at ``base_url``; the port is fixed before anything is built
    into it, because the repository add-on carries the address."""
    folder = tmp_path / 'served'
    folder.mkdir()
    server = http.server.ThreadingHTTPServer(
        ('127.0.0.1', kodi_harness.free_port()), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name='repository-server', daemon=True)
    thread.start()
    yield str(folder), 'http://127.0.0.1:{}/'.format(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(5)


def zip_with_version(zip_path, version, dest_dir):
    """A copy of an add-on zip whose addon.xml says ``version``, named ``<id>-<version>.zip`` in ``dest_dir``."""
    with zipfile.ZipFile(zip_path) as source:
        top = source.namelist()[0].split('/')[0]
        path = os.path.join(dest_dir, '{}-{}.zip'.format(top, version))
        with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == top + '/addon.xml':
                    data = re.sub(r'(<addon\b[^>]*?\bversion=")[^"]+', lambda m: m.group(1) + version,
                                  data.decode('utf-8'), count=1).encode('utf-8')
                target.writestr(info, data)
    return path
