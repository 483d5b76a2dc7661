from django import template

from members.models import User

register = template.Library()


@register.inclusion_tag("members/_member_name.html")
def member_name(member: User, link: bool = True) -> dict:
    """A member's name with their badges: how a name appears everywhere on the site."""
    return {"member": member, "link": link and member.is_verified_member}
