"""Terminal styles: the escape codes Rich makes for a style name (`status` colours, bold, dim),
made once per name, and none when colour is off (no terminal, or `NO_COLOR`)."""

from __future__ import annotations


class Styles:
    """Escape codes for a style name, made once per name; none when colour is off."""

    def __init__(self, color_system: str | None, *, no_color: bool = False) -> None:
        self._system = color_system
        self._no_color = no_color
        self._codes: dict[str, tuple[str, str]] = {}

    def colours(self, style: str | None) -> bool:
        """Whether `style` adds escape codes to a text (else the text is printed as it is)."""
        return bool(style and self._system)

    def __call__(self, text: str, style: str | None) -> str:
        if not style or not self._system or not text:
            return text
        codes = self._codes.get(style)
        if codes is None:
            codes = self._codes[style] = self._make(style)
        return codes[0] + text + codes[1]

    def _make(self, name: str) -> tuple[str, str]:
        from rich.color import ColorSystem
        from rich.style import Style

        systems = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT,
                   "truecolor": ColorSystem.TRUECOLOR, "windows": ColorSystem.WINDOWS}
        style = Style.parse(name)
        if self._no_color:
            style = style.without_color
        marked = style.render("\0", color_system=systems.get(self._system or "",
                                                              ColorSystem.STANDARD))
        before, _, after = marked.partition("\0")
        return before, after


PLAIN = Styles(None)
