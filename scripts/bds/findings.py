"""Findings as data, and the single registry of their codes.

Every problem the kit can report has a stable code, a severity, an Italian title,
an Italian message template and a hint on how to fix it. Tests compare codes and
positions; the catalogue page of the site is generated from `REGISTRY`.
"""
# messages: pending (309 texts to move into data/messages/it.yml)

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as _field  # `field` is also a Finding attribute

ERROR = "error"
WARNING = "warning"

SEVERITY_LABEL = {ERROR: "errore", WARNING: "avviso"}


@dataclass(frozen=True)
class Code:
    """One registered code. The outcome-data registry (`outcomes/codes.py`) uses this class too."""

    code: str
    severity: str
    title: str
    template: str
    hint: str
    group: str
    command: str = "validate"  # the command that reports it (build and publish validate first, too)


_CODES: list[Code] = []

# The command that reports a group's codes, for `bds codes`; a group not named here is validate's.
_GROUP_COMMAND = {"Importazione, issue e fogli di calcolo": "import"}


def _code(group: str, code: str, severity: str, title: str, template: str, hint: str) -> None:
    _CODES.append(Code(code, severity, title, template, hint, group, _GROUP_COMMAND.get(group, "validate")))


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
_g = "Luoghi protetti"
_code(
    _g,
    "PROTECTED_ADDRESS_FIELD",
    ERROR,
    "Indirizzo di un luogo protetto",
    "un luogo protetto (una casa, o un luogo «solo zona») non ha l'indirizzo nella scheda: "
    "il repository è pubblico.",
    "Togli il campo address. L'indirizzo vero lo custodisce il coordinamento fuori dal repository "
    "(guida «Protezione dei dati»).",
)
_code(
    _g,
    "PROTECTED_PLACE_PUBLIC",
    ERROR,
    "Abitazione con indirizzo pubblico",
    "la scheda è sull'asse abitare e il luogo è un'abitazione («{word}»): è un luogo protetto, "
    "quindi serve visibility: zone-only.",
    "Imposta visibility: zone-only e togli l'indirizzo. Se le persone non abitano lì (per esempio una "
    "sala pubblica), chiama il luogo e il titolo con il nome della sala.",
)
_code(
    _g,
    "PROTECTED_TEXT_ADDRESS",
    ERROR,
    "Indirizzo nel testo di un luogo protetto",
    "«{title}» contiene {what}: in un luogo protetto non si scrive in nessun campo.",
    "Scrivi solo la zona o il quartiere (per esempio «zona Corvetto»). Chi ha bisogno dell'indirizzo "
    "lo riceve dall'ente o dal case manager.",
)
_code(
    _g,
    "PROTECTED_TEXT_COORDINATES",
    ERROR,
    "Coordinate di un luogo protetto",
    "«{title}» contiene {what}: con questo dato il luogo protetto si trova su una mappa.",
    "Togli le coordinate o il codice di posizione; indica solo la zona.",
)
_code(
    _g,
    "PROTECTED_TEXT_MAP_LINK",
    ERROR,
    "Mappa di un luogo protetto",
    "«{title}» contiene {what}: una mappa mostra dove si trova il luogo protetto.",
    "Togli il link (anche se accorciato); indica solo la zona.",
)
_code(
    _g,
    "PARTNER_ADDRESS_PROTECTED",
    ERROR,
    "Indirizzo dell'ente che coincide con un luogo protetto",
    "«{title}» pubblica {what}, ma {reason}.",
    "Togli l'indirizzo dalla scheda dell'ente, oppure indica un luogo protetto che non sia la sede: "
    "l'indirizzo di una casa non si pubblica mai.",
)
_code(
    _g,
    "PROTECTED_AT_PUBLIC_SEAT",
    ERROR,
    "Luogo protetto nella sede pubblica dell'ente",
    "il luogo protetto è nella sede dell'ente «{partner}», che pubblica il suo indirizzo.",
    "Togli l'indirizzo dalla scheda dell'ente o, se il luogo non è la sede, chiamalo con la sola zona.",
)

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
_g = "File, cartelle e configurazione del sito"
_code(
    _g,
    "FILE_SYMLINK",
    ERROR,
    "Collegamento simbolico",
    "il file è un collegamento simbolico: non viene seguito né letto.",
    "Metti al suo posto il file vero (una copia) oppure toglilo: si leggono solo file normali "
    "dentro il repository.",
)
_code(
    _g,
    "FILE_NOT_REGULAR",
    ERROR,
    "Non è un file normale",
    "non è un file normale ({what}): non viene letto.",
    "Al suo posto serve un file di testo normale: togli la pipe, il dispositivo o la cartella con "
    "questo nome.",
)
_code(
    _g,
    "FOLDER_SYMLINK",
    ERROR,
    "Cartella come collegamento simbolico",
    "la cartella è un collegamento simbolico: non viene seguita e le schede che contiene non vengono lette.",
    "Metti al suo posto una cartella vera con le schede dentro il repository.",
)
_code(
    _g,
    "FOLDER_NOT_FOLDER",
    ERROR,
    "File al posto di una cartella",
    "«{name}» dovrebbe essere una cartella ma non lo è ({what}): le schede non vengono cercate.",
    "Rinomina o togli il file e crea una cartella con questo nome per le schede.",
)
_code(
    _g,
    "FOLDER_UNREADABLE",
    ERROR,
    "Cartella non leggibile",
    "la cartella non si può leggere ({reason}): le schede che contiene non vengono controllate.",
    "Controlla i permessi della cartella (deve poterla leggere chi esegue bds).",
)
_code(
    _g,
    "FILE_EXTENSION",
    ERROR,
    "Estensione del file non valida",
    "«{name}» non viene letto: l'estensione dev'essere {expected}, in minuscolo e senza punti o spazi "
    "in fondo.",
    "Rinomina il file, per esempio corso-di-cucina-2026.yml (le guide: nome-della-guida.md).",
)
_code(
    _g,
    "FILE_NAME_RESERVED",
    ERROR,
    "Nome riservato su Windows",
    "il nome «{name}» è riservato su Windows (con, aux, nul, prn, com1…, lpt1…): chi usa Windows non "
    "potrebbe scaricare il repository.",
    "Rinomina il file con un nome che descriva la scheda, per esempio consulenza-legale.yml.",
)
_code(
    _g,
    "FILE_NAME_CASE_CLASH",
    ERROR,
    "Nomi che differiscono solo per maiuscole",
    "«{name}» differisce da «{other}» solo per maiuscole e minuscole: su Windows e macOS i due file "
    "sarebbero lo stesso.",
    "Tieni uno solo dei due file, oppure rinominane uno (i nomi delle schede sono in minuscolo).",
)
_code(
    _g,
    "CONFIG_SYNTAX",
    ERROR,
    "Configurazione del sito non leggibile",
    "la configurazione del sito non si legge: {problem}.",
    "Correggi mkdocs.yml alla riga indicata, oppure toglilo per usare la configurazione del kit.",
)
_code(
    _g,
    "CONFIG_EMPTY",
    ERROR,
    "Configurazione del sito vuota",
    "la configurazione del sito è vuota.",
    "Copia il mkdocs.yml del kit e cambia solo ciò che serve, oppure togli il file.",
)
_code(
    _g,
    "CONFIG_NOT_MAPPING",
    ERROR,
    "Configurazione del sito con forma sbagliata",
    "la configurazione del sito dev'essere una serie di campi «nome: valore», non {found}.",
    "Copia il mkdocs.yml del kit e cambia solo ciò che serve, oppure togli il file.",
)
_code(
    _g,
    "CONFIG_TAG",
    ERROR,
    "Tag YAML non ammesso nella configurazione",
    "il tag «{tag}» non è ammesso nella configurazione del sito: può far eseguire codice durante la "
    "costruzione.",
    "Togli il tag. Sono ammessi solo !ENV, !relative e pochi !!python/name: noti (emoji, blocchi di codice).",
)
_code(
    _g,
    "CONFIG_ALIAS",
    ERROR,
    "Riferimento YAML nella configurazione",
    "la configurazione del sito usa un riferimento «*» a un'ancora.",
    "Scrivi per esteso il valore al posto del riferimento.",
)
_code(
    _g,
    "CONFIG_THIRD_PARTY",
    ERROR,
    "La configurazione fa richieste a terzi",
    "{what} fa caricare al sito risorse da un altro sito ({host}): il sito non fa richieste a terzi.",
    "Copia il file nel repository (per esempio in scripts/bds/web/theme/assets/) e usa un percorso "
    "relativo; per i caratteri usa «font: false».",
)
_code(
    _g,
    "CONFIG_PATH_OUTSIDE",
    ERROR,
    "Percorso fuori dal progetto nella configurazione",
    "«{value}» porta fuori dal progetto e dal kit: i file del tema finiscono nel sito pubblico e i "
    "«hooks» vengono eseguiti.",
    "Usa una cartella del progetto (o del kit) con un percorso relativo al file mkdocs.yml.",
)

# -- Hardening: import, intake and spreadsheets (issue 10; add codes of this class below) --
_g = "Importazione, issue e fogli di calcolo"
_code(
    _g,
    "IMPORT_FILE_TOO_LARGE",
    ERROR,
    "Foglio di calcolo troppo grande",
    "il file pesa {size} KB, oltre il limite di {limit} KB.",
    "Dividi le righe in più file e importali uno alla volta.",
)
_code(
    _g,
    "IMPORT_TOO_MANY_ROWS",
    ERROR,
    "Troppe righe nel foglio",
    "il foglio ha più di {limit} righe.",
    "Dividi le righe in più file e importali uno alla volta; togli le righe vuote in fondo.",
)
_code(
    _g,
    "IMPORT_TOO_MANY_COLUMNS",
    ERROR,
    "Troppe colonne nel foglio",
    "il foglio ha più di {limit} colonne.",
    "Parti dal modello CSV: ha una colonna per campo. Togli le colonne in più.",
)
_code(
    _g,
    "IMPORT_XLSX_UNSAFE",
    ERROR,
    "File .xlsx non sicuro",
    "il file .xlsx non si apre: {reason}.",
    "Apri il file con il foglio di calcolo e salvalo di nuovo come .xlsx, oppure come «CSV UTF-8».",
)
_code(
    _g,
    "IMPORT_NO_SHEET",
    ERROR,
    "Nessun foglio di lavoro",
    "il file .xlsx non contiene nessun foglio di lavoro con delle celle.",
    "Salva di nuovo il file dal foglio di calcolo, con le schede nel primo foglio.",
)
_code(
    _g,
    "IMPORT_NUL_BYTE",
    ERROR,
    "Carattere nullo nel file",
    "il file contiene un carattere nullo (byte 0) alla riga {at_line}, colonna {at_column}.",
    "Spesso è un file UTF-16 senza indicazione della codifica, o un file che non è testo: "
    "salvalo di nuovo come «CSV UTF-8».",
)
_code(
    _g,
    "IMPORT_NOT_UTF8",
    ERROR,
    "Testo non in UTF-8",
    "il testo non è in {encoding}: il byte {byte} alla riga {at_line}, colonna {at_column} "
    "(posizione {offset} nel file) non è valido.",
    "In Excel: File → Salva con nome → «CSV UTF-8». Se il file è davvero in Windows-1252 (Excel "
    "vecchio), ripeti il comando con --encoding cp1252: la codifica non viene mai indovinata.",
)
_code(
    _g,
    "IMPORT_OTHER_PARTNER",
    ERROR,
    "Scheda di un altro ente",
    "la scheda {listing} è dell'ente «{other}», non di «{partner}»: --update non la sostituisce.",
    "Ogni importazione aggiorna solo le schede dello stesso ente. Cambia l'identificativo della "
    "riga, oppure chiedi al coordinamento di modificare quella scheda.",
)
_code(
    _g,
    "INTAKE_HEADING_AMBIGUOUS",
    ERROR,
    "Titolo di un campo dentro una risposta",
    "la riga «### {label}» {what}: non si capisce dove comincia la risposta.",
    "Le righe che cominciano con ### seguite dal nome di un campo separano le risposte: "
    "toglile dal testo delle risposte (o togli i tre #).",
)
_code(
    _g,
    "INTAKE_CHARACTER_FORBIDDEN",
    ERROR,
    "Carattere invisibile o di controllo",
    "il testo contiene il carattere {name} ({codepoint}) alla riga {at_line}, carattere {at_column}: "
    "è invisibile o cambia la direzione del testo.",
    "Riscrivi il testo a mano oppure incollalo come testo semplice: questi caratteri arrivano "
    "spesso copiando da altri programmi.",
)

# -- Journeys: guides link where they point (issue 13) --
_g = "Avvisi"
_code(
    _g,
    "GUIDE_MENTION_UNLINKED",
    WARNING,
    "Menzione senza link",
    "«{found}» non ha un link: chi legge non sa dove andare.",
    "Scrivilo come link, per esempio [il CPS della tua zona](@cps) o [il filtro](@catalogo?per=families).",
)
_code(
    _g,
    "GUIDE_LINK_UNKNOWN",
    WARNING,
    "Link a una pagina che non c'è",
    "il link «@{target}» non porta a nessuna pagina del sito: sul sito resta solo il testo.",
    "Usa @cps, @catalogo, @proponi, @enti, @guide, @glossario, @dati-aperti, @coordinamento, "
    "@guida/NOME-DELLA-GUIDA, @ente/ID o @opportunita/ID.",
)

# -- Open data: calendars and structured data (issue 15; add codes of this class below) --
_g = "Calendario e dati strutturati"
_code(
    _g,
    "TIMETABLE_NOT_AN_EVENT",
    ERROR,
    "Calendario degli incontri per una casa",
    "una casa o un sostegno a domicilio non è un evento: non ha il calendario degli incontri.",
    "Togli il blocco timetable; gli orari, se servono, restano in «Orari» (schedule).",
)
_code(
    _g,
    "TIMETABLE_TIME_ORDER",
    ERROR,
    "Ora di fine prima dell'ora di inizio",
    "l'incontro finisce alle {end} ma comincia alle {start}.",
    "Controlla start_time ed end_time: l'ora di fine viene dopo l'ora di inizio, nello stesso giorno.",
)
_code(
    _g,
    "TIMETABLE_NO_SESSION",
    ERROR,
    "Nessun incontro tra la data di inizio e la data di fine",
    "con questi giorni della settimana non c'è nessun incontro tra il {start} e il {end}.",
    "Controlla i giorni (days) e le date (dates.start, dates.end), oppure i giorni senza incontro (except).",
)
_code(
    _g,
    "TIMETABLE_EXCEPT_NOT_A_SESSION",
    WARNING,
    "Giorno senza incontro che non è un giorno di incontro",
    "il {day} non è un giorno di incontro: toglierlo non cambia nulla.",
    "Controlla la data: forse è un altro giorno della stessa settimana.",
)
_code(
    _g,
    "PUBLISHED_AFTER_REVIEWED",
    WARNING,
    "Pubblicata dopo l'ultima verifica",
    "la data di pubblicazione ({published}) viene dopo la data dell'ultima verifica ({reviewed}).",
    "published è il giorno della prima pubblicazione: non può venire dopo reviewed.",
)

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
    extra: dict = _field(default_factory=dict, compare=False, hash=False, repr=False)

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
    """The contributor-facing catalogue of the content codes (`catalogue.markdown` has every command's)."""
    lines = [
        "# Messaggi del validatore",
        "",
        "Ogni problema trovato da `bds validate` ha un codice stabile. Gli **errori** bloccano la "
        "pubblicazione; gli **avvisi** no, ma vanno letti. Il formato di ogni riga è "
        "`file:riga:colonna: errore [CODICE] campo: messaggio`.",
        "",
    ]
    return "\n".join(lines + groups_markdown(_CODES))


def groups_markdown(entries: Iterable[Code], level: int = 2) -> list[str]:
    """The lines of one table per group of `entries`, groups in the order they first appear."""
    groups: dict[str, list[Code]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    lines: list[str] = []
    for group, members in groups.items():
        lines += [
            f"{'#' * level} {group}",
            "",
            "| Codice | Gravità | Che cosa significa | Come si risolve |",
            "| --- | --- | --- | --- |",
        ]
        for e in members:
            cells = (f"`{e.code}`", SEVERITY_LABEL[e.severity], e.title, e.hint)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return lines
