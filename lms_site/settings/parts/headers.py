"""Settings of the headers workstream (imported at the end of base.py)."""
