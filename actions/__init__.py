"""The action server package (rasa-sdk). Log records are NIR-redacted from the start."""

from actions.log_redaction import install as _install_log_redaction

_install_log_redaction()
