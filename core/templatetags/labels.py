"""Labels that several apps' pages show the same way."""

from django import template

from core import models

register = template.Library()


@register.simple_tag
def agency_and_team(agency_name, team_name) -> str:
    return models.agency_and_team(agency_name, team_name)
