"""Turn the form a page rendered into the POST body a browser would send."""

import datetime
import uuid


def _als_tekst(waarde):
    waarde = getattr(waarde, "pk", waarde)
    if isinstance(waarde, (datetime.date, datetime.datetime)):
        return waarde.isoformat()
    return str(waarde)


def formulierdata(form, **aanvulling):
    """The initial values of every field of `form` (hidden ones too), as sent on submit,
    with `aanvulling` on top (None removes a field)."""
    data = {}
    for veld in form:
        waarde = veld.value()
        if waarde is None or waarde == "" or waarde is False:
            continue
        if waarde is True:
            data[veld.html_name] = "on"
        elif isinstance(waarde, (list, tuple)) or hasattr(waarde, "model"):
            data[veld.html_name] = [_als_tekst(w) for w in waarde]
        elif isinstance(waarde, uuid.UUID):
            data[veld.html_name] = str(waarde)
        else:
            data[veld.html_name] = _als_tekst(waarde)
    for sleutel, waarde in aanvulling.items():
        if waarde is None:
            data.pop(sleutel, None)
        else:
            data[sleutel] = waarde
    return data
