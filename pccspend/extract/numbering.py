"""Word's automatic paragraph numbering: the "4.3" Word prints is not in the paragraph's text but in
its numPr (list and level), counted through the document as Word counts it."""

from __future__ import annotations

from docx.oxml.ns import qn

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _val(element, tag: str, default=None):
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else default


class Numbering:
    """The numbers Word gives a document's list paragraphs, one paragraph at a time, in order."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # abstractNumId: ilvl: (start, fmt, text)
        self.lists: dict[str, str] = {}  # numId: abstractNumId
        self.starts: dict[str, dict[int, int]] = {}  # numId: ilvl: startOverride
        self.counts: dict[str, list[int]] = {}  # abstractNumId: count at each level
        self.started: set[str] = set()
        self.styles = document.styles
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl")))] = (int(_val(lvl, "w:start", "1")), _val(lvl, "w:numFmt", "decimal"),
                                                      _val(lvl, "w:lvlText", ""))
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            self.lists[num_id] = _val(num, "w:abstractNumId")
            self.starts[num_id] = {int(o.get(qn("w:ilvl"))): int(_val(o, "w:startOverride"))
                                   for o in num.findall(qn("w:lvlOverride")) if _val(o, "w:startOverride")}

    def _num_pr(self, paragraph):
        """The paragraph's own numPr, else its style's (a "List Number" style numbers by itself)."""
        p_pr = paragraph._p.pPr
        if p_pr is not None and p_pr.numPr is not None:
            return p_pr.numPr
        style = paragraph.style
        while style is not None:
            p_pr = style.element.pPr
            if p_pr is not None and p_pr.numPr is not None:
                return p_pr.numPr
            style = style.base_style
        return None

    def label(self, paragraph) -> str | None:
        """The number or bullet Word prints before this paragraph ("4.3", "b)", "•"), counting it."""
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None:
            return None
        num_id = str(num_pr.numId.val)
        abstract = self.lists.get(num_id)
        levels = self.levels.get(abstract or "")
        if not levels:
            return None  # numId 0 ("no numbering") or a list the file does not define
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        if level not in levels:
            return None
        counts = self.counts.setdefault(abstract, [0] * 10)
        if num_id not in self.started and self.starts.get(num_id):
            self.started.add(num_id)  # a list that restarts its numbering (startOverride)
            for ilvl, start in self.starts[num_id].items():
                counts[ilvl] = start - 1
        start, fmt, text = levels[level]
        counts[level] = max(counts[level], start - 1) + 1
        for deeper in range(level + 1, len(counts)):
            counts[deeper] = 0
        if fmt == "bullet":
            return "•"
        for ilvl in range(level, -1, -1):
            lvl_start, lvl_fmt, _ = levels.get(ilvl, (1, "decimal", ""))
            text = text.replace(f"%{ilvl + 1}", _format(counts[ilvl] or lvl_start, lvl_fmt))
        return text.strip() or None
