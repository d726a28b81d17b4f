"""Report: placeholder (filled in below)."""
from __future__ import annotations
from simulator.ui.screens.base import BaseScreen
from textual.widgets import Static, Footer
class ReportScreen(BaseScreen):
    def __init__(self, session, **kw):
        super().__init__()
        self.session = session
    def compose(self):
        yield Static("report")
        yield Footer()
