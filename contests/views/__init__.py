"""Web pages of the contests app: public calls, and the organiser's workshop.

Reading starts from the selectors (what a user may not see answers 404); writing goes
through contests.services; permissions come from contests/rules.py (403).
"""

from contests.views.budget import grant_budget
from contests.views.classifiers import classifier_delete, classifier_edit, classifier_list
from contests.views.clone import contest_clone
from contests.views.mail import (
    contest_outbox,
    contest_outbox_progress,
    contest_outbox_resend,
    message_template_edit,
    message_template_reset,
    message_templates,
)
from contests.views.organise import (
    add_case_structure,
    contest_create,
    contest_delete,
    contest_edit,
    contest_manage,
    contest_transition,
    organise,
)
from contests.views.parts import part_add, part_delete, part_edit
from contests.views.people import contest_people, contest_role_remove
from contests.views.public import contest_detail, home, regulations_document

__all__ = [
    "add_case_structure",
    "classifier_delete",
    "classifier_edit",
    "classifier_list",
    "contest_clone",
    "contest_create",
    "contest_delete",
    "contest_detail",
    "contest_edit",
    "contest_manage",
    "contest_outbox",
    "contest_outbox_progress",
    "contest_outbox_resend",
    "contest_people",
    "contest_role_remove",
    "contest_transition",
    "grant_budget",
    "home",
    "message_template_edit",
    "message_template_reset",
    "message_templates",
    "organise",
    "part_add",
    "part_delete",
    "part_edit",
    "regulations_document",
]
