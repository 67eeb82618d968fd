import unicodedata


def fold(text):
    """Lower-case, accent-free form for matching: "Γιώργος" and "ΓΙΩΡΓΟΣ" both give "γιωργοσ".

    SQLite's LIKE folds ASCII case only, so Greek search matches a stored folded copy instead.
    """
    decomposed = unicodedata.normalize("NFD", str(text or "").strip().casefold())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("ς", "σ")
