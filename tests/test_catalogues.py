"""The message catalogues are complete, and pages really come out in Ukrainian (the default) or English.

The completeness test regenerates the catalogues the way a developer does (see the makemessages options
below) in a temporary copy, so it fails as soon as the code has a string the committed catalogues lack,
or a catalogue entry is untranslated or fuzzy. The committed locale/ is never written.

Run from the repository root, makemessages would write into the repository's own locale/ even with
LOCALE_PATHS overridden: it prepends every `locale` directory it walks past, and the repository root is
the parent of all source files. So it runs in a temporary mirror: symbolic links to the sources, a copy
of locale/, and LOCALE_PATHS pointing at that copy.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "locale"
LANGUAGES = ["uk", "en"]
# The same options as the documented command:
#   manage.py makemessages -l uk -l en -e html,txt,py --no-location --no-obsolete
#     --ignore=.venv --ignore=tests --ignore=benchmarks --ignore=staticfiles --ignore=var
IGNORED = (".venv", "tests", "benchmarks", "staticfiles", "var")
CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)


def _catalogue(locale_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _ids(catalogue: polib.POFile) -> set[str]:
    return {_key(entry) for entry in catalogue if not entry.obsolete}


def _listing(keys) -> str:
    return "".join(f"\n  {key!r}" for key in sorted(keys))


def _regenerate(tmp_path: Path, settings, monkeypatch) -> Path:
    """Run makemessages over a mirror of the sources; return the mirror's locale directory."""
    mirror = tmp_path / "src"
    mirror.mkdir()
    for entry in REPO.iterdir():
        if entry.name.startswith(".") or entry.name in IGNORED or entry.name == "locale":
            continue
        (mirror / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, mirror / "locale", ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    settings.LOCALE_PATHS = [str(mirror / "locale")]
    monkeypatch.chdir(mirror)
    call_command(
        "makemessages",
        locale=list(LANGUAGES),
        extensions=["html", "txt", "py"],
        no_location=True,
        no_obsolete=True,
        ignore_patterns=list(IGNORED),  # makemessages appends its defaults to the list it gets
        symlinks=True,
        verbosity=0,
    )
    return mirror / "locale"


def test_catalogues_are_complete_and_agree(tmp_path, settings, monkeypatch):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    committed = {language: _catalogue(LOCALE, language) for language in LANGUAGES}
    before = {
        language: (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes() for language in LANGUAGES
    }

    regenerated_dir = _regenerate(tmp_path, settings, monkeypatch)

    for language in LANGUAGES:
        after = (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes()
        assert after == before[language], f"makemessages wrote into the repository's locale/{language}"

    problems = []
    regenerated = {language: _catalogue(regenerated_dir, language) for language in LANGUAGES}
    fix = (
        "\nRun: .venv/bin/python manage.py makemessages -l uk -l en -e html,txt,py --no-location "
        "--no-obsolete " + " ".join(f"--ignore={name}" for name in IGNORED) + " and translate."
    )
    for language, catalogue in regenerated.items():
        if catalogue.metadata_is_fuzzy:
            problems.append(f"locale/{language}: the header is marked fuzzy")
        missing = [_key(entry) for entry in catalogue.untranslated_entries()]
        if missing:
            problems.append(
                f"locale/{language}: {len(missing)} untranslated (or new in the code):{_listing(missing)}"
            )
        fuzzy = [_key(entry) for entry in catalogue.fuzzy_entries()]
        if fuzzy:
            problems.append(f"locale/{language}: {len(fuzzy)} fuzzy:{_listing(fuzzy)}")

    for name, catalogues in (("committed", committed), ("regenerated", regenerated)):
        uk_ids, en_ids = _ids(catalogues["uk"]), _ids(catalogues["en"])
        if uk_ids - en_ids:
            problems.append(f"{name}: in uk but not in en:{_listing(uk_ids - en_ids)}")
        if en_ids - uk_ids:
            problems.append(f"{name}: in en but not in uk:{_listing(en_ids - uk_ids)}")

    uk = regenerated["uk"]
    if not uk.metadata.get("Plural-Forms", "").replace(" ", "").startswith("nplurals=3;"):
        problems.append(
            f"locale/uk: Plural-Forms should have 3 forms, not {uk.metadata.get('Plural-Forms')!r}"
        )
    short = [_key(e) for e in uk if e.msgid_plural and not e.obsolete and len(e.msgstr_plural) != 3]
    if short:
        problems.append(f"locale/uk: plural entries without exactly 3 forms:{_listing(short)}")

    assert not problems, "\n".join(problems) + fix


def _translation(language: str, msgid: str) -> str:
    entry = _catalogue(LOCALE, language).find(msgid)
    assert entry is not None and entry.msgstr, f"{msgid!r} is not translated in locale/{language}"
    return entry.msgstr


# Two strings of templates/base.html, shown to everyone on every page.
SKIP_LINK = "Skip to main content"
FOOTER = "Konkurs — contests and grants for public libraries."


@pytest.mark.django_db
def test_home_page_is_ukrainian_by_default(client, settings):
    settings.LANGUAGE_CODE = "uk"  # tests/conftest.py switches tests to English; this one checks the default
    html = client.get("/").content.decode()

    assert 'lang="uk"' in html
    for msgid in (SKIP_LINK, FOOTER):
        ukrainian = _translation("uk", msgid)
        assert CYRILLIC.search(ukrainian)
        assert ukrainian in html, (
            f"the home page lacks {ukrainian!r}: are the catalogues compiled (manage.py compilemessages)?"
        )
        assert msgid not in html


@pytest.mark.django_db
def test_home_page_switches_to_english(client, settings):
    settings.LANGUAGE_CODE = "uk"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'lang="en"' in html
    assert SKIP_LINK in html
    assert FOOTER in html
    assert _translation("uk", SKIP_LINK) not in html

    # The choice sticks: the language cookie is set for the next requests.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()
