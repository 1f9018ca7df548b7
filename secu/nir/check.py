"""What the assistant answers about NIRs typed in a message: each number checked
(:func:`check_number`, :func:`check_text`) and the answer that gathers them
(:func:`reply`). The sentences are answers of data/knowledge/answers/nir.yml
(``nir_check_*``, ``nir_not_proof``, ``nir_checked``).

The number is only ever handled in memory; the answer shows its masked form.

>>> check = check_number("185033306384761")
>>> check.valid, check.error, check.masked
(False, 'key', '1 85 03 •• ••• ••• ••')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secu.content import render
from secu.geo.geography import Geography
from secu.nir.decode import decode, describe
from secu.nir.number import InvalidNIR, mask, validate
from secu.nir.scan import find_nirs

MAX_CHECKED = 3


@dataclass(frozen=True)
class NIRCheck:
    """The outcome for one number: only derived, non-identifying facts."""

    masked: str
    valid: bool
    error: str | None  # InvalidNIR.code when not valid
    text: str
    born_abroad: bool | None = None
    place: str | None = None  # department code or country name, never the commune


def check_number(compact: str, geo: Geography | None = None) -> NIRCheck:
    """The verdict on one number, said with its masked form (never the number)."""
    masked = mask(compact)
    try:
        number = validate(compact)
    except InvalidNIR as error:
        text = render("nir_check_invalid", masked=masked, reason=error.message)
        return NIRCheck(masked, False, error.code, text)
    info = decode(number, geo)
    key = "nir_check_valid" if info.has_key else "nir_check_valid_no_key"
    text = render(key, masked=masked, description=describe(info))
    place = info.department_code or info.country_name
    return NIRCheck(masked, True, None, text, info.born_abroad, place)


def check_text(text: str, geo: Geography | None = None) -> list[NIRCheck]:
    """Every NIR-shaped number of a message, checked (the first few)."""
    return [check_number(match.compact, geo) for match in find_nirs(text)[:MAX_CHECKED]]


def reply_values(checks: list[NIRCheck]) -> dict[str, Any]:
    """The values of the answer ``nir_checked``: one line per number, then the reminder
    that a correct key proves little when one of them is valid."""
    lines = [check.text for check in checks]
    if any(check.valid for check in checks):
        lines.append(render("nir_not_proof"))
    return {"checks": "".join(f"{line}\n" for line in lines)}


def reply(checks: list[NIRCheck]) -> str:
    """The whole answer: the verdicts, then that the number is not kept."""
    return render("nir_checked", **reply_values(checks))
