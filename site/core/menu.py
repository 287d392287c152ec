"""Admin menu items shown to whom a check lets in."""

from collections.abc import Callable

from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown when ``check(user)`` is true: the same test as its view's, so that
    the menu offers nothing the view would refuse."""

    def __init__(self, *args, check: Callable[..., bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request) -> bool:
        return self.check(request.user)
