"""Importers that bring another practice system's data into our tables (Open Dental first)."""
