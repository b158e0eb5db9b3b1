"""settings.xml, strings.po and the typed settings snapshot agree with each other."""
import os
import re
import xml.etree.ElementTree as ET

from traktsync.settings import Settings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SETTINGS_XML = os.path.join(ROOT, 'resources', 'settings.xml')
STRINGS_PO = os.path.join(ROOT, 'resources', 'language', 'resource.language.en_gb', 'strings.po')
KODI_TYPES = {'boolean': bool, 'integer': int, 'string': str}


def _settings():
    return ET.parse(SETTINGS_XML).getroot()


def _string_ids():
    with open(STRINGS_PO, encoding='utf-8') as handle:
        return {int(n) for n in re.findall(r'^msgctxt "#(\d+)"', handle.read(), re.M)}


def test_settings_file_is_version_1_with_the_planned_categories():
    root = _settings()
    assert root.get('version') == '1'
    categories = [c.get('id') for c in root.iter('category')]
    for category in ('account', 'sync', 'collection', 'advanced'):
        assert category in categories


def test_every_value_setting_is_a_field_of_the_snapshot_with_its_type_and_default():
    fields = Settings.__dataclass_fields__
    defaults = Settings()
    for setting in _settings().iter('setting'):
        kind = setting.get('type')
        if kind == 'action':
            continue
        name = setting.get('id')
        assert name in fields, name
        assert fields[name].type in (KODI_TYPES[kind], KODI_TYPES[kind].__name__), name
        default = (setting.findtext('default') or '')
        expected = getattr(defaults, name)
        if kind == 'boolean':
            assert default == str(expected).lower(), name
        else:
            assert default == str(expected), name


def test_every_snapshot_field_has_a_setting():
    ids = {s.get('id') for s in _settings().iter('setting')}
    assert set(Settings.__dataclass_fields__) <= ids


def test_every_label_and_help_text_is_a_localized_string():
    strings = _string_ids()
    root = _settings()
    for element in list(root.iter('category')) + list(root.iter('group')) + list(root.iter('setting')):
        for attribute in ('label', 'help'):
            value = element.get(attribute)
            if value:
                assert int(value) in strings, (element.get('id'), attribute, value)
        heading = element.find('control/heading')
        if heading is not None:
            assert int(heading.text) in strings


def test_settings_read_uses_each_type_getter_and_keeps_defaults_for_unreadable_values():
    stored = {'startup_delay': 5, 'notifications': False, 'api_url': 'http://127.0.0.1:1234'}

    def getter(kind):
        def get(name):
            if name not in stored:
                raise RuntimeError('not set')
            assert isinstance(stored[name], kind)
            return stored[name]
        return get

    settings = Settings.read(getter(bool), getter(int), getter(str))
    assert settings.startup_delay == 5 and settings.notifications is False
    assert settings.api_url == 'http://127.0.0.1:1234'
    assert settings.sync_interval_hours == Settings().sync_interval_hours


def test_excluded_prefixes_combine_user_paths_and_switches():
    settings = Settings(exclude_paths=' /mnt/private/ | smb://nas/kids/ ', exclude_plugin=True, exclude_http=False,
                        exclude_pvr=True)
    assert settings.excluded_path_prefixes == ('/mnt/private/', 'smb://nas/kids/', 'plugin://', 'pvr://')
