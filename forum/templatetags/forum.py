from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forum.markdown import without_leading_quote
from forum.models import Case, Reply
from forum.permissions import can_read_reply, case_title_for
from members.models import User
from review.timing import format_duration, median_image_review_seconds

register = template.Library()


@register.simple_tag
def median_image_review() -> str:
    """The published median time to an image decision over the last 30 days, in words."""
    seconds = median_image_review_seconds(30)
    if seconds is None:
        return _("Not enough reviews in the last 30 days to say how long review takes.")
    return _("Images are reviewed in %(time)s (median over the last 30 days).") % {
        "time": format_duration(seconds)
    }


@register.filter
def title_for(case: Case, user: User) -> str:
    """`{{ case|title_for:user }}`: the title, or "Hidden case" / "Deleted case" to a viewer
    who may not read it (forum/permissions.py, case_title_for)."""
    return case_title_for(user, case)


@register.filter
def body_for(reply: Reply, user: User) -> SafeString:
    """`{{ reply|body_for:user }}`: the reply's sanitised HTML, without its quote of another
    reply that this viewer may no longer read (hidden, deleted or held since it was quoted):
    a quote must not carry hidden words back onto the page."""
    html = reply.body_html
    quoted = reply.quotes
    if quoted is not None:
        quoted.case = reply.case  # a reply quotes only within its own thread
        if not can_read_reply(user, quoted):
            rest = without_leading_quote(html)
            if rest is not None:
                note = format_html(
                    '<p class="quote-removed muted">{}</p>',
                    _("The quoted reply is no longer shown."),
                )
                return mark_safe(note + rest)  # noqa: S308 (both parts are sanitised HTML)
    return mark_safe(html)  # noqa: S308 (sanitised when saved, forum/markdown.py)
