"""Every string the add-on shows exists in English, and strings.po holds no string nothing shows."""
import os
import subprocess
import sys

from tools import translations

PO_HEAD = 'msgid ""\nmsgstr ""\n"Language: en_GB\\n"\n\n'


def _po(*entries):
    return PO_HEAD + ''.join('msgctxt "#{}"\nmsgid "{}"\nmsgstr ""\n\n'.format(n, text) for n, text in entries)


def _checkout(tmp_path, po, code='', settings=None):
    language = tmp_path / 'resources' / 'language' / 'resource.language.en_gb'
    language.mkdir(parents=True)
    (language / 'strings.po').write_text(po)
    (tmp_path / 'lib' / 'traktsync').mkdir(parents=True)
    (tmp_path / 'lib' / 'traktsync' / 'script.py').write_text(code)
    if settings is not None:
        (tmp_path / 'resources' / 'settings.xml').write_text(settings)
    return str(tmp_path)


def test_the_add_on_uses_exactly_the_strings_it_defines():
    assert translations.problems() == []


def test_id_used_in_code_but_missing_in_strings_po_is_reported_with_its_place(tmp_path):
    root = _checkout(tmp_path, _po((30010, 'Sync now')), 'a = localize(30010)\nb = localize(30011)\n')
    assert translations.problems(root) == ['#30011 is used in lib/traktsync/script.py:2 but strings.po lacks it']


def test_unused_string_is_reported_with_its_text(tmp_path):
    root = _checkout(tmp_path, _po((30010, 'Sync now'), (30099, 'Old words')), 'MENU = [("sync", 30010)]\n')
    assert translations.problems(root) == ['#30099 "Old words" is in strings.po but nothing uses it']


def test_ids_in_comments_docstrings_or_outside_the_add_on_range_do_not_count(tmp_path):
    code = ('"""See 30010."""\n'
            '# localize(30011) is gone\n'
            'label = 1049\n'
            'port = 32400  # not a string id\n')
    root = _checkout(tmp_path, _po((30012, 'Used')), code + 'x = 30012\n')
    assert translations.problems(root) == []


def test_info_labels_in_string_literals_count(tmp_path):
    code = 'a = "$ADDON[service.traktsync 30010]"\nb = "$LOCALIZE[30011]"\n'
    root = _checkout(tmp_path, _po((30010, 'A'), (30011, 'B')), code)
    assert translations.problems(root) == []


def test_settings_labels_help_headings_and_options_count(tmp_path):
    settings = ('<settings version="1"><section id="s"><category id="c" label="30100" help="">'
                '<group id="1" label="30101"><setting id="x" type="string" label="30102" help="30103">'
                '<control type="edit" format="string"><heading>30104</heading></control>'
                '<constraints><options><option label="30105">a</option></options></constraints>'
                '</setting><setting id="y" type="integer" label="30106"><default>30999</default></setting>'
                '</group></category></section></settings>')
    root = _checkout(tmp_path, _po(*[(n, str(n)) for n in range(30100, 30107)]), '', settings)
    assert translations.problems(root) == []
    root = _checkout(tmp_path / 'b', _po(*[(n, str(n)) for n in range(30100, 30106)]), '', settings)
    assert translations.problems(root) == ['#30106 is used in resources/settings.xml (y) but strings.po lacks it']


def test_an_id_defined_twice_is_reported(tmp_path):
    root = _checkout(tmp_path, _po((30010, 'A'), (30010, 'B')), 'x = 30010\n')
    assert translations.problems(root) == ['strings.po defines #30010 twice']


def test_an_entry_without_msgid_is_reported(tmp_path):
    root = _checkout(tmp_path, _po((30010, 'A')) + 'msgctxt "#30011"\nmsgstr ""\n', 'x = 30010\n')
    assert 'needs a msgid' in translations.problems(root)[0]


def test_command_prints_the_problems_and_exits_non_zero(tmp_path):
    root = _checkout(tmp_path, _po((30010, 'A'), (30011, 'B')), 'x = 30010\n')
    result = subprocess.run([sys.executable, '-m', 'tools.translations', root], cwd=translations.ROOT,
                            stdout=subprocess.PIPE, universal_newlines=True)
    assert result.returncode == 1
    assert '#30011 "B" is in strings.po but nothing uses it' in result.stdout
    os.remove(os.path.join(root, translations.STRINGS_PO))
    with open(os.path.join(root, translations.STRINGS_PO), 'w') as handle:
        handle.write(_po((30010, 'A')))
    assert subprocess.run([sys.executable, '-m', 'tools.translations', root], cwd=translations.ROOT,
                          stdout=subprocess.PIPE).returncode == 0
