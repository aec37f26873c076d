"""Imported once by the PDF fork server (core.pdf): loads WeasyPrint and its fonts up front,
so each forked render starts warm. Not imported by the web process."""

from weasyprint import HTML

HTML(string="<p>Arki</p>").write_pdf()
