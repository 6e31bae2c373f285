"""Ready-made sets of application-form questions an organiser can add with one button.

The case structure comes from the seeds (the association's depository of best practices): a case
tells the problem, the people it serves, the solution, the e-services involved, the results with
numbers, the resources and partners, the costs, how it lasts, and whom to contact. Each question
carries its case section (FormField.case_section), which the organiser may change: the depository
publishes answers by that mapping, not by these keys. Labels and help texts are
translated when the questions are added, into the organiser's language at that moment: once added
they are the contest's own text, which the organiser may edit.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contests.models import CaseSection, FormField

T = FormField.Type
S = CaseSection


@dataclass(frozen=True)
class Question:
    key: str
    label: Promise
    help_text: Promise
    field_type: str
    required: bool = True
    choices: tuple[Promise, ...] = ()
    max_length: int | None = None
    file_types: tuple[str, ...] = ()
    max_file_mb: int = 10
    identifying: bool = False
    section: str = ""  # CaseSection: where the answer shows in a published case

    def as_fields(self) -> dict:
        """FormField values, translated into the active language."""
        return {
            "key": self.key,
            "label": str(self.label),
            "help_text": str(self.help_text),
            "field_type": self.field_type,
            "required": self.required,
            "choices": [str(choice) for choice in self.choices],
            "max_length": self.max_length,
            "file_types": list(self.file_types),
            "max_file_mb": self.max_file_mb,
            "identifying": self.identifying,
            "case_section": self.section,
        }


E_SERVICES = (
    _("Appeals and petitions to local authorities"),
    _("Social benefits and subsidies"),
    _("Pension services"),
    _("Registration of residence or property"),
    _("Tax services"),
    _("Electronic signature"),
    _("Government portal services (Diia)"),
    _("Booking appointments with doctors or officials"),
    _("Other e-services"),
)

CASE_STRUCTURE: tuple[Question, ...] = (
    Question(
        "case_problem",
        _("Problem"),
        _("What problem of your community did the practice solve? Describe the situation before it."),
        T.LONG_TEXT,
        max_length=5000,
        section=S.PROBLEM,
    ),
    Question(
        "case_target_group",
        _("Target group"),
        _("Who needed the service: for example pensioners, people with disabilities, displaced persons."),
        T.LONG_TEXT,
        max_length=3000,
        section=S.TARGET_GROUP,
    ),
    Question(
        "case_people_served",
        _("People served"),
        _("How many people used the service during the project (a number)."),
        T.NUMBER,
        section=S.TARGET_GROUP,
    ),
    Question(
        "case_solution",
        _("Solution"),
        _("What the library did, step by step, and what was new in it."),
        T.LONG_TEXT,
        max_length=8000,
        section=S.SOLUTION,
    ),
    Question(
        "case_e_services",
        _("E-services involved"),
        _("Tick every kind of e-service the practice helped people use."),
        T.MULTIPLE_CHOICE,
        choices=E_SERVICES,
        section=S.E_SERVICES,
    ),
    Question(
        "case_results",
        _("Results with numbers"),
        _(
            "What changed, counted: e-services provided, appeals sent and resolved, "
            "people trained, events held."
        ),
        T.LONG_TEXT,
        max_length=5000,
        section=S.RESULTS,
    ),
    Question(
        "case_resources",
        _("Resources and partners"),
        _("Staff, equipment, money and the partners (authorities, NGOs, donors) who took part."),
        T.LONG_TEXT,
        max_length=5000,
        section=S.RESOURCES,
    ),
    Question(
        "case_costs",
        _("Costs and budget"),
        _(
            "What the practice cost and who paid for it: the library's budget, grants, "
            "the partners' contributions."
        ),
        T.LONG_TEXT,
        required=False,
        max_length=3000,
        section=S.COSTS,
    ),
    Question(
        "case_sustainability",
        _("Sustainability"),
        _("How the service continues after the project and whether others can repeat it."),
        T.LONG_TEXT,
        max_length=5000,
        section=S.SUSTAINABILITY,
    ),
    Question(
        "case_contact_email",
        _("Contact e-mail"),
        _("An address where colleagues can ask about the practice."),
        T.EMAIL,
        identifying=True,
        section=S.CONTACTS,
    ),
    Question(
        "case_website",
        _("Web page of the practice"),
        _("Optional: a page where the practice is described."),
        T.URL,
        required=False,
        identifying=True,
        section=S.CONTACTS,
    ),
    Question(
        "case_presentation",
        _("Presentation"),
        _("Optional: slides or a short document with photos (PDF, DOCX or ODT)."),
        T.FILE,
        required=False,
        file_types=("pdf", "docx", "odt"),
        max_file_mb=20,
    ),
)
