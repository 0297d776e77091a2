"""Who may do what in the register. Predicates come from douane_portfolio.rules."""

import rules

from douane_portfolio.rules import (
    heeft_een_rol,
    heeft_schrijfrol,
    is_beheerder,
    is_eigenaar,
    is_risicofunctionaris,
)

from .models import DialoogStatus

# Risk officers keep the register and run the dialogues; the portfolio office may too.
beheert_risicos = is_risicofunctionaris | is_beheerder


@rules.predicate
def dialoog_niet_vastgesteld(user, dialoog):
    # Without an object (a list page asking "may I at all?") the role decides.
    return dialoog is None or dialoog.status != DialoogStatus.VASTGESTELD


@rules.predicate
def dialoog_gepland(user, dialoog):
    return dialoog is not None and dialoog.status == DialoogStatus.GEPLAND


@rules.predicate
def dialoog_gehouden(user, dialoog):
    return dialoog is not None and dialoog.status == DialoogStatus.GEHOUDEN


for model in ("risico", "scorewijziging", "beheersmaatregel", "risicodialoog", "dialoogrisico"):
    rules.add_perm(f"risicos.view_{model}", heeft_een_rol)

rules.add_perm("risicos.add_risico", beheert_risicos)
rules.add_perm("risicos.change_risico", beheert_risicos)
rules.add_perm("risicos.scoren_risico", beheert_risicos)
# Risks are closed (status gesloten), never deleted: their score history must stay.
rules.add_perm("risicos.delete_risico", rules.always_deny)

rules.add_perm("risicos.add_beheersmaatregel", beheert_risicos)
rules.add_perm("risicos.change_beheersmaatregel", beheert_risicos)
# The owner of a measure reports its progress: status only (see views.MaatregelStatusView).
rules.add_perm(
    "risicos.change_status_beheersmaatregel", beheert_risicos | (heeft_schrijfrol & is_eigenaar)
)
rules.add_perm("risicos.delete_beheersmaatregel", rules.always_deny)

rules.add_perm("risicos.add_risicodialoog", beheert_risicos)
# Adopted minutes are locked for everyone.
rules.add_perm("risicos.change_risicodialoog", beheert_risicos & dialoog_niet_vastgesteld)
rules.add_perm("risicos.gehouden_risicodialoog", beheert_risicos & dialoog_gepland)
rules.add_perm("risicos.vaststellen_risicodialoog", beheert_risicos & dialoog_gehouden)
rules.add_perm("risicos.delete_risicodialoog", rules.always_deny)
