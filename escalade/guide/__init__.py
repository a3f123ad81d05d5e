"""The published Support & Escalation Guide, generated from the running policy (build.py), in
Markdown, HTML (document.py) and PDF (pdf.py)."""
