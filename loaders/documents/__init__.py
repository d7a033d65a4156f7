"""Documents as rox reads them: plain text, Markdown, HTML, DOCX and PDF files turned into
text with their name, format and hash (:mod:`rox.loaders.documents.read`), and the bundled
world university list (:mod:`rox.loaders.documents.universities`), for ``rox extract``."""
