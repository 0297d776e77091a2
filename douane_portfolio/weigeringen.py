"""What a write service raises when it refuses, in one hierarchy.

Every refusal is a ValidationError, so forms, the API and the importer show it the
way they show any invalid input: next to the field it names, else on top. Two kinds
get their own answer: a stale version (the "changed meanwhile" message, HTTP 412) and
a missing right (a 403 that says why; also a Django PermissionDenied).
"""

from django.core.exceptions import PermissionDenied, ValidationError


class Weigering(ValidationError):
    """A service refuses; nothing was written. `veld` names the field it is about."""

    def __init__(self, bericht, *, veld=None, code=None):
        if veld is not None:
            super().__init__({veld: [ValidationError(bericht, code=code)]})
        else:
            super().__init__(bericht, code=code)
        self.veld = veld

    def __str__(self):
        # The bare Dutch text (ValidationError's own is a list repr), for messages and 403s.
        return " ".join(self.messages)


class GeenToestemming(Weigering, PermissionDenied):
    """The user may not make this step (checked again inside the service's transaction)."""


class VerouderdeVersie(Weigering):
    """The row changed after the form was opened; nothing was written."""

    def __init__(self, instance):
        self.instance = instance
        super().__init__(f"{instance!r} is intussen gewijzigd.", code="verouderd")
