"""Plug-ins loaded by the Rasa server (NLU components, tracker store, channel, lock
store). Importing this package installs, in the Rasa server process, the NIR log
redaction and the one-time schema check of action server answers
(addons/action_validation.py)."""

from actions.log_redaction import install as _install_log_redaction
from addons.action_validation import install as _install_action_validation

_install_log_redaction()
_install_action_validation()
