from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """Oblasts of Ukraine, the Autonomous Republic of Crimea and the two cities with special status."""

    CRIMEA = "crimea", _("Autonomous Republic of Crimea")
    VINNYTSIA = "vinnytsia", _("Vinnytsia Oblast")
    VOLYN = "volyn", _("Volyn Oblast")
    DNIPROPETROVSK = "dnipropetrovsk", _("Dnipropetrovsk Oblast")
    DONETSK = "donetsk", _("Donetsk Oblast")
    ZHYTOMYR = "zhytomyr", _("Zhytomyr Oblast")
    ZAKARPATTIA = "zakarpattia", _("Zakarpattia Oblast")
    ZAPORIZHZHIA = "zaporizhzhia", _("Zaporizhzhia Oblast")
    IVANO_FRANKIVSK = "ivano-frankivsk", _("Ivano-Frankivsk Oblast")
    KYIV_OBLAST = "kyiv-oblast", _("Kyiv Oblast")
    KIROVOHRAD = "kirovohrad", _("Kirovohrad Oblast")
    LUHANSK = "luhansk", _("Luhansk Oblast")
    LVIV = "lviv", _("Lviv Oblast")
    MYKOLAIV = "mykolaiv", _("Mykolaiv Oblast")
    ODESA = "odesa", _("Odesa Oblast")
    POLTAVA = "poltava", _("Poltava Oblast")
    RIVNE = "rivne", _("Rivne Oblast")
    SUMY = "sumy", _("Sumy Oblast")
    TERNOPIL = "ternopil", _("Ternopil Oblast")
    KHARKIV = "kharkiv", _("Kharkiv Oblast")
    KHERSON = "kherson", _("Kherson Oblast")
    KHMELNYTSKYI = "khmelnytskyi", _("Khmelnytskyi Oblast")
    CHERKASY = "cherkasy", _("Cherkasy Oblast")
    CHERNIVTSI = "chernivtsi", _("Chernivtsi Oblast")
    CHERNIHIV = "chernihiv", _("Chernihiv Oblast")
    KYIV_CITY = "kyiv", _("Kyiv (city)")
    SEVASTOPOL = "sevastopol", _("Sevastopol (city)")
