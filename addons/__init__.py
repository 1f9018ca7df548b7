"""Plug-ins of the Rasa server: NLU components, tracker store, channel, lock store.

Importing this package changes nothing: what must be installed in the Rasa process (the
NIR log redaction, the action answers' validator built once) is installed by an explicit
call, ``addons.startup.install()``, made by the launcher (scripts/launch.py) and by the
tracker store and the REST channel when Rasa builds them."""
