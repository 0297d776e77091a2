"""Keyboard-only helpers: move with Tab and check at every stop that the focus is on a
visible element with a visible indicator (outline or box shadow)."""

FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const label = e.labels && e.labels.length ? e.labels[0].innerText.trim() : "";
  return {
    sleutel: [e.tagName, e.id, e.name || "", e.value || "", e.getAttribute("href") || ""].join("|"),
    tag: e.tagName.toLowerCase(),
    naam: e.getAttribute("name") || "",
    tekst: (e.innerText || label || e.getAttribute("aria-label") || "").trim().slice(0, 120),
    waarde: e.value === undefined ? "" : String(e.value),
    checked: !!e.checked,
    indicator: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
      || (s.boxShadow && s.boxShadow !== "none"),
    zichtbaar: r.width > 0 && r.height > 0 && s.visibility !== "hidden",
  };
}"""

# A date input takes a few Tabs (day, month, year) on the same element; more is a trap.
MAX_ZELFDE = 4


def focus(pagina):
    return pagina.evaluate(FOCUS)


def tab_naar(pagina, past, max_stappen=150, terug=False):
    """Press Tab until the focused element satisfies `past(focus)`; return that focus."""
    gezien = []
    for _ in range(max_stappen):
        pagina.keyboard.press("Shift+Tab" if terug else "Tab")
        f = focus(pagina)
        if f is None:
            gezien.append(None)
            continue
        assert f["zichtbaar"], f"focus op een onzichtbaar element: {f}"
        assert f["indicator"], f"geen zichtbare focus op {f}"
        laatste = [g and g["sleutel"] for g in gezien[-MAX_ZELFDE:]]
        assert laatste.count(f["sleutel"]) < MAX_ZELFDE, f"focus blijft hangen op {f}"
        gezien.append(f)
        if past(f):
            return f
    stops = [g and (g["tag"], g["naam"] or g["tekst"][:30]) for g in gezien]
    raise AssertionError(f"niet bereikt in {max_stappen} tabs; langs: {stops}")


def met_naam(naam):
    return lambda f: f["naam"] == naam


def met_tekst(tekst, tag=None):
    return lambda f: tekst in f["tekst"] and (tag is None or f["tag"] == tag)


def geen_val(pagina, max_stappen=200):
    """Tab on to the end of the page: focus must leave it (or wrap to the start)."""
    start = focus(pagina)
    for _ in range(max_stappen):
        pagina.keyboard.press("Tab")
        f = focus(pagina)
        if f is None or "skiplink" in pagina.evaluate("() => document.activeElement.className"):
            return
        assert f["indicator"] and f["zichtbaar"], f"geen zichtbare focus op {f}"
        if start and f["sleutel"] == start["sleutel"]:
            return
    raise AssertionError("de focus komt niet van de pagina af: toetsenbordval")


def kies(pagina, toets="Enter"):
    pagina.keyboard.press(toets)
