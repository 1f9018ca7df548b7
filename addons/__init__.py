"""Plug-ins loaded by the Rasa server (NLU components, tracker store, logging)."""
