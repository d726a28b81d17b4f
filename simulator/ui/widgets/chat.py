"""The conversation: tenant and trainee lines, the tenant's reply streamed as it is written.

Every line is plain text (rich Text, never markup or Markdown): a trainee typing "[/]" or
"[@click=app.quit]" sees exactly that, and a model's "**" or link stays inert.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static


class ChatItem(Vertical):
    """One line of the conversation with who said it."""

    def __init__(self, speaker: str, who: str, text: str = "") -> None:
        super().__init__(classes=f"chat-item {speaker}")
        self.speaker = speaker
        self.who = who
        self.text = text

    def compose(self):
        yield Label(Text(self.who), classes="who")
        yield Static(Text(self.text), classes="body")

    @property
    def body(self) -> Static:
        return self.query_one(".body", Static)

    async def write(self, chunk: str) -> None:
        """Append a streamed chunk."""
        self.text += chunk
        self.body.update(Text(self.text))

    async def finish(self, text: str) -> None:
        """One final full update: the engine's text is the truth (the guard may have replaced it)."""
        self.text = text
        self.body.update(Text(text))


class ChatView(VerticalScroll):
    """The chat, anchored to the bottom so a streaming reply stays in view."""

    def on_mount(self) -> None:
        self.anchor()

    async def add(self, speaker: str, who: str, text: str = "") -> ChatItem:
        item = ChatItem(speaker, who, text)
        await self.mount(item)
        return item

    async def add_note(self, text: str) -> Static:
        """A line from the app, not from a speaker (e.g. that the conversation has ended)."""
        note = Static(Text(text), classes="chat-note")
        await self.mount(note)
        return note

    @property
    def items(self) -> list[ChatItem]:
        return list(self.query(ChatItem))

    async def remove_last(self, count: int) -> None:
        for item in self.items[-count:] if count else []:
            await item.remove()
