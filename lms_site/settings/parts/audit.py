"""Settings of the audit workstream (imported at the end of base.py)."""
