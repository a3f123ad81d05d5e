"""Article bodies: plain text with a very small markup, always escaped."""

from escalade.kb.markup import plain_excerpt, render_body


def test_html_in_a_body_is_shown_as_text():
    html = render_body('<script>alert("x")</script> <b onclick=x>hi</b>')
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


def test_paragraphs_line_breaks_lists_and_headings():
    html = render_body("## Symptoms\nIt stops.\nThen it starts.\n\n- first\n- second")
    assert html == "<h2>Symptoms</h2>\n<p>It stops.<br>Then it starts.</p>\n<ul><li>first</li><li>second</li></ul>"


def test_bold_code_and_links():
    html = render_body("Run `ipconfig /flushdns`, **then** see https://example.com/help?a=1&b=2.")
    assert "<code>ipconfig /flushdns</code>" in html and "<strong>then</strong>" in html
    assert '<a href="https://example.com/help?a=1&amp;b=2" rel="nofollow noopener">' in html
    assert html.endswith("</a>.</p>")


def test_a_link_cannot_break_out_of_its_attribute():
    html = render_body('https://x.example/"onmouseover="alert(1) javascript:alert(1)')
    assert 'href="https://x.example/"' in html
    assert "onmouseover=&quot;" in html and 'href="javascript' not in html


def test_excerpt_drops_markup_and_cuts_at_a_word():
    assert plain_excerpt("## Title\n**Bold** and `code`") == "Title Bold and code"
    assert plain_excerpt("word " * 100, length=20) == "word word word…"
