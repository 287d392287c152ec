"""Phone numbers as people type them, made dialable."""


def tel_href(number: str) -> str:
    """`8 (8172) 00-00-00` → `tel:88172000000`: a ``tel:`` link from a printed number."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")
