"""Widgets of the practice, report and review screens."""
