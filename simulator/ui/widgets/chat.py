"""The conversation: tenant and trainee lines, the tenant's reply streamed as it is written."""

from __future__ import annotations

from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Markdown


class ChatItem(Vertical):
    """One line of the conversation with who said it."""

    def __init__(self, speaker: str, who: str, text: str = "") -> None:
        super().__init__(classes=f"chat-item {speaker}")
        self.speaker = speaker
        self.who = who
        self.text = text
        self._stream = None

    def compose(self):
        yield Label(self.who, classes="who")
        yield Markdown(self.text, classes="body")

    @property
    def body(self) -> Markdown:
        return self.query_one(".body", Markdown)

    async def write(self, chunk: str) -> None:
        """Append a streamed chunk (Markdown.get_stream batches fast updates)."""
        if self._stream is None:
            self._stream = Markdown.get_stream(self.body)
        self.text += chunk
        await self._stream.write(chunk)

    async def finish(self, text: str) -> None:
        """One final full update: the engine's text is the truth (the guard may have replaced it)."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.text = text
        await self.body.update(text)


class ChatView(VerticalScroll):
    """The chat, anchored to the bottom so a streaming reply stays in view."""

    def on_mount(self) -> None:
        self.anchor()

    async def add(self, speaker: str, who: str, text: str = "") -> ChatItem:
        item = ChatItem(speaker, who, text)
        await self.mount(item)
        return item

    @property
    def items(self) -> list[ChatItem]:
        return list(self.query(ChatItem))

    async def remove_last(self, count: int) -> None:
        for item in self.items[-count:] if count else []:
            await item.remove()
