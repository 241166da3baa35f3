"""The error contract: what each kind of refusal means, so every page and the API answer it alike.

A service refuses with one of four exceptions, checked in this order:

- ``django.http.Http404`` (or a model's ``DoesNotExist``): the record is out of the user's scope or
  not there. 404, saying nothing about which record or why.
- ``django.core.exceptions.PermissionDenied``: the user's role may not do this. 403.
- ``django.core.exceptions.ValidationError``: the input is wrong, by field where it names one. 400
  with the errors by field; a page shows the form again with them.
- ``ConflictError`` (below): the input is fine but the record's state refuses it now — a move its
  workflow does not allow, or someone else changed it after the user read it. 409; a page shows
  the message.

The API maps them once (``core.api.exception_handler``); pages map them once too
(``core.forms.add_service_errors`` for a form, ``core.middleware.ErrorContractMiddleware`` for
anything a view did not catch).
"""

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """The record's state does not allow this now (409).

    A ValidationError too, so a page that shows a service's refusals on its form shows this one
    the same way; only the API's status differs (409 rather than 400).
    """
