"""Settings of the privacy workstream (imported at the end of base.py)."""
