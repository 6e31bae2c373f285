"""Ukrainian IBANs (ISO 13616): UA, two check digits, six-digit bank code (MFO), 19-character
account; 29 characters in all, valid when the mod-97 checksum is 1."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UA_IBAN = re.compile(r"^UA\d{2}\d{6}[0-9A-Z]{19}$")


def normalise_iban(value: str) -> str:
    """People paste IBANs with spaces and in lower case; we store them compact and upper."""
    return re.sub(r"\s+", "", value or "").upper()


def iban_checksum_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def validate_ua_iban(value: str) -> None:
    iban = normalise_iban(value)
    if not UA_IBAN.match(iban):
        raise ValidationError(
            _("A Ukrainian IBAN is UA followed by 27 digits or letters (29 characters in all)."),
            code="iban_format",
        )
    if not iban_checksum_ok(iban):
        raise ValidationError(
            _("This IBAN's check digits are wrong; check it for a typo."), code="iban_checksum"
        )


def make_ua_iban(bank_code: str, account: str) -> str:
    """A valid IBAN for a bank code and account (tests and demo data; never real people's)."""
    body = f"{bank_code:0>6}{account:0>19}"
    digits = "".join(str(int(ch, 36)) for ch in body + "UA00")
    return f"UA{98 - int(digits) % 97:02d}{body}"
