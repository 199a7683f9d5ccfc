"""The registry of outcome-data problems: stable codes, Italian titles and message templates.

Templates only take positions, field titles and allowed values from the schema,
never a cell's content: the data are about people's health.

The codes are `findings.Code` entries (every one an error) and share one namespace with the content
codes: `bds codes` and the site list both registries (`bds/catalogue.py`), and a test keeps every code
unique across them. Each section sets the group (`_g`) and the command that reports it (`_cmd`).
"""
# messages: pending (167 texts to move into data/messages/it.yml)

from __future__ import annotations

from ..findings import ERROR, Code

_CODES: list[Code] = []


def _code(code: str, title: str, template: str, hint: str) -> None:
    _CODES.append(Code(code, ERROR, title, template, hint, _g, _cmd))


# -- the folder and its files ---------------------------------------------------------------------
_g, _cmd = "Cartella e tabelle degli esiti", "outcomes validate"
_code(
    "DIR_IN_REPOSITORY",
    "Dati dentro il repository",
    "la cartella dei dati è dentro il repository ({why}): i dati delle persone non devono mai entrarci.",
    "Sposta i dati fuori dal repository, oppure in private/ che è esclusa da git.",
)
_code(
    "TABLE_MISSING",
    "Tabella mancante",
    "manca il file {file}.",
    "Parti dai modelli in schemas/outcomes/templates/ e salva ogni tabella come CSV con quel nome.",
)
_code(
    "TABLE_UNREADABLE",
    "File non leggibile",
    "il file non si può leggere come CSV in UTF-8.",
    "Salva il foglio come «CSV UTF-8 (delimitato da virgole)».",
)
_code(
    "HEADER_MISSING",
    "Colonna mancante",
    "manca la colonna «{title}» ({field}).",
    "Copia l'intestazione dal modello in schemas/outcomes/templates/.",
)
_code(
    "HEADER_EXTRA",
    "Colonna non prevista",
    "la colonna numero {position} non è prevista dal modello.",
    "Togli la colonna: il pacchetto contiene solo i campi del modello.",
)
_code(
    "HEADER_WRONG",
    "Intestazione diversa dal modello",
    "la colonna numero {position} dovrebbe chiamarsi «{field}».",
    "Copia l'intestazione dal modello, nello stesso ordine.",
)
_code(
    "IDENTIFIER_COLUMN",
    "Colonna con dati che identificano la persona",
    "la colonna numero {position} sembra contenere dati che identificano la persona (nome, codice fiscale, "
    "contatti o indirizzo).",
    "Togli la colonna: il pacchetto usa solo il codice casuale della persona.",
)
_code(
    "IDENTIFIER_VALUE",
    "Dato che identifica la persona",
    "il valore ha la forma di {shape}: qui non devono esserci dati che identificano la persona.",
    "Sostituisci il valore con quello previsto (per i codici: un UUID casuale).",
)
_code("ROW_BLANK", "Riga vuota", "la riga è vuota.", "Cancella la riga.")
_code(
    "ROW_EXTRA_CELL",
    "Cella in più",
    "la riga ha più celle dell'intestazione.",
    "Controlla i separatori: una virgola dentro un testo va racchiusa tra virgolette.",
)
_code(
    "ROW_MISSING_CELL",
    "Cella mancante",
    "la riga ha meno celle dell'intestazione.",
    "Completa la riga o controlla i separatori.",
)
# -- one cell ------------------------------------------------------------------------------------
_g, _cmd = "Celle degli esiti", "outcomes validate"
_code(
    "CELL_REQUIRED",
    "Valore obbligatorio mancante",
    "«{title}» è obbligatorio.",
    "Compila la cella; la guida dei campi spiega come.",
)
_code(
    "CELL_TYPE",
    "Tipo di valore sbagliato",
    "«{title}» deve essere {expected}.",
    "Correggi il valore seguendo la guida dei campi.",
)
_code(
    "CELL_ENUM",
    "Valore non previsto",
    "«{title}» ammette solo: {allowed}.",
    "Scegli uno dei valori elencati, scritto esattamente così.",
)
_code(
    "CELL_PATTERN",
    "Formato non valido",
    "«{title}» non ha il formato atteso: {expected}.",
    "Correggi il valore seguendo la guida dei campi.",
)
_code("CELL_RANGE", "Valore fuori intervallo", "«{title}» deve essere {expected}.", "Correggi il valore.")
_code(
    "CELL_UNIQUE",
    "Valore ripetuto",
    "«{title}» compare già in un'altra riga: deve essere unico.",
    "Ogni codice si usa una sola volta.",
)
_code(
    "KEY_DUPLICATE",
    "Riga ripetuta",
    "la stessa combinazione di {fields} compare già in un'altra riga.",
    "Unisci le due righe o correggi una delle due.",
)
_code(
    "KEY_UNKNOWN",
    "Riferimento sconosciuto",
    "«{title}» non corrisponde a nessuna riga della tabella {other}.",
    "Controlla il codice, oppure aggiungi prima la riga che manca nell'altra tabella.",
)
_code("CELL_INVALID", "Valore non valido", "«{title}» non è valido.", "Correggi il valore.")
# -- rules across cells and tables ---------------------------------------------------------------
_g, _cmd = "Coerenza dei dati degli esiti", "outcomes validate"
_code(
    "BENEFICIARY_ZONE_UNKNOWN",
    "Zona sconosciuta",
    "«{title}» non è una zona del territorio né «fuori-territorio».",
    "Usa un id di zona di content/territory.yml.",
)
_code(
    "BENEFICIARY_SERVICE_UNKNOWN",
    "Servizio sanitario sconosciuto",
    "«{title}» non è un servizio del territorio.",
    "Usa un id di health_services di content/territory.yml.",
)
_code(
    "PROJECT_DATE_ORDER",
    "Date in ordine sbagliato",
    "«{title}» viene prima di «{other}».",
    "Correggi una delle due date.",
)
_code(
    "END_MISSING",
    "Data di chiusura mancante",
    "un progetto chiuso deve avere la data di chiusura.",
    "Compila end_date, oppure cambia lo stato.",
)
_code(
    "END_ON_OPEN_PROJECT",
    "Chiusura su un progetto aperto",
    "un progetto in corso o sospeso non ha data né motivo di chiusura.",
    "Togli end_date e closure_reason, oppure imposta status a closed.",
)
_code(
    "REASON_MISSING",
    "Motivo di chiusura mancante",
    "un progetto chiuso deve avere il motivo di chiusura.",
    "Compila closure_reason.",
)
_code(
    "PROJECTS_OVERLAP",
    "Progetti sovrapposti",
    "la persona ha un altro progetto nello stesso periodo.",
    "Una persona ha un solo progetto alla volta: chiudi il precedente o correggi le date.",
)
_code(
    "ASSESSMENT_OUTSIDE_PROJECT",
    "Valutazione fuori dal progetto",
    "la data della valutazione cade fuori dalle date del progetto.",
    "La valutazione va fatta tra l'avvio e la chiusura del progetto.",
)
_code(
    "TIMEPOINT_ORDER",
    "Valutazioni in ordine sbagliato",
    "la valutazione {time_point} ha una data precedente a quella di {previous}.",
    "Controlla le date: T0, T6, T12, T24 e chiusura vengono in quest'ordine.",
)
_code(
    "TIMEPOINT_CLOSURE_OPEN",
    "Valutazione di chiusura su un progetto aperto",
    "c'è una valutazione di chiusura ma il progetto non è chiuso.",
    "Chiudi il progetto o cambia il momento della valutazione.",
)
_code(
    "HONOS_TOTAL_WITH_UNKNOWN",
    "Totale HoNOS con item non noti",
    "il totale HoNOS va lasciato vuoto quando un item vale 9 (non noto).",
    "Svuota honos_total.",
)
_code(
    "HONOS_TOTAL_MISMATCH",
    "Totale HoNOS sbagliato",
    "il totale HoNOS non è la somma dei 12 item.",
    "Ricalcola la somma o lascia vuoto il totale: il kit lo calcola da sé.",
)
_code(
    "ADMISSION_ORDER",
    "Date del ricovero in ordine sbagliato",
    "la dimissione viene prima dell'ingresso.",
    "Correggi una delle due date.",
)
_code(
    "COST_OUTSIDE_PROJECT",
    "Spesa fuori dal progetto",
    "il trimestre della spesa cade fuori dalle date del progetto.",
    "Controlla il trimestre o le date del progetto.",
)
_code(
    "BIRTH_AFTER_START",
    "Anno di nascita incoerente",
    "la persona avrebbe meno di 16 anni all'avvio del progetto.",
    "Controlla l'anno di nascita.",
)

# -- hardening: reading the files, the repository guard, the ledger, the outputs (issue 10) ---------
_g, _cmd = "Lettura sicura dei dati degli esiti", "outcomes validate"
_code(
    "TABLE_NOT_REGULAR",
    "Non è un file normale",
    "{file} {why}: il kit legge solo file normali e non segue i collegamenti.",
    "Metti nella cartella una copia vera del file (non un collegamento, non una cartella).",
)
_code(
    "TABLE_TOO_LARGE",
    "File troppo grande",
    "il file supera il limite di {limit}.",
    "Controlla di aver salvato la tabella giusta; un programma di Budget di Salute resta molto sotto "
    "questo limite.",
)
_code(
    "TABLE_NOT_UTF8",
    "Testo non in UTF-8",
    "da qui il testo non è in UTF-8 (byte {offset} del file): il kit non indovina la codifica.",
    "Salva il foglio come «CSV UTF-8 (delimitato da virgole)»: con un'altra codifica le lettere accentate "
    "si rovinano.",
)
_code(
    "CELL_NUL",
    "Carattere nullo",
    "la cella contiene un carattere nullo (NUL), che in un CSV non ci può essere.",
    "Di solito il file è salvato in UTF-16 o è rovinato: salvalo di nuovo come «CSV UTF-8».",
)
_code(
    "CELL_TOO_LONG",
    "Cella troppo lunga",
    "la cella ha più di {limit} caratteri: nessun campo del modello è così lungo.",
    "Controlla le virgolette: una virgoletta non chiusa o un testo incollato uniscono molte celle in una.",
)
_code(
    "GIT_MISSING",
    "Git non disponibile",
    "la cartella è dentro il repository in {repo}, ma il programma git non si trova: non posso "
    "verificare che i dati restino fuori da git, quindi mi fermo.",
    "Installa git (o aggiungilo al PATH), oppure sposta i dati fuori da qualunque repository.",
)
_code(
    "GIT_REFUSED",
    "Repository di un altro utente",
    "git non accetta di leggere il repository in {repo} (appartiene a un altro utente): non posso "
    "verificare che i dati restino fuori da git, quindi mi fermo.",
    "Lavora con l'utente a cui appartiene il repository, oppure sposta i dati fuori da qualunque repository.",
)
_code(
    "GIT_FAILED",
    "Repository non leggibile",
    "git non riesce a leggere il repository in {repo}: non posso verificare che i dati restino fuori da "
    "git, quindi mi fermo.",
    "Controlla il repository con «git status», oppure sposta i dati fuori da qualunque repository.",
)
_g, _cmd = "Registro delle pubblicazioni e file scritti", "report"
_code(
    "LEDGER_UNREADABLE",
    "Registro delle pubblicazioni non leggibile",
    "il registro delle pubblicazioni non si può leggere ({why}).",
    "Ripristina ledger.json da una copia: senza registro i dati nascosti delle pubblicazioni precedenti "
    "non sono più protetti.",
)
_code(
    "LEDGER_INVALID",
    "Registro delle pubblicazioni non valido",
    "il registro delle pubblicazioni non è valido in «{where}»: {problem}.",
    "Ripristina ledger.json da una copia; il registro lo scrive solo bds report, non va modificato a mano.",
)
_code(
    "OUTPUT_NOT_WRITABLE",
    "Cartella di uscita non scrivibile",
    "non si può scrivere qui: {why}.",
    "Scegli con --out (o --ledger) una cartella in cui hai il permesso di scrivere.",
)

# -- workbooks: bds outcomes template and bds outcomes import (issue 16) ------------------------------
_g, _cmd = "Fogli di calcolo degli esiti", "outcomes import"
_code(
    "WORKBOOK_IN_REPOSITORY",
    "Foglio compilato dentro il repository",
    "il foglio compilato è dentro il repository e {why}: i dati delle persone non devono mai entrarci.",
    "Sposta il file fuori dal repository, oppure in private/ che è esclusa da git.",
)
_code(
    "WORKBOOK_SHEET_MISSING",
    "Foglio mancante",
    "manca il foglio «{sheet}».",
    "Parti dal modello di «bds outcomes template»: ha un foglio per tabella, anche se resta vuoto.",
)
_code(
    "WORKBOOK_SHEET_UNKNOWN",
    "Foglio non previsto",
    "il foglio numero {position} non è previsto dal modello.",
    "Togli il foglio (appunti e elenchi di lavoro restano in un altro file, mai insieme ai dati).",
)
_code(
    "WORKBOOK_SHEET_TWICE",
    "Foglio ripetuto",
    "c'è più di un foglio «{sheet}».",
    "Copia le righe in un solo foglio e cancella l'altro.",
)
_code(
    "WORKBOOK_HEADER_TWICE",
    "Colonna ripetuta",
    "la colonna «{title}» compare due volte.",
    "Tieni una sola colonna con questa intestazione.",
)
_code(
    "WORKBOOK_KEY_ACROSS",
    "Riga presente in due file",
    "la stessa combinazione di {fields} compare anche in {other}, foglio «{other_sheet}», riga {other_row}.",
    "Ogni codice si usa in un solo file: togli la riga da uno dei due, o correggi il codice.",
)

REGISTRY: dict[str, Code] = {c.code: c for c in _CODES}


def message(code: str, **values: object) -> str:
    """`[CODE] message` for errors that stop a command (not located in a table)."""
    return f"[{code}] " + REGISTRY[code].template.format(**values)
