"""Plain-Italian explanations of every indicator, of every reason a figure is hidden, and the glossary.

Each table of the report carries what it counts, who is in the denominator and the time window,
written where the table appears; the headline page reuses the same sentences.
"""
# messages: pending (80 texts to move into data/messages/it.yml)

from __future__ import annotations

FLOW_WHAT = (
    "Persone attive (con un progetto aperto almeno un giorno nel trimestre), ingressi (persone che hanno "
    "avviato un progetto nel trimestre) e uscite (persone il cui progetto si è chiuso nel trimestre), {by}."
)
FLOW_WHO = "Ogni persona conta una volta per riga; la riga «Totale» comprende tutte le persone del programma."

COHORT_WINDOW = (
    "Per anno del primo ingresso (coorte); un anno compare solo quando tutte le persone entrate in "
    "quell'anno hanno avuto il tempo di arrivare a 12 mesi, cioè dal 31 dicembre dell'anno dopo."
)

# table -> (what it counts, who is in the denominator, time window); {start} {end} {k} are filled in
TABLES = {
    "flussi_per_percorso": (
        FLOW_WHAT.format(by="secondo il percorso da cui la persona arriva"),
        FLOW_WHO,
        "Dal {start} al {end}.",
    ),
    "flussi_per_servizio": (
        FLOW_WHAT.format(by="secondo il servizio sanitario che segue la persona"),
        FLOW_WHO,
        "Dal {start} al {end}.",
    ),
    "flussi_per_fascia_eta": (
        FLOW_WHAT.format(by="per fascia d'età (età compiuta nell'anno)"),
        FLOW_WHO,
        "Dal {start} al {end}.",
    ),
    "flussi_per_sesso": (FLOW_WHAT.format(by="per sesso"), FLOW_WHO, "Dal {start} al {end}."),
    "flussi_per_asse": (
        FLOW_WHAT.format(by="per asse del progetto (abitare, lavoro e formazione, socialità)"),
        "Un progetto può lavorare su più assi: la stessa persona compare in più righe e la somma delle "
        "righe supera il totale.",
        "Dal {start} al {end}.",
    ),
    "uscite_per_motivo": (
        "Persone il cui progetto si è chiuso nel trimestre, secondo il motivo della chiusura.",
        "Tutte le persone uscite nel trimestre (la riga «Totale»).",
        "Dal {start} al {end}.",
    ),
    "transizioni_abitative": (
        "Dove abitava ogni persona alla valutazione di avvio (T0) e a quella dopo 12 mesi (T12): ogni "
        "riga è una coppia «dove a T0» e «dove a T12».",
        "Persone con entrambe le valutazioni, T0 e T12, nel loro primo progetto.",
        COHORT_WINDOW,
    ),
    "lavoro_t12": (
        "Persone con un lavoro retribuito (dipendente o autonomo) alla valutazione dopo 12 mesi (T12).",
        "Persone con la valutazione T12 nel loro primo progetto.",
        COHORT_WINDOW,
    ),
    "lavoro_t12_percentuale": (
        "Quota di persone con lavoro retribuito a 12 mesi, calcolata dai numeri già arrotondati della "
        "tabella precedente.",
        "Persone con la valutazione T12 nel loro primo progetto (almeno {k}).",
        COHORT_WINDOW,
    ),
    "honos_variazione": (
        "Punteggio totale HoNOS (da 0 a 48, più basso è meglio) in media all'avvio (T0) e a 12 mesi "
        "(T12), e la variazione media: un numero negativo indica un miglioramento.",
        "Persone con il punteggio HoNOS completo sia a T0 sia a T12 (almeno {k}).",
        COHORT_WINDOW,
    ),
    "ricoveri": (
        "Persone con almeno un ricovero, ricoveri ogni 10 anni-persona e giornate di ricovero per "
        "anno-persona, nei 12 mesi prima dell'avvio del progetto e dall'avvio in poi.",
        "Persone attive nel trimestre; il tempo di ciascuna (anni-persona) è il denominatore dei tassi.",
        "12 mesi prima dell'avvio di ogni progetto; dall'avvio fino al {end} o alla chiusura.",
    ),
    "spesa_per_fonte": (
        "Spesa diretta del budget (euro) per fonte di finanziamento, divisa per gli anni-persona di "
        "progetto: quanto costa in media un anno di progetto.",
        "Persone con almeno una spesa registrata nel trimestre e il loro tempo di progetto nel trimestre.",
        "Spese registrate per il trimestre dal {start} al {end}.",
    ),
    "spesa_per_categoria": (
        "Spesa diretta del budget (euro) per voce di spesa, divisa per gli anni-persona di progetto.",
        "Persone con almeno una spesa registrata nel trimestre e il loro tempo di progetto nel trimestre.",
        "Spese registrate per il trimestre dal {start} al {end}.",
    ),
    "attesa": (
        "Giorni in media dalla proposta del progetto al suo avvio.",
        "Persone entrate nel trimestre con la data della proposta (almeno {k} per mostrare la media).",
        "Progetti avviati dal {start} al {end}.",
    ),
    "attesa_adolescenti": (
        "Giorni in media dal primo contatto con il servizio all'avvio del progetto personale e alla prima "
        "visita specialistica, per servizio.",
        "Persone entrate nel trimestre con la data del primo contatto (per la visita: anche con la data "
        "della visita); almeno {k} per mostrare la media.",
        "Progetti avviati dal {start} al {end}.",
    ),
}

# why a figure is hidden, one clause each (the headline and the tables' notes use them)
REASONS = {
    "primary": "«<{k}» indica un gruppo da 1 a {km1} persone, troppo piccolo per mostrarne il numero",
    "secondary": "un trattino (—) nasconde un numero da cui si potrebbe ricavare per differenza un "
    "gruppo più piccolo di {k} persone",
    "group": "un trattino (—) nasconde numeri che rivelerebbero che (quasi) tutto un gruppo è nella "
    "stessa situazione",
    "ledger": "un trattino (—) nasconde un dato che era già nascosto in un trimestre consegnato e "
    "resta nascosto",
    "blank": "un trattino (—) nasconde anche un «<{k}», perché non restava altro da nascondere per "
    "proteggere un gruppo piccolo",
    "n<k": "un trattino (—) al posto di una media, un tasso o una percentuale vuol dire che è calcolata su "
    "meno di {k} persone o su un numero nascosto",
    "dominance": "un trattino (—) al posto di un tasso o di una spesa vuol dire che una o due persone "
    "pesano da sole quasi tutto il totale",
}

REASON_SHORT = {
    "primary": "perché riguarda meno di {k} persone",
    "secondary": "perché da questo numero si potrebbe ricavare per differenza un gruppo piccolo",
    "group": "perché rivelerebbe la situazione di (quasi) tutto un gruppo",
    "ledger": "perché era già nascosto in un rapporto consegnato",
    "blank": "per proteggere un gruppo piccolo",
    "n<k": "perché calcolato su meno di {k} persone o su un numero nascosto",
    "dominance": "perché una o due persone pesano quasi tutto il totale",
}

REASON_ORDER = ("primary", "secondary", "group", "ledger", "blank", "n<k", "dominance")


def hidden_sentence(reasons: dict[str, int], k: int) -> str:
    """One plain sentence saying why the hidden cells of a table are hidden."""
    total = sum(reasons.values())
    clauses = [REASONS[r].format(k=k, km1=k - 1) for r in REASON_ORDER if reasons.get(r)]
    clauses += [
        "un trattino (—) nasconde un dato per proteggere le persone"
        for r in sorted(reasons)
        if r not in REASONS and reasons[r]
    ][:1]
    one = "1 dato è nascosto" if total == 1 else f"{total} dati sono nascosti"
    return f"In questa tabella {one} per proteggere le persone: " + "; ".join(clauses) + "."


def reason_short(reason: str, k: int) -> str:
    return REASON_SHORT.get(reason, "per proteggere le persone").format(k=k)


GLOSSARY = [
    (
        "Persone attive",
        "Persone con un progetto aperto almeno un giorno nel trimestre. Ogni persona conta una volta.",
    ),
    ("Ingressi e uscite", "Persone che hanno avviato o chiuso un progetto nel trimestre."),
    (
        "T0, T6, T12",
        "Le valutazioni di ogni progetto: T0 all'avvio, T6 dopo 6 mesi, T12 dopo 12 mesi (e così via).",
    ),
    (
        "HoNOS",
        "Health of the Nation Outcome Scales: 12 domande compilate dall'operatore sulle ultime due "
        "settimane, ognuna da 0 a 4; il totale va da 0 a 48 e più è basso meglio sta la persona.",
    ),
    (
        "Coorte (anno di ingresso)",
        "Le persone entrate nel programma, con il loro primo progetto, nello stesso anno. Gli esiti a 12 "
        "mesi si confrontano per coorte.",
    ),
    (
        "Anni-persona",
        "Il tempo passato nel progetto, sommato su tutte le persone: 4 persone per 3 mesi fanno un "
        "anno-persona. Serve a confrontare tassi e spese di gruppi seguiti per tempi diversi.",
    ),
    (
        "Spesa per anno-persona",
        "La spesa diretta del budget divisa per gli anni-persona: quanto costa in media un anno di "
        "progetto per una persona.",
    ),
    (
        "Soglia di riservatezza",
        "Il numero minimo di persone ({k}) sotto il quale un gruppo non si mostra: si scrive «<{k}».",
    ),
    (
        "«<{k}»",
        "Un gruppo da 1 a {km1} persone: il numero esatto non si mostra perché qualcuno potrebbe "
        "riconoscere chi c'è dietro.",
    ),
    (
        "Celle nascoste (—)",
        "Dati non mostrati per proteggere le persone: gruppi troppo piccoli, numeri da cui si potrebbe "
        "ricavarli per differenza, o dati già nascosti in un trimestre precedente.",
    ),
    (
        "Arrotondamento a 5",
        "Ogni conteggio di almeno {k} persone è arrotondato al multiplo di 5 più vicino; i totali sono "
        "arrotondati a parte, quindi la somma delle righe può differire dal totale.",
    ),
    (
        "Attesa",
        "I giorni tra la proposta del progetto (o il primo contatto con il servizio) e il suo avvio.",
    ),
]
