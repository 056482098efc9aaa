"""The forward fixtures in tests/data/emails/forwards/: each client's layout in each language, plus the
cases that went wrong (introductions, speaker bios, nested forwards, replies that quote a forward).

The layouts follow what each client writes in its plain-text (or, for Outlook 2019 desktop, HTML) part.
Regenerate with `python -m tests.support.forward_fixtures`; test_email_forwards.py reads the files and
`expected.json`, and checks that the files are what this module writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import EmailMessage
from html import escape
from pathlib import Path
from typing import Any

from tests.support.emails import DRAFTING_ADDRESS, EMAILS_DIR, REGISTERED_ADDRESS, SES_PASS

FORWARDS_DIR = EMAILS_DIR / "forwards"
RECIPIENT = "Alex Kim <alex.kim@fabrikam.example>"
INNER_SUBJECT = "Nice to meet you"


@dataclass(frozen=True)
class Language:
    code: str
    sender: str  # "Name <address>"
    name: str
    from_: str
    sent: str
    date: str
    to: str
    subject: str
    gmail: str
    apple: str
    thunderbird: str
    yahoo: str
    outlook: str
    forward_prefix: str
    date_value: str
    bio: str
    bio_key: str  # a phrase the bio must keep
    note: str


LANGUAGES = [
    Language(
        "en",
        "Maya Lindqvist <maya.lindqvist@northwind.example>",
        "Maya Lindqvist",
        "From",
        "Sent",
        "Date",
        "To",
        "Subject",
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "-------- Forwarded Message --------",
        "----- Forwarded Message -----",
        "-----Original Message-----",
        "Fwd",
        "Thursday, October 28, 2021 12:46 PM",
        "I lead the data platform team at Northwind. Outside work I spend most weekends trail running in the archipelago.",
        "trail running in the archipelago",
        "Could you draft something for her?",
    ),
    Language(
        "de",
        "Jonas Weber <jonas.weber@beispiel-werke.example>",
        "Jonas Weber",
        "Von",
        "Gesendet",
        "Datum",
        "An",
        "Betreff",
        "---------- Weitergeleitete Nachricht ---------",
        "Anfang der weitergeleiteten Nachricht:",
        "-------- Weitergeleitete Nachricht --------",
        "----- Weitergeleitete Nachricht -----",
        "-----Ursprüngliche Nachricht-----",
        "WG",
        "Donnerstag, 28. Oktober 2021 12:46",
        "Ich leite das Plattformteam bei Beispiel-Werke. In meiner Freizeit segle ich am Starnberger See.",
        "segle ich am Starnberger See",
        "Bitte einen Entwurf für Jonas.",
    ),
    Language(
        "fr",
        "Camille Dubois <camille.dubois@exemple-conseil.example>",
        "Camille Dubois",
        "De",
        "Envoyé",
        "Date",
        "À",
        "Objet",
        "---------- Message transféré ---------",
        "Début du message réexpédié :",
        "-------- Message transféré --------",
        "----- Message transmis -----",
        "-----Message d'origine-----",
        "TR",
        "jeudi 28 octobre 2021 12:46",
        "Je suis directrice technique chez Exemple Conseil. Le week-end, je fais de la randonnée dans le Vercors.",
        "randonnée dans le Vercors",
        "Un brouillon pour Camille, merci.",
    ),
    Language(
        "es",
        "Lucía Fernández <lucia.fernandez@ejemplo-datos.example>",
        "Lucía Fernández",
        "De",
        "Enviado",
        "Fecha",
        "Para",
        "Asunto",
        "---------- Mensaje reenviado ---------",
        "Inicio del mensaje reenviado:",
        "-------- Mensaje reenviado --------",
        "----- Mensaje reenviado -----",
        "-----Mensaje original-----",
        "RV",
        "jueves, 28 de octubre de 2021 12:46",
        "Soy analista de datos en Ejemplo Datos. Juego al pádel tres veces por semana con mis amigas.",
        "Juego al pádel tres veces por semana",
        "Un borrador para Lucía, por favor.",
    ),
    Language(
        "it",
        "Giulia Romano <giulia.romano@esempio.example>",
        "Giulia Romano",
        "Da",
        "Inviato",
        "Data",
        "A",
        "Oggetto",
        "---------- Messaggio inoltrato ---------",
        "Inizio messaggio inoltrato:",
        "-------- Messaggio Inoltrato --------",
        "----- Messaggio inoltrato -----",
        "-----Messaggio originale-----",
        "I",
        "giovedì 28 ottobre 2021 12:46",
        "Sono product manager a Milano. Nel mio tempo libero faccio arrampicata in Val di Mello.",
        "faccio arrampicata in Val di Mello",
        "Una bozza per Giulia, grazie.",
    ),
    Language(
        "pt",
        "João Silva <joao.silva@exemplo.example>",
        "João Silva",
        "De",
        "Enviada",
        "Data",
        "Para",
        "Assunto",
        "---------- Mensagem encaminhada ---------",
        "Início da mensagem reencaminhada:",
        "-------- Mensagem encaminhada --------",
        "----- Mensagem encaminhada -----",
        "-----Mensagem original-----",
        "ENC",
        "quinta-feira, 28 de outubro de 2021 12:46",
        "Sou engenheiro de software em Lisboa. Aos fins de semana faço surf na Ericeira com o meu irmão.",
        "faço surf na Ericeira",
        "Um rascunho para o João, por favor.",
    ),
    Language(
        "nl",
        "Sanne de Vries <sanne.devries@voorbeeld.example>",
        "Sanne de Vries",
        "Van",
        "Verzonden",
        "Datum",
        "Aan",
        "Onderwerp",
        "---------- Doorgestuurd bericht ---------",
        "Begin doorgestuurd bericht:",
        "-------- Doorgestuurd bericht --------",
        "----- Doorgestuurd bericht -----",
        "-----Oorspronkelijk bericht-----",
        "FW",
        "donderdag 28 oktober 2021 12:46",
        "Ik ben data-engineer in Utrecht. In het weekend zeil ik met mijn broer op het IJsselmeer.",
        "zeil ik met mijn broer op het IJsselmeer",
        "Een concept voor Sanne graag.",
    ),
    Language(
        "sv",
        "Elin Andersson <elin.andersson@exempel.example>",
        "Elin Andersson",
        "Från",
        "Skickat",
        "Datum",
        "Till",
        "Ämne",
        "---------- Vidarebefordrat meddelande ---------",
        "Vidarebefordrat mejl:",
        "-------- Vidarebefordrat meddelande --------",
        "----- Vidarebefordrat meddelande -----",
        "-----Ursprungligt meddelande-----",
        "VB",
        "torsdag 28 oktober 2021 12:46",
        "Jag jobbar som UX-designer i Göteborg. På helgerna paddlar jag kajak i skärgården.",
        "paddlar jag kajak i skärgården",
        "Ett utkast till Elin, tack.",
    ),
    Language(
        "da",
        "Mads Nielsen <mads.nielsen@eksempel.example>",
        "Mads Nielsen",
        "Fra",
        "Sendt",
        "Dato",
        "Til",
        "Emne",
        "---------- Videresendt meddelelse ---------",
        "Start på videresendt besked:",
        "-------- Videresendt meddelelse --------",
        "----- Videresendt meddelelse -----",
        "-----Oprindelig meddelelse-----",
        "VS",
        "torsdag den 28. oktober 2021 12:46",
        "Jeg er backend-udvikler i Aarhus. Om lørdagen spiller jeg håndbold med mit gamle hold.",
        "spiller jeg håndbold",
        "Et udkast til Mads, tak.",
    ),
    Language(
        "pl",
        "Zofia Kowalska <zofia.kowalska@przyklad.example>",
        "Zofia Kowalska",
        "Od",
        "Wysłano",
        "Data",
        "Do",
        "Temat",
        "---------- Przekazana wiadomość ---------",
        "Początek przekazywanej wiadomości:",
        "--- Treść przekazanej wiadomości ---",
        "----- Przekazana wiadomość -----",
        "-----Oryginalna wiadomość-----",
        "PD",
        "czwartek, 28 października 2021 12:46",
        "Jestem inżynierką danych w Krakowie. W weekendy biegam po Tatrach, a moja suczka biega ze mną.",
        "biegam po Tatrach",
        "Szkic dla Zofii, proszę.",
    ),
    Language(
        "ru",
        "Анна Смирнова <anna.smirnova@primer.example>",
        "Анна Смирнова",
        "От",
        "Отправлено",
        "Дата",
        "Кому",
        "Тема",
        "---------- Пересылаемое сообщение ---------",
        "Начало переадресованного сообщения:",
        "-------- Перенаправленное сообщение --------",
        "----- Пересылаемое сообщение -----",
        "-----Исходное сообщение-----",
        "Fwd",
        "четверг, 28 октября 2021 г. 12:46",
        "Я руковожу командой аналитики в Казани. По выходным я катаюсь на лыжах, это мой отдых.",
        "катаюсь на лыжах",
        "Черновик для Анны, пожалуйста.",
    ),
    Language(
        "ja",
        "佐藤 花子 <hanako.sato@sample.example>",
        "佐藤 花子",
        "差出人",
        "送信日時",
        "日付",
        "宛先",
        "件名",
        "---------- 転送されたメッセージ ---------",
        "転送されたメッセージ:",
        "-------- 転送メッセージ --------",
        "----- 転送メッセージ -----",
        "-----元のメッセージ-----",
        "転送",
        "2021年10月28日 12:46",
        "私は株式会社サンプルでSREチームのリーダーをしています。週末は山登りと写真撮影が趣味です。",
        "山登りと写真撮影が趣味",
        "花子さんへの下書きをお願いします。",
    ),
    Language(
        "zh",
        "王芳 <fang.wang@shili.example>",
        "王芳",
        "发件人",
        "发送时间",
        "日期",
        "收件人",
        "主题",
        "---------- 转发的邮件 ---------",
        "转发的邮件:",
        "-------- 转发邮件 --------",
        "----- 转发邮件 -----",
        "-----原始邮件-----",
        "转发",
        "2021年10月28日 12:46",
        "我在上海做数据工程师。周末我喜欢骑自行车和拍照。",
        "周末我喜欢骑自行车和拍照",
        "请帮我给王芳写个草稿。",
    ),
]


def _address(sender: str) -> str:
    return sender.rpartition("<")[2].rstrip(">")


def _layout(client: str, lang: Language) -> tuple[str, bool]:
    """(forwarded part as the client writes it, is_html)."""
    sender, to, subject, date = lang.sender, RECIPIENT, INNER_SUBJECT, lang.date_value
    signature = f"\n\n-- \n{lang.name}\nNorthwind"
    if client == "gmail":
        head = f"{lang.gmail}\n{lang.from_}: {sender}\n{lang.date}: {date}\n{lang.subject}: {subject}\n{lang.to}: {to}\n\n\n"
        return head + lang.bio + signature, False
    if client == "new_outlook":
        head = f"{lang.from_}: {sender}\n{lang.date}: {date}\n{lang.to}: {to}\n{lang.subject}: {subject}\n"
        return head + lang.bio, False
    if client == "outlook_2013":
        mailto = f"{lang.name} [mailto:{_address(sender)}]"
        head = f"{lang.outlook}\n{lang.from_}: {mailto}\n{lang.sent}: {date}\n{lang.to}: {to}\n{lang.subject}: {subject}\n\n"
        return head + lang.bio + "\n\n________________________________\n" + lang.name + " | Northwind", False
    if client == "outlook_2019":
        fields = [(lang.from_, sender), (lang.sent, date), (lang.to, to), (lang.subject, subject)]
        rows = "<br>".join(f"<b>{escape(name)}:</b> {escape(value)}" for name, value in fields)
        html = (
            '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
            f'<p class="MsoNormal">{rows}</p></div><p class="MsoNormal">{escape(lang.bio)}</p>'
        )
        return html, True
    if client == "outlook_live":
        head = f"________________________________\n{lang.from_}: {sender}\n{lang.sent}: {date}\n{lang.to}: {to}\n"
        return head + f"{lang.subject}: {subject}\n\n{lang.bio}", False
    if client == "apple_mail":
        head = f"{lang.apple}\n\n{lang.from_}: {sender}\n{lang.subject}: {subject}\n{lang.date}: {date}\n{lang.to}: {to}\n\n"
        return head + lang.bio + f"\n\n{lang.name}", False
    if client == "thunderbird":
        head = f"{lang.thunderbird}\n{lang.subject}: \t{subject}\n{lang.date}: \t{date}\n{lang.from_}: \t{sender}\n"
        return head + f"{lang.to}: \t{to}\n\n\n\n{lang.bio}" + signature, False
    if client == "yahoo":
        head = f"{lang.yahoo}\n{lang.from_}: {sender}\n{lang.to}: {to}\n{lang.sent}: {date}\n{lang.subject}: {subject}\n\n"
        return head + lang.bio, False
    if client == "mailmate":
        lines = [f"{lang.from_}: {sender}", f"{lang.to}: {to}", f"{lang.subject}: {subject}", f"{lang.date}: {date}"]
        quoted = "\n".join(f"> {line}" if line else ">" for line in [*lines, "", lang.bio])
        return f"Forwarded message:\n\n{quoted}\n", False
    raise ValueError(client)


CLIENTS = [
    "gmail",
    "new_outlook",
    "outlook_2013",
    "outlook_2019",
    "outlook_live",
    "apple_mail",
    "thunderbird",
    "yahoo",
    "mailmate",
]
# Every client in English; every language in the clients that localise their layout most.
MATRIX = [(client, "en") for client in CLIENTS] + [
    (client, lang.code)
    for lang in LANGUAGES[1:]
    for client in ["gmail", "new_outlook", "outlook_2013", "outlook_live", "apple_mail", "thunderbird"]
]


def _message(*, subject: str, text: str, html: bool = False) -> bytes:
    message = EmailMessage()
    message["Return-Path"] = f"<{REGISTERED_ADDRESS}>"
    message["X-SES-Spam-Verdict"] = "PASS"
    message["X-SES-Virus-Verdict"] = "PASS"
    message["Authentication-Results"] = SES_PASS
    message["From"] = f"Alex Kim <{REGISTERED_ADDRESS}>"
    message["To"] = DRAFTING_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = "<fixture@fabrikam.example>"
    message["Date"] = "Thu, 28 Oct 2021 13:00:00 +0000"
    if html:
        message.set_content(text, subtype="html", charset="utf-8")
    else:
        message.set_content(text, charset="utf-8")
    return message.as_bytes()


def _client_fixtures() -> dict[str, tuple[bytes, dict[str, Any]]]:
    by_code = {lang.code: lang for lang in LANGUAGES}
    fixtures: dict[str, tuple[bytes, dict[str, Any]]] = {}
    for client, code in MATRIX:
        lang = by_code[code]
        forwarded, html = _layout(client, lang)
        if html:
            text = f"<p>{escape(lang.note)}</p><p>pitch: I build data quality tools.</p>{forwarded}"
        else:
            text = f"{lang.note}\npitch: I build data quality tools.\n\n{forwarded}"
        prefix = "FW" if client.startswith(("outlook", "new_outlook")) else lang.forward_prefix
        fixtures[f"{client}_{code}"] = (
            _message(subject=f"{prefix}: {INNER_SUBJECT}", text=text, html=html),
            {
                "forwarded": True,
                "forwarded_from": _address(lang.sender),
                "target_name": lang.name,
                "target_rule": "forwarded_sender_own_writing",
                "note": lang.note,
                "pitch": "I build data quality tools.",
                "bio_has": [lang.bio_key],
                "bio_lacks": [lang.date_value, "alex.kim@fabrikam.example", INNER_SUBJECT, "| Northwind", "-- ", "____"],
                "header_labels": [lang.from_, lang.sent, lang.date, lang.to, lang.subject],
            },
        )
    return fixtures


INTRODUCTION = """Sam asked me to pass this on.

---------- Forwarded message ---------
From: Tom Becker <tom.becker@contoso.example>
Date: Tue, Mar 4, 2025 at 9:12 AM
Subject: Ines
To: Alex Kim <alex.kim@fabrikam.example>


Hi Sam,

As promised, here's a little about Ines:

Ines Duarte runs the ceramics studio at Fábrica in Lisbon and swims in the sea all winter.

Cheers,
Tom
"""

SPEAKER_BIO = """For the keynote speaker, please.

________________________________
From: DevConf Speakers <speakers@devconf.example>
Sent: Monday, March 3, 2025 4:05 PM
To: Alex Kim <alex.kim@fabrikam.example>
Subject: Keynote bio

Hello team,

Here is the bio for our keynote:

Dr. Kwame Mensah — Chief Medical Officer, Accra Health
Dr. Mensah is a paediatrician who has spent twenty years in Accra. He restores vintage road bikes.

Best regards,
The DevConf team

This email and any attachments are confidential and intended solely for the addressee.
"""

NESTED = """Another one for you.

---------- Forwarded message ---------
From: Tom Becker <tom.becker@contoso.example>
Date: Tue, Mar 4, 2025 at 9:12 AM
Subject: Fwd: About me
To: Alex Kim <alex.kim@fabrikam.example>


FYI, see below.

---------- Forwarded message ---------
From: Ines Duarte <ines.duarte@fabrica.example>
Date: Mon, Mar 3, 2025 at 6:41 PM
Subject: About me
To: Tom Becker <tom.becker@contoso.example>


I run the ceramics studio at Fábrica in Lisbon, and I swim in the sea all winter.

Ines
"""

OUTLOOK_SIGNATURE_AND_FOOTER = """Draft for Priya please.

From: Priya Raman <priya.raman@adventure-works.example>
Date: Thursday, 28 October 2021 at 12:46
To: Alex Kim <alex.kim@fabrikam.example>
Subject: Hello
I'm a staff engineer working on search relevance. I host a small podcast about the history of computing.

________________________________
Priya Raman | Staff Engineer | Adventure Works

Diese E-Mail enthält vertrauliche Informationen. This email and any attachments are confidential.
"""

# A reply, not a forward: Outlook's quoted original under a "RE:" subject, and Gmail's "On … wrote:".
OUTLOOK_REPLY = """Thanks Maya, I'll write back soon.

________________________________
From: Maya Lindqvist <maya.lindqvist@northwind.example>
Sent: Thursday, October 28, 2021 12:46 PM
To: Alex Kim <alex.kim@fabrikam.example>
Subject: Intro

I lead the data platform team at Northwind.
"""

GMAIL_REPLY_QUOTING_A_FORWARD = """I run a pottery studio and I love open-water swimming.

On Tue, Mar 4, 2025 at 9:12 AM Tom Becker <tom.becker@contoso.example> wrote:
> ---------- Forwarded message ---------
> From: Maya Lindqvist <maya.lindqvist@northwind.example>
> Date: Mon, Mar 3, 2025 at 6:41 PM
> Subject: Intro
> To: Tom Becker <tom.becker@contoso.example>
>
> I lead the data platform team at Northwind.
"""


def _case_fixtures() -> dict[str, tuple[bytes, dict[str, Any]]]:
    return {
        "case_introduction_en": (
            _message(subject="Fwd: Ines", text=INTRODUCTION),
            {
                "forwarded": True,
                "target_name": "Ines Duarte",
                "target_rule": "third_person_opening",
                "bio_has": ["Ines Duarte runs the ceramics studio"],
                "bio_lacks": ["Hi Sam", "as promised", "Cheers", "Tom"],
            },
        ),
        "case_speaker_bio_en": (
            _message(subject="FW: Keynote bio", text=SPEAKER_BIO),
            {
                "forwarded": True,
                "forwarded_from": "speakers@devconf.example",
                "target_name": "Kwame Mensah",
                "target_rule": "speaker_heading",
                "bio_has": ["He restores vintage road bikes."],
                "bio_lacks": ["Hello team", "Here is the bio", "Best regards", "DevConf team", "confidential"],
            },
        ),
        "case_nested_en": (
            _message(subject="Fwd: Fwd: About me", text=NESTED),
            {
                "forwarded": True,
                "forwarded_from": "ines.duarte@fabrica.example",
                "target_name": "Ines Duarte",
                "target_rule": "forwarded_sender_own_writing",
                "note": "Another one for you.",
                "bio_has": ["I swim in the sea all winter."],
                "bio_lacks": ["FYI", "Tom Becker", "About me"],
            },
        ),
        "case_outlook_signature_and_footer_en": (
            _message(subject="FW: Hello", text=OUTLOOK_SIGNATURE_AND_FOOTER),
            {
                "forwarded": True,
                "forwarded_from": "priya.raman@adventure-works.example",
                "target_name": "Priya Raman",
                "bio_has": ["history of computing."],
                "bio_lacks": ["Staff Engineer |", "vertrauliche", "confidential", "____"],
            },
        ),
        "reply_outlook_en": (
            _message(subject="RE: Intro", text=OUTLOOK_REPLY),
            {"forwarded": False, "rewritten_subject": False, "bio_lacks": ["Sent:", "Subject:", "data platform team"]},
        ),
        "reply_gmail_quoting_a_forward_en": (
            _message(subject="Re: Fwd: Intro", text=GMAIL_REPLY_QUOTING_A_FORWARD),
            {
                "forwarded": False,
                "bio_has": ["I run a pottery studio"],
                "bio_lacks": ["wrote:", "Forwarded message", "data platform team"],
            },
        ),
    }


def fixtures() -> dict[str, tuple[bytes, dict[str, Any]]]:
    return {**_client_fixtures(), **_case_fixtures()}


def write_all(directory: Path = FORWARDS_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Any] = {}
    for name, (raw, expectation) in sorted(fixtures().items()):
        (directory / f"{name}.eml").write_bytes(raw)
        expected[name] = expectation
    (directory / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_all()
