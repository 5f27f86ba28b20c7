"""Pure helpers shared by the registry models (no ORM access)."""

import csv
import re
import unicodedata
from functools import lru_cache

from odoo.tools.misc import file_open

VN_MOBILE_RE = re.compile(r"^0[35789]\d{8}$")
VN_LANDLINE_RE = re.compile(r"^02\d{9}$")
# what people type between the digits of an ID number
_ID_SEPARATORS = re.compile(r"[\s.\-\uff0e\uff0d\u3000]")


@lru_cache(maxsize=1)
def cccd_province_codes():
    """Return the pre-2025 province codes of the 12-digit citizen ID."""
    with file_open("social_beneficiary/data/cccd_province_codes.csv") as handle:
        return {
            row["code"]: row["province_before_2025"] for row in csv.DictReader(handle)
        }


def clean_citizen_id(value):
    """Drop separators and turn every Unicode decimal digit into its ASCII digit.

    Full-width (U+FF10 to U+FF19), Arabic-Indic and other decimal digits typed by an
    input method become ASCII digits; any other character is kept, so that the check
    refuses it with a message instead of storing it silently changed.
    """
    if not value:
        return ""
    if value.__class__ is str and value.isascii() and value.isalnum():
        # ASCII letters and digits only: no separator, no digit to convert
        # (the usual case, once per row of a province's list)
        return value
    text = _ID_SEPARATORS.sub("", value or "")
    if text.isascii():
        # an ASCII character is its own ASCII digit, or is kept
        return text
    chars = []
    for char in text:
        digit = unicodedata.decimal(char, None)
        chars.append(str(digit) if digit is not None else char)
    return "".join(chars)


def stored_citizen_id(value):
    """A citizen ID as the registry stores it: separators dropped, digits ASCII;
    False when nothing is left of it. Empty values are returned as they are."""
    return (clean_citizen_id(value) or False) if value else value


def normalize_name(value):
    """A person's name as stored: NFC, single spaces, no leading/trailing space."""
    if not isinstance(value, str):
        return value
    return " ".join(unicodedata.normalize("NFC", value).split())


def name_key(value):
    """Accent-aware comparison key: NFC, case-folded, single spaces."""
    return normalize_name(value or "").casefold()


def name_key_unaccented(value):
    """Fuzzy comparison key: the name without tone marks or diacritics (đ = d)."""
    decomposed = unicodedata.normalize("NFD", name_key(value))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


def check_citizen_id(number, gender=None, birth_date=None):
    """Check a 12-digit citizen ID (CCCD) against its holder.

    Returns ``(errors, warnings)``: lists of ``(code, params)`` tuples so that the
    caller translates them. Only ASCII digits pass (clean the number with
    ``clean_citizen_id`` first); an unknown province code is an error. Digit 4
    encodes century and sex: an even digit is male, odd is female, and the pairs
    (0,1), (2,3), (4,5)... are the 1900s, 2000s, 2100s...
    """
    errors = []
    warnings = []
    if not (number.isascii() and number.isdigit()):
        errors.append(("chars", {"number": number}))
        return errors, warnings
    if len(number) != 12:
        errors.append(("length", {"number": number}))
        return errors, warnings
    if number[:3] not in cccd_province_codes():
        errors.append(("province", {"code": number[:3]}))
    digit = int(number[3])
    century = 1900 + (digit // 2) * 100
    sex = "female" if digit % 2 else "male"
    if gender in ("male", "female") and gender != sex:
        errors.append(("sex", {"digit": number[3]}))
    if birth_date:
        if birth_date.year // 100 * 100 != century:
            errors.append(("century", {"digit": number[3], "year": birth_date.year}))
        if number[4:6] != f"{birth_date.year % 100:02d}":
            errors.append(("year", {"digits": number[4:6], "year": birth_date.year}))
    return errors, warnings


def normalize_vn_phone(value):
    """Return the national format 0xxxxxxxxx of a Vietnamese number, or None.

    Accepts +84, 84 and 0 prefixes with spaces, dots, dashes or brackets.
    """
    if not value:
        return None
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if VN_MOBILE_RE.match(digits) or VN_LANDLINE_RE.match(digits):
        return digits
    return None
