"""Word's own machinery for the test papers: automatic paragraph numbering (numPr, the number is
not in the text), shaded heading rows that repeat over a page break, a PAGE field in the footer."""

from __future__ import annotations

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

# Outline "1." / "1.1" for headings and their paragraphs, bullets, and a plain "1." list.
OUTLINE, BULLETS, LIST = 90, 91, 92
_LEVEL = ('<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
          '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="680"/></w:pPr></w:lvl>')


def _abstract(num: int, levels: list[tuple[str, str]]) -> str:
    body = "".join(_LEVEL.format(ilvl=i, fmt=fmt, text=text, left=680 * (i + 1)) for i, (fmt, text) in enumerate(levels))
    return (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num}"><w:multiLevelType w:val="multilevel"/>'
            f"{body}</w:abstractNum>")


class Lists:
    """The document's lists, and Word's count so far (to check the typed layout numbers agree)."""

    def __init__(self) -> None:
        self.outline = [0, 0]
        self.items = 0

    def expect(self, number: str, heading: bool) -> None:
        if heading:
            self.outline = [self.outline[0] + 1, 0]
            counted = str(self.outline[0])
        elif "." in number:
            self.outline[1] += 1
            counted = f"{self.outline[0]}.{self.outline[1]}"
        else:
            self.items += 1
            counted = str(self.items)
        assert counted == number, f"Word would number this {counted}, the layout says {number}"


def add_numbering(document) -> Lists:
    """Add the three list definitions to the document's numbering part."""
    numbering = document.part.numbering_part.element
    abstracts = [_abstract(OUTLINE, [("decimal", "%1."), ("decimal", "%1.%2")]),
                 _abstract(BULLETS, [("bullet", "•")]),
                 _abstract(LIST, [("decimal", "%1.")])]
    for xml in reversed(abstracts):  # abstractNum elements come before every num
        numbering.insert(0, parse_xml(xml))
    for num in (OUTLINE, BULLETS, LIST):
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num}"><w:abstractNumId w:val="{num}"/></w:num>'))
    return Lists()


def number_paragraph(paragraph, lists: Lists, block) -> None:
    """Number a paragraph the way Word does: a numPr naming the list and level, no typed number."""
    if block.kind == "bullet":
        num, level = BULLETS, 0
    else:
        heading = block.kind == "heading"
        lists.expect(block.number, heading)
        num, level = (OUTLINE, 0) if heading else (OUTLINE, 1) if "." in block.number else (LIST, 0)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'))


def repeat_and_shade(row, fill: str, repeat: bool) -> None:
    """Shade a table row; a heading row is also marked to repeat at the top of each page."""
    if repeat:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shade)


def page_number_footer(section) -> None:
    """"Page N" centred in the footer, N a field Word fills in."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = 1
    paragraph.add_run("Page ")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
