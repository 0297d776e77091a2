"""Walking keyset pages in tests: every row once, in order, at the same query count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_en_pagina(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def alle_paginas(client, url, pagina_van, params=None):
    """Follow "Volgende" from the first page; returns the pages' rows and their query
    counts. `pagina_van(response)` gives the page's `Bladzijde`."""
    params = dict(params or {})
    paginas, tellingen = [], []
    while True:
        aantal, response = queries_en_pagina(client, url, params)
        pagina = pagina_van(response)
        paginas.append(list(pagina.object_list))
        tellingen.append(aantal)
        if not pagina.has_next:
            return paginas, tellingen
        assert 'aria-label="Paginering"' in response.content.decode()
        params["cursor"] = pagina.volgende
        assert len(paginas) < 50, "bladeren houdt niet op"


def rij_ids(client, url, params=None):
    """The ids of a list's rows, following "Volgende" from the first page to the last."""
    paginas, _ = alle_paginas(client, url, lambda r: r.context["table"].page, params)
    return [rij.record.pk for pagina in paginas for rij in pagina]
