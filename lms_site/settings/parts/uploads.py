"""Settings of the uploads workstream (imported at the end of base.py)."""
