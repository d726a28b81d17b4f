"""The app's screens: start, practice, report, review, author, settings."""
