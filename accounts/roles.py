"""The five roles are Django groups with exactly these names (created by a data migration)."""

STUDENT = "Student"
INSTRUCTOR = "Instructor"
MENTOR = "Mentor"
ADMINISTRATOR = "Administrator"
CORPORATE_REPRESENTATIVE = "Corporate Representative"

ALL_ROLES = (STUDENT, INSTRUCTOR, MENTOR, ADMINISTRATOR, CORPORATE_REPRESENTATIVE)
STAFF_ROLES = (INSTRUCTOR, MENTOR, ADMINISTRATOR, CORPORATE_REPRESENTATIVE)
