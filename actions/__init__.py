"""The action server's Rasa adapters (rasa_sdk): each reads a Turn from the tracker, asks
the domain package (secu) for a decision, and applies the Reply. Importing it changes
nothing; the action server (actions/server.py) installs the log redaction at start-up."""
