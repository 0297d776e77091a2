"""What changed between the reports of two periods."""


def _initiatieven(gegevens):
    return {
        i["naam"]: (thema["naam"], i)
        for thema in gegevens["activiteiten"]["themas"]
        for i in thema["initiatieven"]
    }


def vergelijk(van, tot):
    """Status changes of initiatives (and, where present, risks and findings)."""
    oud, nieuw = _initiatieven(van), _initiatieven(tot)
    statussen = []
    for naam, (thema, item) in nieuw.items():
        vorig = oud.get(naam, (thema, None))[1]
        oud_label = vorig["status_label"] if vorig else "niet in het rapport"
        if vorig is None or vorig["status"] != item["status"]:
            statussen.append(
                {"thema": thema, "naam": naam, "van": oud_label, "tot": item["status_label"]}
            )
    verdwenen = sorted(set(oud) - set(nieuw))
    return {"statussen": statussen, "initiatieven_vervallen": verdwenen}
