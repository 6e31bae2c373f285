"""No app calls another back through Django signals (DESIGN.md): a step that spans apps is run by a
service of the highest app involved, and where a lower app must list things it does not own, it
offers a registry that higher apps fill in at start-up. The source of every project package is
read (migrations aside) for receivers, new signals and connections."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = (
    "config",
    "core",
    "notifications",
    "accounts",
    "contests",
    "applications",
    "review",
    "grants",
    "depository",
    "awards",
    "reports",
)
SIGNAL_USE = re.compile(
    r"@receiver\b"
    r"|\bSignal\("
    # a Django signal's `.connect(`; not a database driver's (psycopg.connect) nor Celery's task hooks
    r"|(?<!psycopg)(?<!_prerun)(?<!_postrun)\.connect\("
    r"|^\s*(?:from\s+django\.\S*signals\s+import|import\s+django\.\S*signals)",
    re.MULTILINE,
)


def sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def signal_uses(text: str) -> list[str]:
    return [match.group(0).strip() for match in SIGNAL_USE.finditer(text)]


def test_the_pattern():
    assert signal_uses("@receiver(post_save, sender=Grant)\ndef f(): ...")
    assert signal_uses("decided = Signal()")
    assert signal_uses("post_save.connect(handler)")
    assert signal_uses("from django.db.models.signals import post_save")
    assert not signal_uses("services.decide(contest)  # no signals here")
    assert not signal_uses("psycopg.connect(**params)")


def test_no_module_uses_signals():
    files = sources()
    assert len(files) > 50
    offenders = [
        f"{path.relative_to(ROOT)}: {use}" for path in files for use in signal_uses(path.read_text())
    ]
    assert not offenders, (
        "Django signals between the project's apps (call a service of the highest app, or fill a "
        "lower app's registry from AppConfig.ready):\n" + "\n".join(offenders)
    )
