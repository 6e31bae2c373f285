"""The fixed case structure, and the snapshot of an application taken at publication.

The contest's form answers become case sections by the keys of contests.form_templates'
CASE_STRUCTURE (problem, target group, solution, e-services, results, resources and partners,
sustainability, contacts). Headings come from that structure, translated when the page is shown,
so a case reads in Ukrainian or English whatever language the organiser wrote the form in.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from contests.form_templates import CASE_STRUCTURE
from contests.models import FormField
from core import clock

QUESTIONS = {question.key: question for question in CASE_STRUCTURE}


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    answer_keys: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section("problem", QUESTIONS["case_problem"].label, ("case_problem",)),
    Section(
        "target_group", QUESTIONS["case_target_group"].label, ("case_target_group", "case_people_served")
    ),
    Section("solution", QUESTIONS["case_solution"].label, ("case_solution",)),
    Section("e_services", QUESTIONS["case_e_services"].label, ("case_e_services",)),
    Section("results", QUESTIONS["case_results"].label, ("case_results",)),
    Section("resources", QUESTIONS["case_resources"].label, ("case_resources",)),
    Section("sustainability", QUESTIONS["case_sustainability"].label, ("case_sustainability",)),
    Section("contacts", _("Contacts"), ("case_contact_email", "case_website")),
)
# Files are not copied: public attachments are listed live, by their own flag.
TEXT_KEYS = tuple(
    key
    for section in SECTIONS
    for key in section.answer_keys
    if QUESTIONS[key].field_type != FormField.Type.FILE
)


def case_answers(answers: dict) -> dict[str, Any]:
    """The case-structure answers of an application, empty ones left out."""
    picked = {}
    for key in TEXT_KEYS:
        value = answers.get(key) if isinstance(answers, dict) else None
        if value is None or value == "" or value == []:
            continue
        picked[key] = [str(item) for item in value] if isinstance(value, list) else str(value)
    return picked


def section_rows(sections: dict) -> list[dict]:
    """Sections with their items in the fixed order, for a page or the API; empty ones left out."""
    rows = []
    for section in SECTIONS:
        items = [
            {
                "key": key,
                "label": QUESTIONS[key].label,
                "value": sections[key],
                "type": QUESTIONS[key].field_type,
            }
            for key in section.answer_keys
            if key in sections
        ]
        if items:
            rows.append({"key": section.key, "title": section.title, "items": items})
    return rows


def contest_year(application: Application) -> int:
    contest = application.contest
    moment = contest.closes_at or contest.opens_at or clock.now()
    return contest.local(moment).year


def snapshot(application: Application) -> dict[str, Any]:
    """The public fields of a case as they stand now (the categories are copied separately)."""
    organisation = application.organisation
    sections = case_answers(application.answers)
    text_parts = [application.title, organisation.name, organisation.settlement]
    for value in sections.values():
        text_parts.extend(value if isinstance(value, list) else [value])
    return {
        "title": application.title,
        "organisation_name": organisation.name,
        "region": organisation.region,
        "settlement": organisation.settlement,
        "year": contest_year(application),
        "awarded": application.state == Application.State.AWARDED,
        "sections": sections,
        "search_text": "\n".join(part for part in text_parts if part).casefold(),
    }
