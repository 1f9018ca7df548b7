"""The assistant's own agenda: agencies, free times, bookings (pure domain + SQLAlchemy)."""
