"""What changed between the reports of two periods (either may be a snapshot)."""


def _initiatieven(gegevens):
    return {
        i["naam"]: (thema["naam"], i)
        for thema in gegevens["activiteiten"]["themas"]
        for i in thema["initiatieven"]
    }


def _toprisicos(gegevens):
    risicos = gegevens.get("risicos") or {"groepen": []}
    return {r["titel"]: r for g in risicos["groepen"] for r in g["risicos"]}


def _bevindingen(gegevens):
    audits = gegevens.get("audits") or {"instanties": []}
    return {b["titel"]: b for g in audits["instanties"] for b in g["bevindingen"]}


def vergelijk(van, tot):
    """Status changes of initiatives, top risks that came and went, score changes,
    findings that were resolved or are new."""
    oud, nieuw = _initiatieven(van), _initiatieven(tot)
    statussen = []
    for naam, (thema, item) in nieuw.items():
        vorig = oud.get(naam, (thema, None))[1]
        if vorig is None or vorig["status"] != item["status"]:
            statussen.append(
                {
                    "thema": thema,
                    "naam": naam,
                    "van": vorig["status_label"] if vorig else "niet in het rapport",
                    "tot": item["status_label"],
                }
            )

    risicos_oud, risicos_nieuw = _toprisicos(van), _toprisicos(tot)
    scores = [
        {"titel": t, "van": risicos_oud[t]["netto"], "tot": r["netto"]}
        for t, r in risicos_nieuw.items()
        if t in risicos_oud and risicos_oud[t]["netto"] != r["netto"]
    ]

    bevindingen_oud, bevindingen_nieuw = _bevindingen(van), _bevindingen(tot)
    opgelost = sorted(
        t
        for t, b in bevindingen_nieuw.items()
        if b["status"] == "opgelost"
        and t in bevindingen_oud
        and bevindingen_oud[t]["status"] != "opgelost"
    )
    return {
        "statussen": statussen,
        "initiatieven_vervallen": sorted(set(oud) - set(nieuw)),
        "risicos_nieuw": sorted(set(risicos_nieuw) - set(risicos_oud)),
        "risicos_vervallen": sorted(set(risicos_oud) - set(risicos_nieuw)),
        "scores": scores,
        "bevindingen_opgelost": opgelost,
        "bevindingen_nieuw": sorted(set(bevindingen_nieuw) - set(bevindingen_oud)),
    }
