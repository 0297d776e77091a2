"""The one list-view base: a queryset, a FilterSet and a Table (NetBox style).

Every list gets the same filtering, sorting, pagination and export of the filtered
rows (`?_export=csv|xlsx`, with the headers shown on screen). Pagination is keyset
(`bladeren.py`): no COUNT(*) and no deep OFFSET, so the last page costs what the first does.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.text import slugify
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin, TableExport
from rules.contrib.views import PermissionRequiredMixin

from .bladeren import bladeren
from .tekst import spreadsheetcel


class VeiligeExport(TableExport):
    """tablib export whose every cell went through `spreadsheetcel`: no formulas, no
    control characters that break openpyxl, numbers still numbers."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        veilig = type(dataset)(title=dataset.title)
        veilig.headers = [spreadsheetcel(kop) for kop in dataset.headers or ()]
        for rij in dataset:
            veilig.append([spreadsheetcel(waarde) for waarde in rij])
        return veilig


class LijstView(PermissionRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    template_name = "lijsten/lijst.html"
    export_formats = ("csv", "xlsx")
    export_trigger_param = "_export"
    export_class = VeiligeExport
    titel = ""
    intro = ""

    def get_queryset(self):
        qs = super().get_queryset()
        # Reading is scoped in SQL, never by loading permitted ids into Python.
        if hasattr(qs, "zichtbaar_voor"):
            qs = qs.zichtbaar_voor(self.request.user)
        return qs

    def get(self, request, *args, **kwargs):
        if "per_page" in request.GET:
            # The page size is the application's, not the URL's: django-tables2 would take
            # per_page=-2 (a server error) or per_page=10**9 (every row at once).
            request.GET = request.GET.copy()
            del request.GET["per_page"]
        return super().get(request, *args, **kwargs)

    def get_table_pagination(self, table):
        # Paged by `bladeren` in get_table, not by a Django paginator.
        return False

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if self.request.GET.get(self.export_trigger_param) is None:
            bladeren(table, self.request.GET, settings.LIJST_PAGINA_GROOTTE)
        return table

    def get_export_filename(self, export_format):
        naam = slugify(self.titel) or self.model._meta.verbose_name_plural
        return f"{naam}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def render_to_response(self, context, **kwargs):
        # Only the offered formats: tablib knows more (yaml, xls, latex …), some of which
        # are not even installed.
        export_format = self.request.GET.get(self.export_trigger_param)
        if export_format is not None and export_format not in self.export_formats:
            raise BadRequest("Onbekend exportformaat.")
        return super().render_to_response(context, **kwargs)

    def get_dataset_kwargs(self):
        return {"title": (self.titel or "export")[:31]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["titel"] = self.titel
        context["intro"] = self.intro
        context["export_formats"] = self.export_formats
        return context
