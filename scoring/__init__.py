"""Embedding-based detection of listening and hospitality behaviours in trainee replies.

Importing this package stays light: models load lazily the first time they are needed.
"""
