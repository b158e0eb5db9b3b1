"""``dialog_shots``: screenshots of the dialogs a test drives, kept under artifacts/<test>/dialogs/ when it fails."""
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def dialog_shots(request, tmp_path):
    folder = tmp_path / 'dialogs'
    folder.mkdir()

    def shot(kodi, name):
        try:
            kodi.screenshot(str(folder / (name + '.png')))
        except Exception:  # noqa: BLE001 - a missing picture must not fail the behaviour under test
            pass

    yield shot
    report = getattr(request.node, 'report_call', None)
    if report is not None and report.failed:
        shutil.copytree(str(folder), os.path.join(ROOT, 'artifacts', request.node.name, 'dialogs'),
                        dirs_exist_ok=True)
