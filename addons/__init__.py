"""Plug-ins loaded by the Rasa server (NLU components, tracker store). Importing this
package installs the NIR log redaction in the Rasa server process."""

from actions.log_redaction import install as _install_log_redaction

_install_log_redaction()
