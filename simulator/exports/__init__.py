"""Exports of stored sessions: Markdown, one self-contained HTML report, CSV, JSON bundles."""

from __future__ import annotations

from simulator.exports.view import SessionView, session_view
from simulator.store import Store

FORMATS = ("md", "html", "json", "csv")


def render(store: Store, sids: list[str], fmt: str) -> str:
    """The text of an export: md/html take one session; json and csv take any number."""
    if fmt == "json":
        from simulator.exports.bundle import dumps, export_bundle

        return dumps(export_bundle(store, sids))
    views = [session_view(store, sid) for sid in sids]
    if fmt == "csv":
        from simulator.exports.csvexport import to_csv

        return to_csv(views)
    if len(views) != 1:
        raise ValueError(f"{fmt} exports one session at a time")
    if fmt == "md":
        from simulator.exports.markdown import to_markdown

        return to_markdown(views[0])
    if fmt == "html":
        from simulator.exports.html import to_html

        return to_html(views[0])
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "SessionView", "render", "session_view"]
