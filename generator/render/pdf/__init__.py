"""PDFs as reviewers get them, and upload-ready 文件.

    from generator.render.pdf import PdfSettings, render_portfolio, make_upload_pdf
    data, view = render_portfolio(student, rules, settings)             # whole portfolio
    data, view = render_portfolio(student, rules, settings, department)  # one department
    make_upload_pdf(item, student, rules, settings, target)             # upload/<item>/<name>.pdf

In a build, `PdfStep` (pdf_step.py) does all of it incrementally; portfolio and department
PDFs are assembled from item fragments laid out once and cached (fragments.py).
"""

from generator.render.pdf.pdf_assembly import RenderError
from generator.render.pdf.pdf_documents import PdfSettings, render_item_page, render_portfolio
from generator.render.pdf.pdf_step import PdfStep
from generator.render.pdf.print_item import Quality
from generator.render.pdf.upload_document import UploadResult, make_upload_pdf, needs_upload_pdf

__all__ = [
           "PdfSettings",
           "PdfStep",
           "Quality",
           "RenderError",
           "UploadResult",
           "make_upload_pdf",
           "needs_upload_pdf",
           "render_item_page",
           "render_portfolio",
]
