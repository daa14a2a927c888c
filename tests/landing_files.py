"""Builders of landing files in formats users drop in: a PDF with (or without) a text layer, a Word document, a
multipart e-mail with attachments. Written here, byte by byte, so the tests need no sample files."""

from __future__ import annotations

import io
from email.message import EmailMessage


def pdf(lines: list[str] | None) -> bytes:
    """A one-page PDF; ``lines`` of text in Helvetica, or a page with only a drawn box (no text layer) for None."""
    if lines is None:
        content = b"0 0 1 rg 100 600 200 100 re f"
    else:
        ops = ["BT /F1 12 Tf 72 720 Td 14 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx(paragraphs: list[str], table: list[list[str]] | None = None, title: str = "") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    document.core_properties.title = title
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def multipart_email(plain: str | None, html_body: str | None, attachments: dict[str, tuple[bytes, str]]) -> bytes:
    """An e-mail with a text/plain and/or text/html body (in ISO-8859-1, declared) and attachments
    ``{filename: (bytes, mime type)}``."""
    msg = EmailMessage()
    msg["From"] = "Help Desk <help@shop.example>"
    msg["To"] = "Bruno Marchetti <bruno.m@correo.example>"
    msg["Subject"] = "Re: Rückerstattung"
    if plain is not None:
        msg.set_content(plain, charset="iso-8859-1")
    if html_body is not None:
        if plain is None:
            msg.set_content(html_body, subtype="html", charset="iso-8859-1")
        else:
            msg.add_alternative(html_body, subtype="html", charset="iso-8859-1")
    for name, (data, mime) in attachments.items():
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)
