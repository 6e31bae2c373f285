"""Invented demo applications for `manage.py seed_demo`, in Ukrainian.

Each application tells one case in the fixed structure of the depository (problem, target
groups, solution, e-services, results with numbers, resources and partners,
sustainability, contacts). Every library, person and number is made up; contact
addresses are on example.org. The attachments are tiny files generated here.
"""

import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from applications.models import IneligibilityReason
from contests.management import demo_data as contests_data

# Indexes into contests_data.MAIN_NOMINATIONS.
SERVICES, DEMOCRACY, LITERACY = 0, 1, 2

_G = contests_data.TARGET_GROUPS
OLDER, IDP, DISABLED, YOUTH, FARMERS, PARENTS = _G
_E = contests_data.E_SERVICE_KINDS
CNAP, SOCIAL, PETITIONS, BUDGET, SIGNATURE, HEALTH_EDU = _E


@dataclass(frozen=True)
class Case:
    """A kind of service several libraries run, each in their own words and numbers.

    Text may use {settlement}, {served}, {services}, {trained} and {extra}.
    """

    nomination: int
    title: str
    problem: str
    target_groups: list[str]
    solution: str
    e_services: list[str]
    e_services_details: str
    results: str
    resources_partners: str
    sustainability: str
    grant: int
    attachment_name: str


CASES: dict[str, Case] = {
    "e_reception": Case(
        nomination=SERVICES,
        title="Е-приймальня в бібліотеці: допомога з послугами «Дії»",
        problem=(
            "До найближчого ЦНАП з {settlement} — понад 30 км, автобус ходить двічі на тиждень. "
            "Багато мешканців мають кнопкові телефони або не впевнені, що правильно заповнять "
            "заяву онлайн, тому відкладають оформлення довідок і виплат місяцями."
        ),
        target_groups=[OLDER, IDP, FARMERS],
        solution=(
            "Бібліотека облаштувала е-приймальню: два комп'ютери, принтер-сканер і окремий стіл "
            "для консультацій. Щовівторка й щочетверга бібліотекарка допомагає заповнити заяви "
            "на порталі «Дія», записатися в електронну чергу ЦНАП, роздрукувати витяги й довідки. "
            "Для тих, хто не може прийти, діє запис телефоном і виїзні консультації у старостаті."
        ),
        e_services=[CNAP, SOCIAL, SIGNATURE],
        e_services_details=(
            "Портал «Дія» (довідки, витяги, заяви), електронна черга ЦНАП, електронний кабінет "
            "Пенсійного фонду, кабінет платника податків для фермерів."
        ),
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг. "
            "{extra} мешканців уперше отримали електронний підпис. Поїздок до районного центру "
            "по довідки стало помітно менше: за опитуванням відвідувачів, кожен заощадив у "
            "середньому пів дня й 120 грн на дорогу."
        ),
        resources_partners=(
            "Обладнання — з програми підтримки бібліотек громади; ЦНАП провів навчання для "
            "бібліотекарів і відповідає на складні запитання в месенджері; старостат допомагає "
            "з приміщенням для виїзних консультацій."
        ),
        sustainability=(
            "Е-приймальня працює в межах штатного розкладу бібліотеки, витрати на папір і "
            "зв'язок закладено в бюджет громади. Інструкції й шаблони консультацій ми виклали "
            "у відкритий доступ, щоб інші бібліотеки могли їх використати."
        ),
        grant=80_000,
        attachment_name="Фотозвіт е-приймальні.pdf",
    ),
    "subsidy": Case(
        nomination=SERVICES,
        title="Субсидія без черги: допомога з оформленням соціальних виплат онлайн",
        problem=(
            "Після переселення до {settlement} багато родин не могли вчасно оформити субсидії "
            "та допомогу: документи залишилися вдома, а черги в управлінні соцзахисту — "
            "на тижні. Люди не знали, що більшість заяв можна подати онлайн."
        ),
        target_groups=[IDP, OLDER, PARENTS],
        solution=(
            "Бібліотека відкрила консультаційний пункт «Соціальні послуги онлайн»: допомагаємо "
            "перевірити право на виплату, подати заяву через «Дію» або кабінет Пенсійного фонду, "
            "стежити за її розглядом. Ведемо журнал звернень і нагадуємо про строки поновлення."
        ),
        e_services=[SOCIAL, CNAP],
        e_services_details=(
            "Заяви на житлову субсидію, допомогу внутрішньо переміщеним особам і при народженні "
            "дитини через портал «Дія» та електронний кабінет Пенсійного фонду."
        ),
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, з них {extra} заяв "
            "на субсидії та допомогу ВПО. Жодна заява, подана з нашою допомогою, не повернулася "
            "через помилки в оформленні."
        ),
        resources_partners=(
            "Управління соціального захисту громади навчило двох бібліотекарок і надає "
            "актуальні роз'яснення; волонтери молодіжного центру чергують у пункті по суботах."
        ),
        sustainability=(
            "Пункт працює за графіком бібліотеки; журнал звернень дає громаді дані про потреби "
            "переселенців. Методичку «Соціальні виплати онлайн: крок за кроком» передали "
            "бібліотекам сусідніх громад."
        ),
        grant=60_000,
        attachment_name="Відгуки відвідувачів пункту.pdf",
    ),
    "cnap_point": Case(
        nomination=SERVICES,
        title="Віддалене робоче місце ЦНАП у бібліотеці",
        problem=(
            "У {settlement} немає відділення ЦНАП, а адміністративні послуги, які потребують "
            "особистої присутності, змушують людей їздити до міста. Найважче це людям з "
            "інвалідністю і тим, хто доглядає дітей."
        ),
        target_groups=[DISABLED, OLDER, PARENTS],
        solution=(
            "За домовленістю з ЦНАП у бібліотеці раз на тиждень працює адміністратор з "
            "мобільним робочим місцем, а в інші дні бібліотекар приймає попередні записи, "
            "допомагає зібрати документи й подати заяви онлайн."
        ),
        e_services=[CNAP, SIGNATURE, HEALTH_EDU],
        e_services_details=(
            "Реєстрація місця проживання, довідки про склад сім'ї, заяви «єМалятко», "
            "електронний запис до ЦНАП, отримання кваліфікованого електронного підпису."
        ),
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, {extra} послуг "
            "адміністратор ЦНАП надав безпосередньо в бібліотеці. Середній час очікування "
            "скоротився з двох тижнів до трьох днів."
        ),
        resources_partners=(
            "ЦНАП надав мобільну валізу адміністратора; громада оплачує інтернет; бібліотека — "
            "приміщення з пандусом і кімнату для конфіденційних розмов."
        ),
        sustainability=(
            "Графік роботи закріплено рішенням виконкому до кінця наступного року. Схему "
            "«бібліотека + мобільний ЦНАП» вже вивчають дві сусідні громади."
        ),
        grant=120_000,
        attachment_name="Угода про співпрацю з ЦНАП (зразок).pdf",
    ),
    "e_health": Case(
        nomination=SERVICES,
        title="Е-здоров'я в читальній залі",
        problem=(
            "Мешканці {settlement} не можуть самостійно укласти декларацію з сімейним лікарем, "
            "отримати електронне направлення чи рецепт за програмою «Доступні ліки»: бракує "
            "пристроїв і навичок, а медичний пункт працює лише зранку."
        ),
        target_groups=[OLDER, DISABLED, PARENTS],
        solution=(
            "Бібліотека допомагає записатися до лікаря через медичну інформаційну систему, "
            "знайти рецепт і аптеку-учасника програми, завантажити COVID-сертифікат або "
            "медичну довідку для школи. Консультації щодня з 10:00 до 13:00."
        ),
        e_services=[HEALTH_EDU, CNAP],
        e_services_details=(
            "Електронний запис до лікаря, пошук е-рецептів, довідки для школи й табору, "
            "реєстрація дітей до закладів освіти через електронну систему."
        ),
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг; {extra} людей "
            "уклали декларацію з сімейним лікарем за нашої допомоги."
        ),
        resources_partners=(
            "Амбулаторія загальної практики передала пам'ятки й консультує бібліотекарів; "
            "місцевий підприємець подарував планшет для відвідувачів."
        ),
        sustainability=(
            "Послуга вбудована в щоденну роботу читальної зали. Разом з амбулаторією готуємо "
            "короткий посібник для інших сільських бібліотек."
        ),
        grant=50_000,
        attachment_name="Пам'ятка для відвідувачів.pdf",
    ),
    "petitions": Case(
        nomination=DEMOCRACY,
        title="Голос громади: електронні петиції через бібліотеку",
        problem=(
            "Мешканці {settlement} мали що запропонувати громаді, але не знали, як подати "
            "електронну петицію чи звернення, і не вірили, що їх почують."
        ),
        target_groups=[OLDER, YOUTH],
        solution=(
            "Бібліотека проводить щомісячні «години громадянина»: пояснюємо, як працює система "
            "електронних петицій громади, допомагаємо сформулювати текст, зареєструватися й "
            "зібрати підписи. Стежимо за відповідями влади й обговорюємо їх на зустрічах."
        ),
        e_services=[PETITIONS],
        e_services_details=(
            "Система електронних петицій громади, електронні звернення до міського голови "
            "та депутатів, онлайн-приймальня виконавчого комітету."
        ),
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг. Подано {extra} "
            "петицій і звернень, з них третина вже вирішена: відремонтовано зупинку, "
            "освітлено вулицю до школи."
        ),
        resources_partners=(
            "Секретар ради бере участь у зустрічах; місцева газета публікує підсумки; "
            "старшокласники допомагають людям старшого віку зареєструватися."
        ),
        sustainability=(
            "«Години громадянина» внесено до річного плану бібліотеки; сценарій зустрічі та "
            "шаблони звернень доступні на нашій сторінці."
        ),
        grant=40_000,
        attachment_name="Публікація в районній газеті.pdf",
    ),
    "budget": Case(
        nomination=DEMOCRACY,
        title="Бюджет участі: голосуємо в бібліотеці",
        problem=(
            "Громадський бюджет {settlement} роками вигравали проєкти з центру: мешканці "
            "околиць і старших сіл майже не голосували онлайн."
        ),
        target_groups=[OLDER, YOUTH, PARENTS],
        solution=(
            "Бібліотека стала пунктом голосування й написання проєктів: допомагаємо "
            "ідентифікуватися, проголосувати, а авторам — оформити ідею й кошторис. "
            "Проводимо презентації проєктів у читальній залі."
        ),
        e_services=[BUDGET, PETITIONS],
        e_services_details="Онлайн-платформа бюджету участі громади, BankID для голосування.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг: проголосувати "
            "допомогли {served} мешканцям, подано {extra} проєктів, два з них перемогли."
        ),
        resources_partners=(
            "Відділ економічного розвитку ради навчив бібліотекарів; ГО молодих батьків "
            "допомогла з презентаціями; банк-партнер провів день фінансової грамотності."
        ),
        sustainability=(
            "Бібліотека офіційно визнана пунктом підтримки бюджету участі в положенні громади; "
            "досвідом ділимося на обласних семінарах."
        ),
        grant=45_000,
        attachment_name="Презентація проєктів-переможців.pdf",
    ),
    "appeals": Case(
        nomination=DEMOCRACY,
        title="Відкрита громада: звернення до місцевої влади онлайн",
        problem=(
            "Звернення до ради з {settlement} губилися в паперовому листуванні, люди місяцями "
            "не знали, чи їх розглянули."
        ),
        target_groups=[OLDER, DISABLED, FARMERS],
        solution=(
            "Бібліотекар допомагає подати електронне звернення, отримати номер реєстрації й "
            "відстежувати строки відповіді; раз на квартал бібліотека проводить відкриту "
            "зустріч з депутатами, на якій розбирають незакриті звернення."
        ),
        e_services=[PETITIONS, CNAP],
        e_services_details="Електронна приймальня ради, система документообігу зі статусами звернень.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, подано {extra} "
            "звернень до місцевої влади, більшість розглянуто в строк."
        ),
        resources_partners=(
            "Секретаріат ради, депутатська комісія з питань прозорості, волонтери молодіжної ради."
        ),
        sustainability=(
            "Порядок прийому електронних звернень через бібліотеку затверджено розпорядженням голови громади."
        ),
        grant=35_000,
        attachment_name="Статистика звернень за рік.pdf",
    ),
    "open_data": Case(
        nomination=DEMOCRACY,
        title="Молодіжний клуб відкритих даних",
        problem=(
            "Молодь {settlement} не цікавилася місцевими справами, а відкриті дані громади "
            "(бюджет, закупівлі, ремонти) ніхто не читав."
        ),
        target_groups=[YOUTH],
        solution=(
            "У бібліотеці працює клуб: школярі й студенти вчаться знаходити відкриті дані, "
            "будувати прості діаграми, перевіряти ремонти доріг і готувати звернення з "
            "фактами. Кращі дослідження презентуємо на сесії ради."
        ),
        e_services=[PETITIONS, BUDGET],
        e_services_details="Портал відкритих даних, система публічних закупівель, сайт громади.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, навчено {trained} "
            "учасників; підготовлено {extra} досліджень і звернень."
        ),
        resources_partners="Вчителі інформатики, місцева ГО з прозорості, районна газета.",
        sustainability=(
            "Клуб веде старшокласники-наставники; програму занять опубліковано для інших бібліотек."
        ),
        grant=30_000,
        attachment_name="Дослідження клубу: ремонт доріг.pdf",
    ),
    "abetka": Case(
        nomination=LITERACY,
        title="Цифрова абетка для старшого покоління",
        problem=(
            "Більшість людей старшого віку в {settlement} мають смартфон, але бояться "
            "помилитися й не користуються банківськими та державними застосунками."
        ),
        target_groups=[OLDER],
        solution=(
            "Курс із восьми занять у малих групах до шести осіб: смартфон, електронна пошта, "
            "відеодзвінки, «Дія», безпечні платежі. Після курсу — щотижневі консультації."
        ),
        e_services=[SIGNATURE, CNAP, SOCIAL],
        e_services_details="Застосунок «Дія», електронний кабінет Пенсійного фонду, онлайн-банкінг.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, навчено {trained} "
            "людей старшого віку, {extra} з них уже самостійно замовляють довідки онлайн."
        ),
        resources_partners=(
            "Волонтери-студенти, територіальний центр соціального обслуговування; "
            "ноутбуки — з обласної програми підтримки бібліотек."
        ),
        sustainability=(
            "Випускники курсу стають «цифровими друзями» для сусідів; програма занять "
            "доступна всім бібліотекам області."
        ),
        grant=25_000,
        attachment_name="Програма курсу.pdf",
    ),
    "cyber": Case(
        nomination=LITERACY,
        title="Безпечно онлайн: кібергігієна та електронний підпис",
        problem=(
            "У {settlement} почастішали випадки шахрайства з картками й «виплатами» в "
            "месенджерах; люди не розрізняють справжні державні сервіси й підробки."
        ),
        target_groups=[OLDER, IDP, YOUTH],
        solution=(
            "Цикл практичних занять: як розпізнати шахрайське повідомлення, створити надійний "
            "пароль, отримати й зберігати електронний підпис, перевірити сайт державного "
            "сервісу. Окремі заняття — для підлітків і їхніх бабусь і дідусів разом."
        ),
        e_services=[SIGNATURE],
        e_services_details="Кваліфікований електронний підпис, «Дія.Підпис», кабінет платника.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, навчено {trained} "
            "осіб; {extra} учасників отримали електронний підпис на заняттях."
        ),
        resources_partners="Кіберполіція області (лекції), місцевий провайдер, шкільний ліцей.",
        sustainability="Заняття повторюються щосеместру; матеріали відкриті для всіх бібліотек.",
        grant=30_000,
        attachment_name="Пам'ятка «Як не потрапити на гачок шахраїв».pdf",
    ),
    "smartphone": Case(
        nomination=LITERACY,
        title="Смартфон — не страшно: курси для переселенців і людей старшого віку",
        problem=(
            "Переселенці й люди старшого віку в {settlement} залежать від рідних, щоб "
            "оформити будь-яку послугу онлайн."
        ),
        target_groups=[IDP, OLDER, DISABLED],
        solution=(
            "Індивідуальні заняття за записом і групові курси: налаштування смартфона, "
            "застосунки держпослуг, запис до лікаря, електронні квитки. Є заняття з "
            "перекладачем жестової мови раз на місяць."
        ),
        e_services=[SOCIAL, HEALTH_EDU, CNAP],
        e_services_details="«Дія», запис до лікаря онлайн, електронні квитки, кабінет ПФУ.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, навчено {trained} "
            "осіб; {extra} людей з інвалідністю пройшли індивідуальні заняття."
        ),
        resources_partners=(
            "Центр підтримки ВПО, громадська організація людей з порушеннями слуху, волонтери."
        ),
        sustainability="Курс включено до програми центру надання соціальних послуг громади.",
        grant=35_000,
        attachment_name="Розклад занять.pdf",
    ),
    "farmers": Case(
        nomination=LITERACY,
        title="Цифрові навички для фермерів: електронні кабінети та реєстри",
        problem=(
            "Фермерам {settlement} доводиться подавати звітність і заявки на дотації онлайн, "
            "але ні навичок, ні стабільного інтернету в полі немає."
        ),
        target_groups=[FARMERS],
        solution=(
            "Бібліотека проводить зимові курси: електронний кабінет платника, Державний "
            "аграрний реєстр, заявки на державну підтримку, електронний підпис. Улітку — "
            "консультації за записом у вечірні години."
        ),
        e_services=[SIGNATURE, CNAP],
        e_services_details="Електронний кабінет платника податків, Державний аграрний реєстр.",
        results=(
            "Обслуговано {served} відвідувачів, надано {services} е-послуг, навчено {trained} "
            "фермерів і підприємців; {extra} заявок на дотації подано вчасно."
        ),
        resources_partners="Аграрна асоціація району, податкова консультантка-волонтерка.",
        sustainability="Курс оплачує асоціація фермерів з членських внесків після гранту.",
        grant=40_000,
        attachment_name="Звіт про зимові курси.pdf",
    ),
    "local_history": Case(
        nomination=SERVICES,
        title="Оцифрування краєзнавчої колекції",
        problem=(
            "Краєзнавчі матеріали бібліотеки {settlement} зберігаються лише на папері й поступово руйнуються."
        ),
        target_groups=[YOUTH],
        solution="Скануємо газети й фотографії та публікуємо їх в електронному каталозі.",
        e_services=[HEALTH_EDU],
        e_services_details="Електронний каталог бібліотеки.",
        results="Оцифровано {services} документів, каталог переглянули {served} разів.",
        resources_partners="Школа надала сканер на пів року, краєзнавчий музей — консультації.",
        sustainability="Оцифрування продовжимо силами волонтерів і старшокласників.",
        grant=70_000,
        attachment_name="Приклади оцифрованих сторінок.pdf",
    ),
}

# States the seed brings applications into (through the services, in this order).
DRAFT_PARTIAL = "draft_partial"  # a few answers only
DRAFT = "draft"  # every answer, not submitted yet
SUBMITTED = "submitted"
RETURNED = "returned"  # returned for correction, not yet corrected
RESUBMITTED = "resubmitted"  # returned, corrected, submitted again: two revisions
ELIGIBLE = "eligible"
ELIGIBLE_AFTER_RETURN = "eligible_after_return"
INELIGIBLE = "ineligible"
WITHDRAWN_DRAFT = "withdrawn_draft"
WITHDRAWN = "withdrawn"  # withdrawn after submitting

RETURN_NOTE = (
    "Уточніть, будь ласка, цифри: у полі «Скільки електронних послуг надано» вказано менше, "
    "ніж у розділі «Результати». Додайте також, звідки взято дані (журнал обліку, звіт)."
)
CORRECTION = " Дані взято з журналу обліку відвідувачів бібліотеки та щомісячних звітів."
ELIGIBLE_NOTES = [
    "Заявка повна, послуга відповідає умовам конкурсу.",
    "Відповідає умовам; цифри підтверджено журналом обліку.",
    "Допущено до оцінювання журі.",
]


@dataclass(frozen=True)
class Entry:
    """One demo application: who, which case, where the seed leaves it."""

    slug: str  # the library's login in contests_data.LIBRARIES
    case: str
    state: str
    note: str = ""
    reason: str = ""
    attachment: str | None = "pdf"  # "pdf", "png" or None
    extra_answers: dict[str, Any] = field(default_factory=dict)


_I = IneligibilityReason
ENTRIES: list[Entry] = [
    # Електронні послуги для громадян
    Entry("vyshneve", "e_reception", ELIGIBLE),
    Entry("sosnivka", "subsidy", SUBMITTED, attachment="png"),
    Entry("zelenyi-hai", "cnap_point", RESUBMITTED),
    Entry("berezivka", "e_health", DRAFT_PARTIAL, attachment=None),
    Entry("verkhovyna-dol", "e_reception", SUBMITTED),
    Entry("stepove", "subsidy", ELIGIBLE, attachment="png"),
    Entry("smerekove", "e_health", DRAFT, attachment=None),
    Entry("dibrova", "cnap_point", ELIGIBLE_AFTER_RETURN),
    Entry(
        "stepanivka-rada",
        "cnap_point",
        INELIGIBLE,
        reason=_I.NOT_ELIGIBLE_APPLICANT,
        note=(
            "Послугу надає сільська рада без участі бібліотеки; за умовами конкурсу послугу "
            "має надавати бібліотека. Запрошуємо подати заявку разом з бібліотекою громади."
        ),
    ),
    Entry(
        "richky",
        "local_history",
        INELIGIBLE,
        reason=_I.OUT_OF_SCOPE,
        note="Оцифрування фондів — цінна справа, але не електронна послуга для громадян.",
    ),
    Entry("kalynivka", "e_reception", WITHDRAWN, note="Подамо заявку наступного року з повними даними."),
    Entry("kyiv-district", "subsidy", RETURNED, attachment="png"),
    # Електронна демократія та участь громади
    Entry("vynohradne", "petitions", SUBMITTED),
    Entry("yablunivka", "budget", ELIGIBLE),
    Entry("polissia", "appeals", RESUBMITTED, attachment="png"),
    Entry("romashky", "petitions", DRAFT_PARTIAL, attachment=None),
    Entry("zolota-balka", "open_data", SUBMITTED),
    Entry("cifra-hromady", "open_data", ELIGIBLE, attachment="png"),
    Entry("mykolaiv-cbs", "appeals", ELIGIBLE),
    Entry("kharkiv-region", "budget", SUBMITTED),
    Entry(
        "slavne",
        "petitions",
        INELIGIBLE,
        reason=_I.INCOMPLETE,
        note="Результати не підтверджено: немає ні журналу, ні звіту, цифри лише орієнтовні.",
        attachment=None,
    ),
    Entry("kvitneve", "budget", WITHDRAWN_DRAFT, note="Не встигаємо зібрати дані.", attachment=None),
    # Навчання цифрової грамотності
    Entry("chornomorske", "abetka", SUBMITTED, attachment="png"),
    Entry("podilske", "cyber", ELIGIBLE),
    Entry("khmelnytskyi-cbs", "smartphone", RESUBMITTED),
    Entry("topoli", "abetka", DRAFT, attachment="png"),
    Entry("bukove", "farmers", SUBMITTED),
    Entry("lisove", "cyber", DRAFT_PARTIAL, attachment=None),
    Entry("pryozerne", "smartphone", RETURNED),
    Entry("lvivska-obl", "abetka", ELIGIBLE_AFTER_RETURN, attachment="png"),
    # A second nomination for larger library systems and regional libraries
    Entry("lvivska-obl", "cnap_point", SUBMITTED),
    Entry("kharkiv-region", "cyber", DRAFT, attachment=None),
    Entry("mykolaiv-cbs", "e_reception", SUBMITTED, attachment="png"),
    Entry("kalynivka", "farmers", WITHDRAWN, note="Курси перенесено: тренерка у відпустці."),
    Entry("khmelnytskyi-cbs", "petitions", DRAFT_PARTIAL, attachment=None),
]

PARTIAL_KEYS = ("project_title", "settlement_size", "problem", "target_groups")


def _numbers(slug: str) -> dict[str, int]:
    """Invented but steady numbers per library (the same on every run)."""
    seed = zlib.crc32(slug.encode())
    served = 180 + seed % 620
    return {
        "served": served,
        "services": served * (55 + seed % 70) // 100 + 40,
        "trained": 20 + seed % 140,
        "extra": 12 + seed % 90,
    }


SETTLEMENT_SIZE = {
    "regional_library": contests_data.SETTLEMENT_SIZES[3],
    "library_system": contests_data.SETTLEMENT_SIZES[2],
}


def answers_for(entry: Entry, library: tuple) -> dict[str, Any]:
    """Every answer of the demo contest's form for one entry, in the form's types."""
    slug, _name, kind, _region, settlement, _address, staff_name = library
    case = CASES[entry.case]
    numbers = _numbers(f"{slug}:{entry.case}")
    fill = {"settlement": settlement, **numbers}
    size = SETTLEMENT_SIZE.get(kind) or contests_data.SETTLEMENT_SIZES[zlib.crc32(slug.encode()) % 2]
    answers = {
        "project_title": title_for(entry, library),
        "settlement_size": size,
        "problem": case.problem.format(**fill),
        "target_groups": list(case.target_groups),
        "solution": case.solution.format(**fill),
        "e_services": list(case.e_services),
        "e_services_details": case.e_services_details,
        "people_served": numbers["served"],
        "services_provided": numbers["services"],
        "people_trained": numbers["trained"] if "{trained}" in case.results else None,
        "results": case.results.format(**fill),
        "resources_partners": case.resources_partners,
        "sustainability": case.sustainability,
        "grant_amount": case.grant + 1000 * (zlib.crc32(slug.encode()) % 15),
        "website": f"https://{slug}.example.org/e-poslugy",
        "contact_person": f"{staff_name}, відповідальна особа за проєкт",
        "contact_email": f"{slug}@example.org",
        **entry.extra_answers,
    }
    return {key: value for key, value in answers.items() if value is not None}


def title_for(entry: Entry, library: tuple) -> str:
    return f"{CASES[entry.case].title} ({library[4]})"[:200]


# --- tiny files ---------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    escaped = ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("ascii")


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (with a correct cross-reference table) showing `lines`."""
    text = b" 0 -18 Td ".join(b"(" + _pdf_text(line) + b") Tj" for line in lines)
    stream = b"BT /F1 14 Tf 72 770 Td " + text + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n".encode()
    return bytes(out + b"%%EOF\n")


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def tiny_png(width: int = 32, height: int = 20) -> bytes:
    """A valid PNG: a blue band over a yellow one."""
    blue, yellow = bytes((0, 87, 183)), bytes((255, 215, 0))
    rows = [b"\x00" + (blue if y < height // 2 else yellow) * width for y in range(height)]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _png_chunk(b"IEND", b"")
    )


def attachment_for(entry: Entry, library: tuple) -> tuple[str, bytes] | None:
    """(display name, content) of the entry's file, or None."""
    if entry.attachment == "png":
        return "Фото з заняття в бібліотеці.png", tiny_png()
    if entry.attachment == "pdf":
        case = CASES[entry.case]
        lines = ["Konkurs demo attachment", f"Library: {library[0]}", f"Case: {entry.case}"]
        return case.attachment_name, tiny_pdf(lines)
    return None
