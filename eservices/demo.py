"""Demo e-services: two to four invented services for each demo library, with yearly figures.

Idempotent: a service is made only when its library has none of that name; a second run makes
nothing. Run by `seed_demo` after the demo libraries exist (core.demo)."""

from datetime import date

from django.db import transaction

from accounts.models import Organisation
from contests.management import demo_data
from core import clock
from eservices import services
from eservices.models import Accessibility, EService, ServiceCategory

A = Accessibility
# (name, category code, help given, hours, accessibility, since)
SERVICES = [
    (
        "Допомога з порталом «Дія»",
        "diia",
        "Бібліотекарка допомагає створити обліковий запис, увійти з КЕП чи BankID і замовити послугу.",
        "Пн–Пт 10:00–17:00",
        [A.STEP_FREE, A.LARGE_PRINT],
        date(2020, 9, 1),
    ),
    (
        "Пенсійний фонд онлайн",
        "pensions",
        "Вхід до вебпорталу Пенсійного фонду, перевірка стажу, подання заяви на перерахунок.",
        "Вт, Чт 10:00–15:00",
        [A.STEP_FREE, A.BY_PHONE],
        date(2019, 3, 1),
    ),
    (
        "Субсидії та соціальна допомога",
        "social-payments",
        "Заповнення заяв на субсидію та допомоги через портал соціальних послуг, друк квитанцій.",
        "Пн–Сб 9:00–16:00",
        [A.HOME_VISITS],
        date(2021, 1, 15),
    ),
    (
        "Запис до лікаря через eHealth",
        "health",
        "Пошук сімейного лікаря, електронна декларація, запис на прийом і перевірка рецептів.",
        "Пн–Пт 9:00–13:00",
        [A.STEP_FREE, A.SCREEN_READER],
        date(2022, 2, 1),
    ),
    (
        "Електронна податкова",
        "tax",
        "Допомога з кабінетом платника, декларацією про майновий стан і сплатою податку на землю.",
        "Ср 10:00–16:00",
        [A.LARGE_PRINT],
        date(2021, 6, 1),
    ),
    (
        "Відомості з реєстрів землі та нерухомості",
        "registers",
        "Витяги з Державного земельного кадастру та реєстру речових прав, пояснення до них.",
        "Пт 10:00–15:00",
        [A.STEP_FREE],
        date(2022, 9, 1),
    ),
    (
        "Школа цифрової грамотності 60+",
        "digital-literacy",
        "Заняття для старших людей: смартфон, безпечні паролі, відеозв'язок із рідними, онлайн-банкінг.",
        "Пн, Ср 14:00–16:00",
        [A.STEP_FREE, A.HEARING_LOOP, A.LARGE_PRINT],
        date(2018, 10, 1),
    ),
    (
        "Електронні звернення до громади",
        "appeals",
        "Допомога написати й подати електронне звернення, петицію чи запит на публічну інформацію.",
        "Чт 12:00–17:00",
        [A.SIGN_LANGUAGE],
        date(2023, 4, 1),
    ),
]
YEARS = (2023, 2024, 2025)


def _libraries() -> list[Organisation]:
    emails = [f"{row[0]}@example.org" for row in demo_data.LIBRARIES]
    return list(Organisation.objects.filter(email__in=emails).order_by("pk"))


def seed() -> list[str]:
    created: list[str] = []
    categories = {category.code: category for category in ServiceCategory.objects.all()}
    this_year = clock.now().year
    with transaction.atomic():
        for index, library in enumerate(_libraries()):
            count = 2 + index % 3  # two to four each
            existing = set(EService.objects.filter(organisation=library).values_list("name", flat=True))
            for offset in range(count):
                name, code, help_given, hours, access, since = SERVICES[(index + offset * 3) % len(SERVICES)]
                if name in existing or code not in categories:
                    continue
                service = services.create_service(
                    library,
                    by=None,
                    name=name,
                    category=categories[code],
                    help_given=help_given,
                    hours=hours,
                    accessibility=list(access),
                    since=since,
                    published=offset < 3 or index % 2 == 0,  # a few stay drafts
                )
                for step, year in enumerate(y for y in YEARS if y <= this_year):
                    people = 40 + (index * 37 + offset * 53 + step * 29) % 400
                    services.set_year(service, year=year, people_helped=people)
                created.append(f"e-service {name} ({library.name})")
    return created
