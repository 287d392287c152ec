"""Blocks and template tags the apps share (safechildhood.core.blocks, core_tags)."""

from django.template import Context, Template

from safechildhood.core import blocks
from safechildhood.core.phones import tel_href
from safechildhood.core.protection import HONEYPOT_FIELD, TOKEN_FIELD
from safechildhood.home.blocks import BodyBlock
from safechildhood.news.blocks import NewsBodyBlock


def test_both_bodies_use_the_shared_blocks():
    for body in (BodyBlock(), NewsBodyBlock()):
        children = body.child_blocks
        assert isinstance(children["heading"], blocks.HeadingBlock)
        assert isinstance(children["contacts"], blocks.ContactsBlock)
        assert children["paragraph"].get_template() == blocks.PARAGRAPH_TEMPLATE
        assert children["paragraph"].features == blocks.RICH_TEXT_FEATURES


def test_a_heading_renders_with_its_level():
    html = blocks.HeadingBlock().render({"text": "Куда обратиться", "level": "h3"})
    assert "<h3" in html and "Куда обратиться" in html


def test_contacts_link_their_phones():
    value = blocks.ContactsBlock().to_python(
        {"title": "", "contacts": [{"name": "Телефон доверия", "phone": "8-800-2000-122"}]}
    )
    assert 'href="tel:88002000122"' in blocks.ContactsBlock().render(value)


def test_phone_links():
    assert tel_href("8 (8172) 00-00-00") == "tel:88172000000"
    assert tel_href("+7 800 2000-122") == "tel:+78002000122"
    template = Template("{% load core_tags %}[{{ number|tel_href }}]")
    assert template.render(Context({"number": "8-800-2000-122"})) == "[tel:88002000122]"
    assert template.render(Context({"number": ""})) == "[]"
    assert template.render(Context({"number": None})) == "[]"


def test_form_field_name_tags():
    template = Template(
        "{% load core_tags %}{% honeypot_field_name as h %}{% token_field_name as t %}"
        "{{ h }} {{ t }}"
    )
    assert template.render(Context()) == f"{HONEYPOT_FIELD} {TOKEN_FIELD}"
