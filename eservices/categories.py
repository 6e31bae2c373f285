"""The default classifier of e-service categories, seeded by migration 0002.

The titles are kept in English in the database (they are msgids, marked here for the catalogue)
and shown through gettext: a default title reads in the visitor's language, a title staff typed
themselves is shown as typed."""

from django.utils.translation import gettext_noop as _

# (code, title), in the catalogue's order.
DEFAULTS = [
    ("social-payments", _("Social payments and benefits")),
    ("pensions", _("Pensions")),
    ("diia", _("Diia portal and app")),
    ("tax", _("Taxes")),
    ("registers", _("Land and property registers")),
    ("health", _("Health (eHealth)")),
    ("education", _("Education")),
    ("appeals", _("Appeals to authorities")),
    ("employment", _("Employment and job search")),
    ("civil-status", _("Civil status and documents")),
    ("business", _("Business registration")),
    ("digital-literacy", _("Digital literacy")),
]
