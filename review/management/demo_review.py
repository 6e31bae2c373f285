"""Invented demo data for the jury part of `manage.py seed_demo`, in Ukrainian.

Last year's edition of the demo call: applications from the demo libraries (each with a
case it did not enter this year), a jury of five demo jurors and how each of them scores.
Every person, library and number is made up; the scores come from fixed arithmetic, so
every run computes the same ones.
"""

import zlib
from dataclasses import dataclass

from accounts.regions import Region
from applications.management import demo_applications as apps_demo
from applications.models import IneligibilityReason
from contests.management import demo_data as contests_data

TITLE = (
    "Найуспішніші бібліотечні послуги в сфері електронного урядування: минулорічний конкурс (оцінювання журі)"
)
PUBLISH_NOTE = "Демонстраційний конкурс минулого року: приймання заявок, оцінювання журі"
CLOSE_NOTE = "Прийом заявок завершено в установлений строк."
START_REVIEW_NOTE = "Допущені заявки передано журі."
OPEN_ROUND_NOTE = "Журі може оцінювати заявки."

_S = apps_demo.SUBMITTED
_I = IneligibilityReason

# Last year's applications: the demo libraries, each with a case other than this year's one.
ENTRIES: list[apps_demo.Entry] = [
    # Електронні послуги для громадян
    apps_demo.Entry("vyshneve", "e_health", _S),
    apps_demo.Entry("berezivka", "e_reception", _S, attachment="png"),
    apps_demo.Entry("stepove", "cnap_point", _S),
    apps_demo.Entry("verkhovyna-dol", "subsidy", _S),
    apps_demo.Entry("slavne", "local_history", _S, attachment=None),
    # Електронна демократія та участь громади
    apps_demo.Entry("polissia", "petitions", _S),
    apps_demo.Entry("romashky", "budget", _S, attachment="png"),
    apps_demo.Entry("cifra-hromady", "appeals", _S),
    apps_demo.Entry("kharkiv-region", "open_data", _S),
    # Навчання цифрової грамотності
    apps_demo.Entry("topoli", "smartphone", _S),
    apps_demo.Entry("lisove", "abetka", _S, attachment=None),
    apps_demo.Entry("kvitneve", "cyber", _S),
]

# The one the organiser finds ineligible at screening: (library, reason, note).
INELIGIBLE = (
    "slavne",
    _I.OUT_OF_SCOPE,
    "Оцифрування краєзнавчої колекції — цінна справа, але не електронна послуга для громадян: "
    "заявка не відповідає предмету конкурсу.",
)
ELIGIBLE_NOTES = apps_demo.ELIGIBLE_NOTES

# Where each case sits in the demo classifier (codes of contests_data.CATEGORIES): the
# applicant's choice, which the assignment matches against the jurors' expertise.
CASE_CATEGORIES: dict[str, list[str]] = {
    "e_reception": ["1.1", "4.1"],
    "subsidy": ["1.2"],
    "cnap_point": ["1.1", "1.3"],
    "e_health": ["1.2", "4.1"],
    "petitions": ["2.1"],
    "budget": ["2.2"],
    "appeals": ["2.1", "2.3"],
    "open_data": ["2.3"],
    "abetka": ["3.1"],
    "cyber": ["3.2"],
    "smartphone": ["3.1", "4.1"],
    "farmers": ["3.2", "1.3"],
    "local_history": ["4.1"],
}


@dataclass(frozen=True)
class JurorSeat:
    """One demo juror's seat: who, what they know, where from, how they score."""

    email: str
    region: str
    expertise: tuple[str, ...]  # category codes
    bias: int  # added to every score: negative for a harsh juror, positive for a lenient one
    drafts: int  # how many of their reviews the seed leaves unfinished
    chair: bool = False


# The demo's existing juror logins (contests_data.JURORS); the first is the one to log in as
# to see a queue of unfinished reviews.
JURY: list[JurorSeat] = [
    JurorSeat(contests_data.JURORS[0]["email"], Region.KYIV_CITY, ("1.1", "1.2", "4.1"), 0, drafts=2),
    JurorSeat(contests_data.JURORS[1]["email"], Region.LVIV, ("2.1", "2.2", "2.3"), -2, drafts=0),
    JurorSeat(contests_data.JURORS[2]["email"], Region.KHARKIV, ("3.1", "3.2"), +2, drafts=1),
    JurorSeat(contests_data.JURORS[3]["email"], Region.ODESA, ("1.3", "3.2", "4.1"), 0, drafts=0),
    JurorSeat(contests_data.JURORS[4]["email"], Region.POLTAVA, ("1.1", "2.2"), 0, drafts=1, chair=True),
]
DEMO_JUROR = JURY[0].email

# One juror declines one review, declaring a conflict of interest (never the demo juror, whose
# queue stays as planned): (juror's e-mail, reason).
DECLINING = (
    JURY[3].email,
    "Минулого року я проводив для працівників цієї бібліотеки навчання з електронних послуг "
    "і консультував їх під час запуску послуги, тож не можу оцінювати заявку неупереджено.",
)


def _hash(*parts: object) -> int:
    return zlib.crc32(":".join(map(str, parts)).encode())


def score(slug: str, case: str, criterion_order: int, seat: JurorSeat) -> int:
    """A plausible score from 0 to 10: the application's quality, its strong and weak sides by
    criterion, the juror's habit and a little disagreement between jurors."""
    quality = 4 + _hash(slug, case) % 5  # 4..8
    side = _hash(slug, case, criterion_order) % 3 - 1  # -1..1
    noise = _hash(seat.email, slug, criterion_order) % 3 - 1  # -1..1
    return max(0, min(10, quality + side + noise + seat.bias))


CRITERION_COMMENTS = {
    "high": [
        "Переконливо: цифри взято з журналу обліку.",
        "Сильна сторона заявки.",
        "Добре описано, як це працює на практиці.",
    ],
    "middle": [
        "Загалом добре, але бракує деталей.",
        "Варто навести дані за кілька років.",
        "Задовільно.",
    ],
    "low": [
        "Не показано, що саме змінилося для людей.",
        "Слабке місце заявки.",
        "Немає підтвердження цифр.",
    ],
}

OVERALL_COMMENTS = {
    "high": [
        "Сильна заявка: послуга вже стала частиною роботи бібліотеки, результати підтверджено "
        "цифрами, досвід легко перейняти іншим громадам.",
        "Рекомендую до підтримки. Добре продумані партнерства, бібліотека знає потреби громади.",
    ],
    "middle": [
        "Корисна послуга, але результати описано загально; бракує даних про те, що змінилося "
        "для мешканців після консультацій.",
        "Добра практика для невеликої громади. План сталості після гранту варто розписати докладніше.",
    ],
    "low": [
        "Ідея слушна, але заявка не показує вимірюваних результатів, а запитувана сума "
        "завелика для описаних заходів.",
        "Послуга тільки починає працювати; радимо подати заявку наступного року з даними за рік.",
    ],
}


def level(value: float) -> str:
    return "high" if value >= 7.5 else "middle" if value >= 5 else "low"


def comment(kind: dict[str, list[str]], value: float, *key: object) -> str:
    options = kind[level(value)]
    return options[_hash(*key) % len(options)]
