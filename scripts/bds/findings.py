"""Findings as data, and the single registry of their codes.

Every problem the kit can report has a stable code, a severity, an Italian title,
an Italian message template and a hint on how to fix it. Tests compare codes and
positions; the catalogue page of the site is generated from `REGISTRY`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"

SEVERITY_LABEL = {ERROR: "errore", WARNING: "avviso"}


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    title: str
    template: str
    hint: str
    group: str


_CODES: list[Code] = []


def _code(group: str, code: str, severity: str, title: str, template: str, hint: str) -> None:
    _CODES.append(Code(code, severity, title, template, hint, group))


# -- The file itself -------------------------------------------------------------------------------
_g = "File e sintassi YAML"
_code(
    _g,
    "FILE_UNREADABLE",
    ERROR,
    "File non leggibile",
    "il file non si può leggere ({reason}).",
    "Controlla che il file esista e che tu abbia i permessi per leggerlo.",
)
_code(
    _g,
    "FILE_TOO_LARGE",
    ERROR,
    "File troppo grande",
    "il file pesa {size} KB, oltre il limite di {limit} KB.",
    "Una scheda è un testo breve: accorcia la descrizione o dividi il contenuto in più schede.",
)
_code(
    _g,
    "FILE_NOT_UTF8",
    ERROR,
    "Codifica non UTF-8",
    "il file non è in UTF-8 (byte non valido alla posizione {offset}).",
    "Salva il file con codifica UTF-8 (in quasi tutti gli editor: «Salva con codifica» → UTF-8).",
)
_code(
    _g,
    "FILE_EMPTY",
    ERROR,
    "File vuoto",
    "il file è vuoto.",
    "Parti dal modello in schemas/ e compila almeno i campi obbligatori.",
)
_code(
    _g,
    "FILE_NAME_INVALID",
    ERROR,
    "Nome del file non valido",
    "il nome del file «{name}» non va bene: usa solo lettere minuscole, cifre e trattini, "
    "con estensione .yml.",
    "Rinomina il file, per esempio corso-di-cucina-2026.yml, e usa lo stesso valore nel campo id.",
)
_code(
    _g,
    "YAML_SYNTAX",
    ERROR,
    "Errore di sintassi YAML",
    "la sintassi YAML non è valida: {problem}.",
    "Controlla i due punti dopo ogni nome di campo, il rientro con spazi e le virgolette chiuse.",
)
_code(
    _g,
    "YAML_TAB",
    ERROR,
    "Tabulazione nel rientro",
    "il rientro usa un carattere di tabulazione.",
    "In YAML il rientro si fa solo con spazi: sostituisci la tabulazione con due spazi.",
)
_code(
    _g,
    "YAML_DUPLICATE_KEY",
    ERROR,
    "Campo ripetuto",
    "il campo «{key}» compare due volte (la prima alla riga {first_line}).",
    "Tieni una sola volta il campo e unisci i valori.",
)
_code(
    _g,
    "YAML_MULTIPLE_DOCUMENTS",
    ERROR,
    "Più documenti nello stesso file",
    "il file contiene più di un documento YAML (separatore «---»).",
    "Ogni file descrive una sola scheda: sposta le altre in file separati.",
)
_code(
    _g,
    "YAML_NOT_MAPPING",
    ERROR,
    "La scheda non è un elenco di campi",
    "il file deve contenere un elenco di campi «nome: valore», non {found}.",
    "Parti dal modello in schemas/: ogni riga principale è «campo: valore».",
)
_code(
    _g,
    "YAML_TAG",
    ERROR,
    "Etichetta YAML non ammessa",
    "l'etichetta YAML «{tag}» non è ammessa.",
    "Togli l'etichetta che inizia con «!»: scrivi solo il valore, tra virgolette se è un testo.",
)
_code(
    _g,
    "YAML_ALIAS",
    ERROR,
    "Riferimento YAML non ammesso",
    "ancore e riferimenti YAML («&» e «*») non sono ammessi.",
    "Scrivi il valore per intero dove serve.",
)
_code(
    _g,
    "YAML_TOO_DEEP",
    ERROR,
    "Troppi livelli annidati",
    "il file ha più di {limit} livelli di elenchi o gruppi uno dentro l'altro.",
    "Una scheda ha pochi livelli: controlla parentesi quadre e graffe e il rientro delle righe.",
)
_code(
    _g,
    "YAML_AMBIGUOUS_BOOLEAN",
    ERROR,
    "Valore sì/no ambiguo",
    "il valore «{value}» viene letto come vero/falso.",
    'Se è un testo mettilo tra virgolette ("{value}"); se è un sì/no scrivi true o false.',
)
_code(
    _g,
    "YAML_KEY_NOT_TEXT",
    ERROR,
    "Nome di campo non valido",
    "il nome di campo «{key}» non è un testo.",
    "I nomi dei campi sono parole come title o summary, scritte senza virgolette.",
)
_code(
    _g,
    "FRONT_MATTER_MISSING",
    ERROR,
    "Intestazione della guida mancante",
    "la guida deve iniziare con un'intestazione YAML tra due righe «---».",
    "Aggiungi in cima: ---, title, summary, audience, reviewed, ---.",
)

# -- One record against its schema ------------------------------------------------------------------
_g = "Campi della scheda"
_code(
    _g,
    "FIELD_REQUIRED",
    ERROR,
    "Campo obbligatorio mancante",
    "manca il campo obbligatorio «{title}» ({name}).",
    "Aggiungi il campo: il modello in schemas/ mostra come compilarlo.",
)
_code(
    _g,
    "FIELD_UNKNOWN",
    ERROR,
    "Campo sconosciuto",
    "il campo «{name}» non esiste in questo tipo di scheda.",
    "Controlla l'ortografia del nome del campo o toglilo; i campi ammessi sono nel modello in schemas/.",
)
_code(
    _g,
    "FIELD_TYPE",
    ERROR,
    "Tipo di valore sbagliato",
    "«{title}» deve essere {expected}.",
    "Correggi il valore; i numeri di telefono e i codici vanno tra virgolette.",
)
_code(
    _g,
    "VALUE_NOT_ALLOWED",
    ERROR,
    "Valore non previsto",
    "«{title}» non ammette questo valore; valori possibili: {allowed}.",
    "Scegli uno dei valori elencati, scritto esattamente così.",
)
_code(
    _g,
    "VALUE_FORMAT",
    ERROR,
    "Formato non valido",
    "«{title}» non ha il formato atteso: {expected}.",
    "Correggi il valore seguendo l'esempio nella descrizione del campo.",
)
_code(
    _g,
    "DATE_INVALID",
    ERROR,
    "Data non valida",
    "«{title}» non è una data valida: scrivila come AAAA-MM-GG, per esempio 2026-09-15.",
    "Controlla che il giorno esista nel mese (il 30 febbraio non esiste).",
)
_code(
    _g,
    "URL_SCHEME",
    ERROR,
    "Indirizzo web non ammesso",
    "«{title}» contiene un indirizzo non ammesso: sono ammessi solo https://, http://, mailto: e tel:.",
    "Usa l'indirizzo completo della pagina, che inizia con https://.",
)
_code(
    _g,
    "ID_FORMAT",
    ERROR,
    "Identificativo non valido",
    "«{title}» può contenere solo lettere minuscole senza accenti, cifre e trattini.",
    "Per esempio: laboratorio-teatro-niguarda.",
)
_code(
    _g,
    "VALUE_TOO_SHORT",
    ERROR,
    "Valore troppo corto",
    "«{title}» è troppo corto o vuoto ({detail}).",
    "Completa il campo.",
)
_code(
    _g,
    "VALUE_TOO_LONG",
    ERROR,
    "Valore troppo lungo",
    "«{title}» è troppo lungo ({detail}).",
    "Accorcia il testo: le persone leggono spesso dal telefono.",
)
_code(
    _g,
    "VALUE_OUT_OF_RANGE",
    ERROR,
    "Numero fuori intervallo",
    "«{title}» deve essere {detail}.",
    "Correggi il numero.",
)
_code(
    _g,
    "VALUE_REPEATED",
    ERROR,
    "Valore ripetuto nell'elenco",
    "«{title}» contiene lo stesso valore più volte.",
    "Togli i doppioni.",
)
_code(
    _g,
    "VALUE_INVALID",
    ERROR,
    "Valore non valido",
    "«{title}» non è valido: {detail}.",
    "Confronta il campo con il modello in schemas/.",
)
_code(
    _g,
    "HTML_NOT_ALLOWED",
    ERROR,
    "HTML non ammesso",
    "«{title}» contiene codice HTML o script.",
    "Scrivi testo semplice; per grassetto ed elenchi usa Markdown (**testo**, - voce).",
)

# -- Rules across records ----------------------------------------------------------------------------
_g = "Coerenza tra schede"
_code(
    _g,
    "ID_MISMATCH",
    ERROR,
    "Identificativo diverso dal nome del file",
    "l'identificativo «{value}» non corrisponde al nome del file «{expected}».",
    "Usa lo stesso valore nel campo id e nel nome del file (senza .yml).",
)
_code(
    _g,
    "ID_DUPLICATE",
    ERROR,
    "Identificativo già usato",
    "l'identificativo «{value}» è già usato in {other}.",
    "Scegli un identificativo diverso.",
)
_code(
    _g,
    "PARTNER_UNKNOWN",
    ERROR,
    "Ente sconosciuto",
    "l'ente «{value}» non è nell'elenco degli enti (content/partners/).",
    "Usa l'id di un ente esistente o aggiungi prima la scheda dell'ente.",
)
_code(
    _g,
    "ZONE_UNKNOWN",
    ERROR,
    "Zona sconosciuta",
    "la zona «{value}» non è tra le zone del territorio; zone possibili: {allowed}.",
    "Usa uno degli id di zona elencati in content/territory.yml.",
)
_code(
    _g,
    "NETWORK_UNKNOWN",
    ERROR,
    "Rete sconosciuta",
    "la rete «{value}» non è tra le reti del territorio; reti possibili: {allowed}.",
    "Usa uno degli id di rete elencati in content/territory.yml (networks).",
)
_code(
    _g,
    "SERVICE_UNKNOWN",
    ERROR,
    "Servizio sanitario sconosciuto",
    "il servizio «{value}» non è tra i servizi del territorio.",
    "Usa l'id di un servizio elencato in content/territory.yml.",
)
_code(
    _g,
    "DATE_ORDER",
    ERROR,
    "Date in ordine sbagliato",
    "la data di fine ({end}) è precedente alla data di inizio ({start}).",
    "Correggi una delle due date.",
)
_code(
    _g,
    "DEADLINE_AFTER_END",
    ERROR,
    "Scadenza dopo la fine",
    "la scadenza per iscriversi ({deadline}) è successiva alla data di fine ({end}).",
    "La scadenza deve cadere entro la fine dell'opportunità.",
)
_code(
    _g,
    "HOUSING_ADDRESS_PUBLIC",
    ERROR,
    "Indirizzo di una casa reso pubblico",
    "per le opportunità abitative il luogo deve avere visibility: zone-only.",
    "Gli indirizzi delle case non si pubblicano mai: imposta visibility: zone-only.",
)
_code(
    _g,
    "CONTACT_MISSING",
    ERROR,
    "Nessun contatto",
    "serve almeno un contatto: email, telefono o sito.",
    "Aggiungi in contact almeno email, phone o url.",
)
_code(
    _g,
    "STIPEND_NOT_INTERNSHIP",
    ERROR,
    "Indennità fuori posto",
    "l'indennità (stipend) vale solo per i tirocini (kind: internship).",
    "Togli stipend o correggi il tipo di opportunità.",
)
_code(
    _g,
    "GLOSSARY_DUPLICATE",
    ERROR,
    "Voce di glossario ripetuta",
    "la voce «{value}» compare già nel glossario.",
    "Unisci le due definizioni.",
)

# -- Warnings ----------------------------------------------------------------------------------------
_g = "Avvisi"
_code(
    _g,
    "LISTING_EXPIRED",
    WARNING,
    "Opportunità scaduta",
    "la data «{title}» ({date}) è passata: l'opportunità esce dal catalogo.",
    "Aggiorna le date se l'opportunità continua, oppure archiviala (status: closed).",
)
_code(
    _g,
    "REVIEW_STALE",
    WARNING,
    "Da verificare",
    "l'ultima verifica è del {date}, più di {days} giorni fa.",
    "Chiedi all'ente di confermare i dati e aggiorna il campo reviewed.",
)
_code(
    _g,
    "SUMMARY_HARD_TO_READ",
    WARNING,
    "Sintesi difficile da leggere",
    "la sintesi ha un indice Gulpease di {score} (sotto 60 è difficile per molte persone).",
    "Usa frasi brevi e parole comuni; una sola frase semplice basta.",
)
_code(
    _g,
    "WORDING_STIGMATISING",
    WARNING,
    "Linguaggio che stigmatizza",
    "«{found}» può ferire: meglio «{suggestion}».",
    "Metti la persona prima della diagnosi (linguaggio «person-first»).",
)

# -- Hardening: protected places (issue 10; add codes of this class below) --


# -- Hardening: text hygiene and dates (issue 10; add codes of this class below) --
_g = "Testo e date"
_HIDDEN_HINT = (
    "Cancella il carattere: di solito arriva copiando il testo da un altro programma. "
    "Se non lo vedi nell'editor, riscrivi a mano la parola alla riga e colonna indicate."
)
_code(
    _g,
    "TEXT_BIDI_CONTROL",
    ERROR,
    "Carattere che inverte la direzione del testo",
    "il testo contiene il carattere invisibile {char}, che mostra le parole in un ordine diverso da "
    "quello scritto.",
    _HIDDEN_HINT + " I segni di direzione sono ammessi solo in una riga scritta in arabo o in ebraico.",
)
_code(
    _g,
    "TEXT_INVISIBLE_CHAR",
    ERROR,
    "Carattere invisibile nel testo",
    "il testo contiene il carattere invisibile {char}: non si vede, ma spezza le parole per la ricerca "
    "e per i controlli.",
    _HIDDEN_HINT,
)
_code(
    _g,
    "TEXT_CONTROL_CHAR",
    ERROR,
    "Carattere di controllo nel testo",
    "il testo contiene il carattere di controllo {char}, che non è testo.",
    _HIDDEN_HINT + " Sono ammessi solo l'a capo e la tabulazione.",
)
_code(
    _g,
    "TEXT_NONCHARACTER",
    ERROR,
    "Carattere non valido",
    "il testo contiene {char}, che non è un carattere valido.",
    _HIDDEN_HINT,
)
_code(
    _g,
    "TEXT_LINE_SEPARATOR",
    ERROR,
    "Separatore di riga non ammesso",
    "il testo contiene {char}: alcuni programmi lo leggono come a capo, altri no.",
    "Sostituiscilo con un normale a capo (tasto Invio) o con uno spazio.",
)
_code(
    _g,
    "PARTNER_NAME_DUPLICATE",
    WARNING,
    "Nome dell'ente ripetuto",
    "il nome «{name}» è lo stesso dell'ente in {other}.",
    "Se è lo stesso ente, tieni una sola scheda; se sono due enti diversi, rendi i nomi distinguibili.",
)
_code(
    _g,
    "PARTNER_NAME_CONFUSABLE",
    WARNING,
    "Nome dell'ente che sembra un altro",
    "il nome «{name}» si legge come quello dell'ente in {other}, ma è scritto con lettere diverse.",
    "Controlla che non sia una copia ingannevole: riscrivi il nome a mano con la tastiera italiana.",
)
_code(
    _g,
    "PARTNER_NAME_MIXED_SCRIPT",
    WARNING,
    "Nome dell'ente con alfabeti mescolati",
    "nella parola «{word}» ci sono lettere latine insieme a lettere di un altro alfabeto "
    "(per esempio cirillico o greco) che sembrano uguali.",
    "Riscrivi la parola a mano con la tastiera italiana.",
)
_code(
    _g,
    "DATE_TOO_EARLY",
    ERROR,
    "Data troppo lontana nel passato",
    "la data «{title}» ({date}) è prima del {limit}.",
    "Controlla l'anno: probabilmente è un errore di battitura.",
)
_code(
    _g,
    "DATE_TOO_FAR",
    ERROR,
    "Data troppo lontana nel futuro",
    "la data «{title}» ({date}) è più di {years} anni dopo oggi (il limite è il {limit}).",
    "Controlla l'anno: probabilmente è un errore di battitura. Per un'attività senza fine lascia la "
    "data vuota.",
)
_code(
    _g,
    "REVIEWED_IN_FUTURE",
    ERROR,
    "Verifica con una data futura",
    "la data dell'ultima verifica ({date}) è dopo oggi ({today}).",
    "Scrivi il giorno in cui l'ente ha davvero confermato i dati: oggi o un giorno passato.",
)
_code(
    _g,
    "IMAGE_NOT_LOCAL",
    ERROR,
    "Immagine da un altro sito",
    "l'immagine «{src}» non è un file della guida: il browser la chiederebbe a un altro sito.",
    "Salva l'immagine in content/guides/img/ e scrivi un indirizzo relativo, per esempio img/foto.png "
    "(senza «/», «\\» o «http» all'inizio).",
)
_code(
    _g,
    "MARKDOWN_TOO_DEEP",
    ERROR,
    "Elenchi o citazioni annidati troppo",
    "il testo ha {depth} livelli di elenchi, citazioni o rientri uno dentro l'altro (al massimo {limit}).",
    "Semplifica la struttura: pochi livelli di elenco si leggono meglio.",
)
_code(
    _g,
    "MARKDOWN_BLOCK_TOO_LONG",
    ERROR,
    "Paragrafo troppo lungo",
    "un paragrafo del testo è lungo {length} caratteri (al massimo {limit}).",
    "Dividi il testo in paragrafi più brevi, lasciando una riga vuota tra l'uno e l'altro.",
)


# -- Hardening: files, folders and configuration (issue 10; add codes of this class below) --


# -- Hardening: import, intake and spreadsheets (issue 10; add codes of this class below) --


REGISTRY: dict[str, Code] = {c.code: c for c in _CODES}


@dataclass(frozen=True)
class Finding:
    """One problem found in one file, located like a compiler error."""

    file: str
    line: int
    column: int
    field: str
    code: str
    message: str
    severity: str = ERROR
    extra: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["title"] = REGISTRY[self.code].title
        data["hint"] = REGISTRY[self.code].hint
        return data


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def make(code: str, file: str, line: int, column: int, field: str = "", **params) -> Finding:
    """Build a finding from the registry; unknown codes are a programming error."""
    entry = REGISTRY[code]
    message = entry.template.format_map(_SafeDict({k: _short(v) for k, v in params.items()}))
    field = _UNSHOWABLE.sub(lambda m: f"U+{ord(m.group(0)):04X}", field)  # a field is a key of the file
    return Finding(file, line, column, field, code, message, entry.severity)


# A value echoed in a message never carries a control, bidi or invisible character to the terminal or the
# page that shows it (an escape sequence in a YAML key would otherwise reach the terminal): shown as U+XXXX.
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def _short(value: object, limit: int = 80) -> str:
    text = _UNSHOWABLE.sub(lambda m: f"U+{ord(m.group(0)):04X}", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def catalogue_markdown() -> str:
    """The contributor-facing catalogue of codes, generated from the registry."""
    lines = [
        "# Messaggi del validatore",
        "",
        "Ogni problema trovato da `bds validate` ha un codice stabile. Gli **errori** bloccano la "
        "pubblicazione; gli **avvisi** no, ma vanno letti. Il formato di ogni riga è "
        "`file:riga:colonna: errore [CODICE] campo: messaggio`.",
        "",
    ]
    groups: dict[str, list[Code]] = {}
    for entry in _CODES:
        groups.setdefault(entry.group, []).append(entry)
    for group, entries in groups.items():
        lines += [
            f"## {group}",
            "",
            "| Codice | Gravità | Che cosa significa | Come si risolve |",
            "| --- | --- | --- | --- |",
        ]
        for e in entries:
            lines.append(f"| `{e.code}` | {SEVERITY_LABEL[e.severity]} | {e.title} | {e.hint} |")
        lines.append("")
    return "\n".join(lines)
