"""Keyset ("cursor") pagination for the lists, as DRF's `CursorPagination` does it.

A page is found in two queries: a lean one that seeks `WHERE (sort, pk) > (last)` over
the sort keys and the primary key only (no per-row subqueries, no long text to sort,
no OFFSET), and one that loads the page's rows with everything the table shows. So the
last page costs what the first costs, and nothing counts the whole table.

The cursor in the URL holds the direction, the page number (for display only) and the
sort-key values of the row it starts after or before. `?page=N` from older links still
works up to `MAX_PAGINA` pages, with a bounded OFFSET on the lean query.
"""

import base64
import binascii
import datetime
import json
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, Q, Value
from django.db.models.expressions import Col, OrderBy
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Coalesce
from django_tables2.rows import BoundRows

CURSOR = "cursor"
NA, VOOR, LAATSTE = "n", "v", "l"
# Older links `?page=N` keep working this far; deeper pages come through the cursor.
MAX_PAGINA = 20


class Sleutel:
    """One sort key: an expression, its direction and where its NULLs go (PostgreSQL's
    default unless the ordering says otherwise: NULL sorts as the largest value)."""

    def __init__(self, expressie, aflopend, nulls_laatst, kan_leeg, eigen=True):
        self.expressie = expressie
        self.aflopend = aflopend
        self.nulls_laatst = nulls_laatst
        self.kan_leeg = kan_leeg
        # Computed from the list's own row alone (see `_uit_eigen_rij`).
        self.eigen = eigen

    def omgekeerd(self):
        return Sleutel(
            self.expressie, not self.aflopend, not self.nulls_laatst, self.kan_leeg, self.eigen
        )

    def volgorde(self, alias):
        return OrderBy(
            F(alias),
            descending=self.aflopend,
            nulls_last=self.nulls_laatst or None,
            nulls_first=(not self.nulls_laatst) or None,
        )

    def na(self, alias, waarde):
        """Rows after `waarde` in this key alone, or None when there are none."""
        if waarde is None:
            # NULLs last: nothing comes after; NULLs first: every non-NULL value does.
            return None if self.nulls_laatst else Q(**{f"{alias}__isnull": False})
        q = Q(**{f"{alias}__{'lt' if self.aflopend else 'gt'}": waarde})
        if self.nulls_laatst and self.kan_leeg:
            q |= Q(**{f"{alias}__isnull": True})
        return q

    def gelijk(self, alias, waarde):
        if waarde is None:
            return Q(**{f"{alias}__isnull": True})
        return Q(**{alias: waarde})

    def grens(self, alias, waarde):
        """`sort >= last` (an index condition) next to the OR of `na`: lets PostgreSQL
        start the index scan at the cursor instead of filtering from the start."""
        if waarde is None or (self.kan_leeg and self.nulls_laatst):
            return None
        if self.kan_leeg:
            # NULLs first and a value in the cursor: every NULL lies before it.
            return Q(**{f"{alias}__{'lte' if self.aflopend else 'gte'}": waarde}) & Q(
                **{f"{alias}__isnull": False}
            )
        return Q(**{f"{alias}__{'lte' if self.aflopend else 'gte'}": waarde})


def _kan_leeg(model, naam):
    """Whether a field path may be NULL (a nullable field or a nullable join on the way);
    anything that is not a plain path counts as nullable."""
    if naam == "pk":
        return False
    delen = naam.split("__")
    for i, deel in enumerate(delen):
        try:
            veld = model._meta.get_field(deel)
        except FieldDoesNotExist:
            return True
        if getattr(veld, "null", False) or veld.many_to_many or veld.one_to_many:
            return True
        if i < len(delen) - 1:
            if not veld.is_relation:
                return True
            model = veld.related_model
    return False


def nooit_leeg(expressie):
    """Whether `expressie` can never be NULL: a COALESCE that ends in a value, or a CASE
    whose branches and ELSE are all values. A nullable sort key written that way (NULL
    as a value beyond every real one) makes the seek past it one index range; with
    NULLS LAST it is an OR with IS NULL, which PostgreSQL cannot use as a range and
    filters from the top of the index instead."""
    if isinstance(expressie, Case):
        return all(_waarde(w.result) for w in expressie.cases) and _waarde(expressie.default)
    if isinstance(expressie, Coalesce):
        return _waarde(expressie.get_source_expressions()[-1])
    return False


def _waarde(expressie):
    return isinstance(expressie, Value) and expressie.value is not None


def _naam_kan_leeg(query, naam):
    """Whether the sort key named `naam` (an annotation or a field path) may be NULL."""
    if naam in query.annotations:
        return not nooit_leeg(query.annotations[naam])
    return _kan_leeg(query.model, naam)


def _sleutels(queryset):
    """The queryset's ordering as keys, with the primary key as the last tie-breaker."""
    query = queryset.query
    ordering = list(query.order_by) or (
        list(query.get_meta().ordering) if query.default_ordering else []
    )
    model = queryset.model
    sleutels = []
    heeft_pk = False
    for item in ordering:
        if isinstance(item, str):
            if item == "?":
                continue
            aflopend = item.startswith("-")
            naam = item.lstrip("-+")
            if naam in ("pk", model._meta.pk.name):
                heeft_pk = True
                naam = "pk"
            leeg = _naam_kan_leeg(query, naam)
            eigen = _uit_eigen_rij(query, F(naam))
            sleutels.append(Sleutel(F(naam), aflopend, not aflopend, leeg, eigen))
            continue
        if not isinstance(item, OrderBy):
            item = item.asc()
        expressie = item.expression
        naam = getattr(expressie, "name", None)
        if naam in ("pk", model._meta.pk.name):
            heeft_pk = True
        if item.nulls_last:
            nulls_laatst = True
        elif item.nulls_first:
            nulls_laatst = False
        else:
            nulls_laatst = not item.descending
        if isinstance(expressie, F):
            leeg = _naam_kan_leeg(query, naam)
        else:
            leeg = not nooit_leeg(expressie)
        eigen = _uit_eigen_rij(query, expressie)
        sleutels.append(Sleutel(expressie, item.descending, nulls_laatst, leeg, eigen))
    if not heeft_pk:
        sleutels.append(Sleutel(F("pk"), False, True, False))
    return sleutels


class _CursorEncoder(DjangoJSONEncoder):
    # DjangoJSONEncoder cuts a datetime to milliseconds; a cursor must compare equal to
    # the row it came from, or rows with the same millisecond are skipped.
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def cursor_maken(richting, nummer, waarden=()):
    tekst = json.dumps([richting, nummer, list(waarden)], cls=_CursorEncoder)
    return base64.urlsafe_b64encode(tekst.encode()).decode().rstrip("=")


def cursor_lezen(tekst):
    """(direction, page number, values) or None for anything not a cursor of ours."""
    if not tekst or len(tekst) > 2000:
        return None
    try:
        ruw = base64.urlsafe_b64decode(tekst + "=" * (-len(tekst) % 4))
        richting, nummer, waarden = json.loads(ruw)
    except (binascii.Error, ValueError, TypeError):
        return None
    if richting not in (NA, VOOR, LAATSTE) or not isinstance(waarden, list):
        return None
    if not isinstance(nummer, int) or isinstance(nummer, bool) or nummer < 0:
        nummer = 0
    return richting, nummer, waarden


def _pagina_nummer(waarde):
    try:
        nummer = int(waarde)
    except (TypeError, ValueError):
        return 1
    return min(max(nummer, 1), MAX_PAGINA)


class Bladzijde:
    """What the template needs of a page: its rows, where it is and where it leads."""

    def __init__(self, object_list, nummer, vorige, volgende, eerste_link):
        self.object_list = object_list
        self.number = nummer or None
        self.vorige = vorige
        self.volgende = volgende
        self.eerste_link = eerste_link
        self.has_previous = vorige is not None
        self.has_next = volgende is not None

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def __len__(self):
        return len(self.object_list)


def buren(richting, meer, *, na_eerste=False):
    """(has a previous page, has a next page) after fetching one row more than a page
    (`meer`: that row came) in `richting`; `na_eerste`: an old `?page=N` beyond 1."""
    if richting == VOOR:
        return meer, True
    if richting == LAATSTE:
        return meer, False
    return richting == NA or na_eerste, meer


def bladeren(table, params, per_pagina):
    """Put the page asked for by `params` (`cursor` or `page`) on `table` as `table.page`."""
    queryset = table.data.data
    sleutels = _sleutels(queryset)
    aliassen = [f"_blader{i}" for i in range(len(sleutels))]
    basis = queryset.annotate(
        **{a: s.expressie for a, s in zip(aliassen, sleutels, strict=True)}
    ).prefetch_related(None)

    cursor = cursor_lezen(params.get(CURSOR))
    if cursor and cursor[0] != LAATSTE and len(cursor[2]) != len(sleutels):
        cursor = None
    richting, nummer, waarden = cursor or (None, 0, [])
    offset = 0
    if cursor is None:
        nummer = _pagina_nummer(params.get(table.prefixed_page_field))
        offset = (nummer - 1) * per_pagina

    terug = richting in (VOOR, LAATSTE)
    volgorde = [s.omgekeerd() if terug else s for s in sleutels]
    lean = basis.order_by(*(s.volgorde(a) for s, a in zip(volgorde, aliassen, strict=True)))
    if richting in (NA, VOOR):
        try:
            lean = lean.filter(_na(volgorde, aliassen, waarden))
        except (ValidationError, ValueError, TypeError):
            # A cursor edited by hand: start at the first page.
            return bladeren(table, {}, per_pagina)
    rijen = list(lean.values_list("pk", *aliassen)[offset : offset + per_pagina + 1])
    meer = len(rijen) > per_pagina
    rijen = rijen[:per_pagina]
    if terug:
        rijen.reverse()

    heeft_vorige, heeft_volgende = buren(richting, meer, na_eerste=nummer > 1)

    ids = [rij[0] for rij in rijen]
    objecten = queryset.order_by().filter(pk__in=ids).in_bulk() if ids else {}
    records = [objecten[pk] for pk in ids if pk in objecten]

    def buur(n):
        return n if nummer and n >= 1 else 0

    vorige = volgende = None
    if rijen and heeft_vorige:
        vorige = cursor_maken(VOOR, buur(nummer - 1), rijen[0][1:])
    if rijen and heeft_volgende:
        volgende = cursor_maken(NA, buur(nummer + 1), rijen[-1][1:])
    table.page = Bladzijde(
        BoundRows(data=records, table=table),
        nummer,
        vorige,
        volgende,
        eerste_link=heeft_vorige,
    )
    table.laatste_cursor = cursor_maken(LAATSTE, 0) if heeft_volgende else None
    return table


class _Rijen:
    """What `bladeren` reads of a table, for a page that shows no django-tables2 table."""

    prefixed_page_field = "page"

    def __init__(self, queryset):
        self.data = SimpleNamespace(data=queryset)


def bladzijde(queryset, params, per_pagina):
    """`bladeren` for a plain queryset: the page's `Bladzijde`, with the model instances
    in `object_list` and the cursor of the last page in `laatste_cursor`."""
    rijen = bladeren(_Rijen(queryset), params, per_pagina)
    pagina = rijen.page
    pagina.object_list = list(pagina.object_list.data)
    pagina.laatste_cursor = rijen.laatste_cursor
    return pagina


def _na(sleutels, aliassen, waarden):
    """`(k0, k1, …) > (v0, v1, …)` in the keys' own directions and NULL placement."""
    ergens = Q(pk__in=[])
    voor = Q()
    for sleutel, alias, waarde in zip(sleutels, aliassen, waarden, strict=True):
        stap = sleutel.na(alias, waarde)
        if stap is not None:
            ergens |= voor & stap
        voor &= sleutel.gelijk(alias, waarde)
    grens = sleutels[0].grens(aliassen[0], waarden[0]) if sleutels else None
    if grens is not None:
        ergens &= grens
    rij = _rij_na(sleutels, aliassen, waarden)
    return ergens & rij if rij is not None else ergens


def _uit_eigen_rij(query, expressie):
    """Whether a sort key is computed from the list's own row alone (its columns and
    constants), as an index can hold it. Not a join (the owner's name: the planner
    misjudged a row comparison across two tables and sorted all rows) nor a subquery
    (the register's open findings: the comparison ran it once more per row)."""
    delen = [expressie] if isinstance(expressie, F) else expressie.flatten()
    for deel in delen:
        if getattr(deel, "subquery", False) or getattr(deel, "contains_aggregate", False):
            return False
        if isinstance(deel, Col) and deel.alias != query.base_table:
            return False
        if isinstance(deel, F):
            if deel.name in query.annotations:
                if not _uit_eigen_rij(query, query.annotations[deel.name]):
                    return False
            elif "__" in deel.name:
                return False
    return True


def _rij_na(sleutels, aliassen, waarden):
    """`(k0, k1, …) > (v0, v1, …)` as one row comparison, when every key runs the same
    way and none can be NULL: an index on exactly these keys starts its scan at the
    cursor. `grens` bounds the first key only, so a seek into a long run of equal first
    keys (the 475,000 measures without a dialogue, the active risks sorted by status)
    read that run from its start. The OR of `_na` stays next to it (same rows); a key
    from a join or a subquery has no index to seek in (`Sleutel.eigen`)."""
    if len(sleutels) < 2 or any(
        s.kan_leeg or not s.eigen or v is None for s, v in zip(sleutels, waarden, strict=True)
    ):
        return None
    if len({s.aflopend for s in sleutels}) != 1:
        return None
    kolommen = Tuple(*(F(a) for a in aliassen))
    if sleutels[0].aflopend:
        return TupleLessThan(kolommen, list(waarden))
    return TupleGreaterThan(kolommen, list(waarden))


def cursor_voor_positie(table, positie, per_pagina):
    """The cursor of the page that starts after row `positie` (0-based) of the table's
    ordering, for the benchmark's deep pages; None past the end."""
    queryset = table.data.data
    sleutels = _sleutels(queryset)
    aliassen = [f"_blader{i}" for i in range(len(sleutels))]
    lean = (
        queryset.annotate(**{a: s.expressie for a, s in zip(aliassen, sleutels, strict=True)})
        .prefetch_related(None)
        .order_by(*(s.volgorde(a) for s, a in zip(sleutels, aliassen, strict=True)))
        .values_list(*aliassen)
    )
    rijen = list(lean[positie : positie + 1]) if positie >= 0 else []
    if not rijen:
        return None
    return cursor_maken(NA, positie // per_pagina + 2, rijen[0])
