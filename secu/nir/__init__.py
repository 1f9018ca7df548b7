"""The NIR (numéro d'inscription au répertoire, the French social security number), in
the spirit of python-stdnum's ``stdnum.fr.nir``:

- :mod:`secu.nir.number`: the number's rules (``compact``, ``validate`` raising precise
  exceptions, ``is_valid``, ``format``, ``mask``, ``calc_key``);
- :mod:`secu.nir.scan`: finding numbers in free text however typed (``find_nirs``) and
  hiding them (``redact``, ``redact_number``), on text read by ``normalise``
  (:mod:`secu.nir.characters`);
- :mod:`secu.nir.decode`: what the number says about the birth (``decode``, ``describe``);
- :mod:`secu.nir.check`: what the assistant answers about numbers typed in a message.

This module re-exports the first three, so that ``from secu import nir`` then
``nir.validate(...)`` reads as in stdnum. Pure: nothing here imports Rasa. Privacy: a NIR
may only be checked in memory; log ``mask(number)``, store text through ``redact``.
"""

from secu.nir.characters import SEPARATORS, normalise
from secu.nir.decode import NIRInfo, decode, describe
from secu.nir.number import (
    SEX_DIGITS,
    InvalidCharacters,
    InvalidCommune,
    InvalidKey,
    InvalidLength,
    InvalidMonth,
    InvalidNIR,
    InvalidOrder,
    InvalidPlace,
    InvalidSex,
    calc_key,
    compact,
    format,
    is_valid,
    mask,
    validate,
)
from secu.nir.scan import NIRMatch, find_nirs, redact, redact_number

__all__ = [
    "SEPARATORS",
    "SEX_DIGITS",
    "InvalidCharacters",
    "InvalidCommune",
    "InvalidKey",
    "InvalidLength",
    "InvalidMonth",
    "InvalidNIR",
    "InvalidOrder",
    "InvalidPlace",
    "InvalidSex",
    "NIRInfo",
    "NIRMatch",
    "calc_key",
    "compact",
    "decode",
    "describe",
    "find_nirs",
    "format",
    "is_valid",
    "mask",
    "normalise",
    "redact",
    "redact_number",
    "validate",
]
