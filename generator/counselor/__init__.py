"""The counselor's view of a class: dashboard rows, CSV files, comments and deadlines.

Everything here is read by the counselor renderer only. Comments (`reviews.yaml`)
are loaded by this package and never attached to the content model, so the PDF
renderer and the department export cannot show them even by mistake.
"""
