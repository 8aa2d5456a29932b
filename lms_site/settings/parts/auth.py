"""Settings of the auth workstream (imported at the end of base.py)."""
