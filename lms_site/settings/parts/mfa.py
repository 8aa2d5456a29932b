"""Settings of the mfa workstream (imported at the end of base.py)."""
