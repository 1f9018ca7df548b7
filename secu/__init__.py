"""The assistant's domain, without Rasa: the social-security number (NIR), French
geography, the knowledge base, the agenda, the text users read, and the dialogue's
decisions. Nothing here imports ``rasa`` or ``rasa_sdk`` (tests/unit/test_layout.py)."""
