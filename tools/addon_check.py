"""Runs kodi-addon-checker on the built add-on, offline.

kodi-addon-checker downloads the official repositories' addons.xml for every
Kodi branch before it checks anything, and hangs for minutes without internet.
Here that download is replaced by empty repositories (and dependency checks are
skipped), and the check that the metadata URLs answer, which needs the
internet too, is left out; every local check still runs: schema, images, PO files,
entry-point complexity, file permissions, id versus folder name.

``python -m tools.addon_check [ZIP]`` unpacks the zip (built when not given),
runs ``kodi-addon-checker --branch matrix`` and exits non-zero on any problem
or warning.
"""
import io
import os
import re
import sys
import tempfile
from contextlib import redirect_stdout

from tools import build


def _offline_repositories():
    import kodi_addon_checker
    from kodi_addon_checker.addons.Repository import Repository

    repositories = {}
    for branch in kodi_addon_checker.ValidKodiVersions:
        repository = Repository.__new__(Repository)
        repository.version, repository.path, repository.addons = branch, '', []
        repositories[branch] = repository
    return repositories


def run_checker(addon_dir, branch='matrix'):
    """Return (exit_code, report_text) of kodi-addon-checker on ``addon_dir``."""
    import kodi_addon_checker.__main__ as checker_main
    import kodi_addon_checker.check_addon as check_addon

    check_addon.get_all_repo_addons = _offline_repositories
    check_addon.check_url.check_url = lambda report, parsed_xml: None
    argv = sys.argv
    sys.argv = ['kodi-addon-checker', '--branch', branch, '--skip-dependency-checks', addon_dir]
    output = io.StringIO()
    try:
        with redirect_stdout(output):
            try:
                checker_main.main()
                code = 0
            except SystemExit as exc:
                code = exc.code or 0
    finally:
        sys.argv = argv
    return code, output.getvalue()


def problems(report):
    """The report lines that are problems or warnings (the checker prints both in its own words)."""
    plain = re.sub(r'\x1b\[[0-9;]*m', '', report)
    return [line for line in plain.splitlines() if re.match(r'\s*(ERROR|WARN|PROBLEM)', line)]


def main(zip_path=None):
    zip_path = zip_path or build.build_zip(tempfile.mkdtemp(prefix='traktsync-check-'))
    with tempfile.TemporaryDirectory() as scratch:
        addon_dir = build.unpack(zip_path, scratch)
        code, report = run_checker(addon_dir)
    print(report.strip())
    found = problems(report)
    if code or found:
        print('kodi-addon-checker reported {} problem(s) in {}'.format(len(found), os.path.basename(zip_path)))
        return 1
    print('kodi-addon-checker --branch matrix: no problems in {}'.format(os.path.basename(zip_path)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
