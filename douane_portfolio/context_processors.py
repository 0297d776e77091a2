from django.urls import NoReverseMatch, reverse

# (label, url name, path prefix that marks it active). Entries whose URL does not
# exist yet are left out, so the menu grows as the apps arrive.
NAVIGATIE = (
    ("Dashboard", "home", None),
    ("Programma's", "programmas:portfolio", "/programmas/"),
    ("Risico's", "risicos:register", "/risicos/"),
    ("Audits", "audits:bevindingen", "/audits/"),
    ("Mijn acties", "mijn_acties", "/acties/"),
    ("Rapportage", "rapportage:index", "/rapportage/"),
    ("Importeren", "importeren:index", "/importeren/"),
)


def navigatie(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items = []
    for label, naam, prefix in NAVIGATIE:
        try:
            url = reverse(naam)
        except NoReverseMatch:
            continue
        actief = request.path == url if prefix is None else request.path.startswith(prefix)
        items.append({"label": label, "url": url, "actief": actief})
    return {"navigatie": items}
