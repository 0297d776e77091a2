"""Who may do what in the portfolio. Predicates come from douane_portfolio.rules."""

import rules

from douane_portfolio.rules import (
    heeft_een_rol,
    heeft_schrijfrol,
    is_beheerder,
    is_eigenaar,
    is_programmamanager,
)


@rules.predicate
def is_eigenaar_van_initiatief(user, obj):
    """Owner of the initiative itself, or of the initiative a milestone/value belongs to."""
    if obj is None or not user.is_authenticated:
        return False
    initiatief = getattr(obj, "initiatief", obj)
    if initiatief is None:
        return False
    return getattr(initiatief, "eigenaar_id", None) == user.pk


@rules.predicate
def indicator_van_initiatief(user, obj):
    initiatief = getattr(getattr(obj, "indicator", obj), "initiatief_id", None)
    return initiatief is not None


@rules.predicate
def is_eigenaar_van_indicator(user, obj):
    indicator = getattr(obj, "indicator", obj)
    return indicator is not None and is_eigenaar_van_initiatief(user, indicator)


beheert_initiatief = is_beheerder | (is_programmamanager & is_eigenaar_van_initiatief)

for model in ("thema", "initiatief", "rapportageperiode", "statusrapportage", "mijlpaal"):
    rules.add_perm(f"programmas.view_{model}", heeft_een_rol)
rules.add_perm("programmas.view_prestatieindicator", heeft_een_rol)
rules.add_perm("programmas.view_indicatorwaarde", heeft_een_rol)

rules.add_perm("programmas.add_thema", is_beheerder)
rules.add_perm("programmas.change_thema", is_beheerder)
rules.add_perm("programmas.delete_thema", is_beheerder)

rules.add_perm("programmas.add_initiatief", is_beheerder)
rules.add_perm("programmas.change_initiatief", beheert_initiatief)
rules.add_perm("programmas.delete_initiatief", is_beheerder)

# Reporting rounds belong to the portfolio office.
rules.add_perm("programmas.add_rapportageperiode", is_beheerder)
rules.add_perm("programmas.change_rapportageperiode", is_beheerder)
rules.add_perm("programmas.delete_rapportageperiode", is_beheerder)

# A status is reported for an initiative (the object); whether the period is still
# open is checked by the service, since only a Beheerder may change a closed period.
rules.add_perm("programmas.rapporteer_status", beheert_initiatief)
rules.add_perm("programmas.add_statusrapportage", beheert_initiatief)
rules.add_perm("programmas.change_statusrapportage", beheert_initiatief)
rules.add_perm("programmas.delete_statusrapportage", is_beheerder)

# Milestones: the initiative's manager plans them; their owner (if that owner may
# write at all) reports progress, the status only, as for measures and actions.
rules.add_perm("programmas.add_mijlpaal", beheert_initiatief)
rules.add_perm("programmas.change_mijlpaal", beheert_initiatief)
rules.add_perm(
    "programmas.change_status_mijlpaal", beheert_initiatief | (heeft_schrijfrol & is_eigenaar)
)
rules.add_perm("programmas.delete_mijlpaal", beheert_initiatief)

# Indicators: agency-wide ones (no initiative) only by the portfolio office.
beheert_indicator = is_beheerder | (
    is_programmamanager & indicator_van_initiatief & is_eigenaar_van_indicator
)
rules.add_perm("programmas.add_prestatieindicator", beheert_indicator)
rules.add_perm("programmas.change_prestatieindicator", beheert_indicator)
rules.add_perm("programmas.delete_prestatieindicator", is_beheerder)
rules.add_perm("programmas.add_indicatorwaarde", beheert_indicator)
rules.add_perm("programmas.change_indicatorwaarde", beheert_indicator)
rules.add_perm("programmas.delete_indicatorwaarde", is_beheerder)
