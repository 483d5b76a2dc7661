from django import template

from members.models import User

register = template.Library()


@register.inclusion_tag("members/_member_name.html")
def member_name(member: User | None, link: bool = True) -> dict:
    """A member's name with their badges: how a name appears everywhere on the site.

    None is the author of a post whose account was deleted: "Former member".
    """
    return {"member": member, "link": bool(member and link and member.is_verified_member)}
