"""``{% page_notices "episode" episode %}``: the notices other apps have for a record
(core.notices), shown where the page puts the tag."""

from django import template

from core import notices as registry

register = template.Library()


@register.inclusion_tag("core/includes/notices.html", takes_context=True)
def page_notices(context, place, record):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"notices": registry.notices_for(place, user=user, record=record)}


@register.inclusion_tag("core/includes/notices.html")
def show_notices(notices):
    """The notices a view already fetched for a list (``notices_for_many``)."""
    return {"notices": notices or []}


@register.filter
def notices_of(found, pk):
    """``{{ found|notices_of:record.pk }}`` for a list page's ``notices_for_many`` answer."""
    return (found or {}).get(pk, [])


@register.simple_tag(takes_context=True)
def notices_here(context, place, record):
    """``{% notices_here "assessment" assessment as linked %}``: the notices for a page that heads
    them (``Linked records``) only when there are some; shown with ``show_notices``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return registry.notices_for(place, user=user, record=record)
