"""Who may import: whoever may import at least one kind (soorten.py decides per kind)."""

import rules

from .soorten import SOORTEN


@rules.predicate
def mag_iets_importeren(user):
    return any(soort.mag(user) for soort in SOORTEN.values())


rules.add_perm("importeren.importeren", mag_iets_importeren)
