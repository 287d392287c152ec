"""Control characters never reach a view (issue 9, defect 8): one policy for every
GET and POST parameter of the site, in ``safechildhood.core.clean_input``."""

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, QueryDict
from django.test import RequestFactory

from safechildhood.core.clean_input import (
    CleanInputMiddleware,
    strip_control_characters,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),
        ("\x01\x02\x1f\x7f", ""),
        ("tab\tline\nreturn\r", "tab\tline\nreturn\r"),
        ("\x80\x9fC1", "C1"),
        ("медиация «»—…", "медиация «»—…"),
        ("zero\u200bwidth", "zero\u200bwidth"),  # a format character, not a control
    ],
)
def test_strip_control_characters(raw, clean):
    assert strip_control_characters(raw) == clean


def run(request):
    captured = {}

    def view(req):
        captured["GET"] = {key: req.GET.getlist(key) for key in req.GET}
        captured["POST"] = {key: req.POST.getlist(key) for key in req.POST}
        return HttpResponse("ok")

    CleanInputMiddleware(view)(request)
    return captured


def test_get_names_and_values_are_cleaned_and_merged():
    request = RequestFactory().get("/services/?q=%00-&district=vologda%00&q%00=x&%01=%02")
    seen = run(request)
    assert seen["GET"] == {"q": ["-", "x"], "district": ["vologda"], "": [""]}
    assert isinstance(request.GET, QueryDict) and not request.GET._mutable


def test_clean_requests_keep_their_dictionaries():
    request = RequestFactory().get("/services/?q=медиация&page=2")
    original = request.GET
    run(request)
    assert request.GET is original


def test_urlencoded_and_multipart_posts_are_cleaned():
    factory = RequestFactory()
    encoded = factory.post(
        "/report/form/",
        "description=a%00b%0Ac&x%00=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert run(encoded)["POST"] == {"description": ["ab\nc"], "x": ["1"]}
    multipart = factory.post("/report/form/", {"description": "a\x00b\x07", "n": ["1\x00", "2"]})
    assert run(multipart)["POST"] == {"description": ["ab"], "n": ["1", "2"]}


def test_the_body_is_parsed_by_the_view_not_before_it(settings):
    """Views guard parsing (oversize, broken bodies → their own 400 page): the
    middleware must not parse the body first and turn those errors into something else."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    request = RequestFactory().post(
        "/report/form/",
        "description=" + "a" * 100,
        content_type="application/x-www-form-urlencoded",
    )
    parsed = []

    def view(req):
        parsed.append(hasattr(req, "_post"))
        with pytest.raises(RequestDataTooBig):
            req.POST  # noqa: B018
        return HttpResponse("guarded")

    assert CleanInputMiddleware(view)(request).content == b"guarded"
    assert parsed == [False]
