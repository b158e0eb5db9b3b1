"""The pieces of tools/kodi_versions.py and the harness that need no chroot and no Kodi."""
from tools import kodi_harness, kodi_versions


def test_the_debian_archive_apt_uses_is_found_in_both_source_formats():
    deb822 = ('Types: deb\n# http://snapshot.debian.org/archive/debian/20250520T000000Z\n'
              'URIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n\n'
              'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n')
    one_line = 'deb [arch=amd64 signed-by=/k.gpg] http://ftp.example.org/debian/ bookworm main\n'
    assert kodi_versions.mirror_in([deb822]) == 'http://deb.debian.org/debian'
    assert kodi_versions.mirror_in(['# nothing\n', one_line]) == 'http://ftp.example.org/debian'
    assert kodi_versions.mirror_in(['deb http://security.debian.org/debian-security bookworm-security main\n']) \
        == kodi_versions.DEFAULT_MIRROR


def test_each_major_has_its_debian_suite():
    assert kodi_versions.SUITES == {19: 'bullseye', 20: 'bookworm', 21: 'trixie'}


def test_the_database_with_the_highest_number_is_kodis():
    assert kodi_harness._numbered(['/d/MyVideos119.db', '/d/MyVideos131.db', '/d/MyVideos99.db']) \
        == '/d/MyVideos131.db'
    assert kodi_harness._numbered([]) is None


def test_without_a_chroot_the_harness_uses_the_system_kodi(monkeypatch):
    monkeypatch.delenv(kodi_harness.KODI_ROOT_ENV, raising=False)
    assert kodi_harness.kodi_root() is None
    monkeypatch.setenv(kodi_harness.KODI_ROOT_ENV, '/nonexistent/chroot')
    assert kodi_harness.kodi_root() == '/nonexistent/chroot'
    assert kodi_harness.kodi_binary() is None
    assert 'kodi in /nonexistent/chroot' in kodi_harness.missing_parts()
