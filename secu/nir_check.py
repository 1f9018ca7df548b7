"""What the assistant answers about NIRs typed in a message (pure: no Rasa import).

The number is only ever handled in memory; the answer shows its masked form.
"""

from __future__ import annotations

from dataclasses import dataclass

from secu import nir
from secu.geo.geography import Geography

MAX_CHECKED = 3
FORGOTTEN = "Je ne conserve pas votre numéro : il est strictement personnel."
NOT_PROOF = (
    "Une clé correcte prouve seulement que le numéro est bien formé, pas qu'il existe ni "
    "qu'il est le vôtre : en cas de doute, comparez avec votre carte Vitale ou votre "
    "attestation de droits."
)


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
    masked = nir.mask(compact)
    try:
        number = nir.validate(compact)
    except nir.InvalidNIR as error:
        text = f"Le numéro {masked} n'est pas valide. {error.message}"
        return NIRCheck(masked, False, error.code, text)
    info = nir.decode(number, geo)
    if info.has_key:
        head = f"Le numéro {masked} est bien formé : sa clé est correcte."
    else:
        head = f"Le numéro {masked} a une forme correcte (sans sa clé de 2 chiffres)."
    place = info.department_code or info.country_name
    text = f"{head} {nir.describe(info)}"
    return NIRCheck(masked, True, None, text, info.born_abroad, place)


def check_text(text: str, geo: Geography | None = None) -> list[NIRCheck]:
    """Every NIR-shaped number of a message, checked (the first few)."""
    return [check_number(match.compact, geo) for match in nir.find_nirs(text)[:MAX_CHECKED]]


def reply(checks: list[NIRCheck]) -> str:
    lines = [check.text for check in checks]
    if any(check.valid for check in checks):
        lines.append(NOT_PROOF)
    lines.append(FORGOTTEN)
    return "\n".join(lines)
