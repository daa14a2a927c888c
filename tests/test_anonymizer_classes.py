"""One test per class of leak and of over-redaction that an outside evaluation found (issue: anonymization that
keeps the text). Every input was written for this file; none comes from a benchmark, a generator or the detector's
own word lists. Each asserts both sides: the personal value is gone, the ordinary text is kept."""

import json
import unicodedata

import polars as pl
import pytest

from llm_assets.core.anonymization.engine import AnonymizationEngine
from llm_assets.core.anonymization.settings import AnonymizerSettings
from llm_assets.core.memorization import scanned_fingerprints


@pytest.fixture(scope="module")
def engine() -> AnonymizationEngine:
    return AnonymizationEngine()


def anonymize(engine, text: str) -> tuple[str, set[str]]:
    (res,) = engine.anonymize_serial([{"text": text}])
    return res.fields["text"], {r.entity_type for r in res.redactions}


# -- over-redaction: context decides, not type ------------------------------------------------------------------------


def test_delivery_dates_times_and_transaction_references_stay(engine):
    text = (
        "Order ORD-77120 left the Leipzig hub on 14 February 2025 at 16:40; tracking number 00340434161094042557, "
        "invoice INV/2025/0311, SKU KT-2209-BLK. It should arrive on Thursday."
    )
    out, types = anonymize(engine, text)
    assert out.replace("Leipzig", "<LOCATION_1>") == text.replace("Leipzig", "<LOCATION_1>")
    assert types <= {"LOCATION"}


def test_a_birth_date_goes_a_purchase_date_beside_it_stays(engine):
    out, types = anonymize(engine, "DOB: 02/11/1979. Bought the headset on 06/01/2025.")
    assert "1979" not in out and "06/01/2025" in out and types == {"DATE_OF_BIRTH"}


def test_carriers_and_brands_stay_an_employer_goes(engine):
    out, types = anonymize(
        engine, "I work for Quillfeather Analytics Ltd. The Lumix camera came with FedEx, the tripod with DPD."
    )
    assert "Quillfeather" not in out and types == {"ORGANIZATION"}
    for kept in ("Lumix", "FedEx", "DPD"):
        assert kept in out


def test_a_customer_number_goes_an_order_number_stays(engine):
    out, types = anonymize(engine, "Customer no. 5512093 asks about order no. 8812094.")
    assert "5512093" not in out and "8812094" in out
    assert types == {"REFERENCE_NUMBER"}


def test_lower_case_chat_without_personal_data_comes_out_unchanged(engine):
    chat = (
        "hi there, i want to cancel my purchase and get a refund. can you assist me with that?\n"
        "sure, you can see the account settings here and edit the order, then ask for a refund.\n"
        "thank you so much! will the money go back to my card?\n"
        "yes, it goes back within five business days. anything else i can help with?"
    )
    out, types = anonymize(engine, chat)
    assert out == chat, types


def test_a_value_is_never_cut_mid_word(engine):
    text = "The webhook charge.failed fired twice and invoice.paid once; see config.yaml for retries."
    out, _ = anonymize(engine, text)
    assert out == text


def test_a_placeholder_never_swallows_csv_or_json_delimiters(engine):
    text = (
        "Pasted from the export:\n"
        "name,email,city,order\n"
        "Farida Osei,farida.osei@inbox.example,Kumasi,ORD-1\n"
        "Tomasz Wrona,t.wrona@inbox.example,Gdańsk,ORD-2\n"
        '{"user": "f.osei", "action": "refund", "amount": 12.5}\n'
    )
    out, _ = anonymize(engine, text)
    lines = out.splitlines()
    assert [line.count(",") for line in lines[1:4]] == [3, 3, 3]
    assert lines[2].endswith(",ORD-1") and lines[3].endswith(",ORD-2")
    assert lines[4].startswith('{"user": "<USERNAME_') and lines[4].endswith('", "action": "refund", "amount": 12.5}')
    for raw in ("Farida", "Osei", "farida.osei", "Kumasi", "Tomasz", "Wrona", "Gdańsk", "f.osei"):
        assert raw not in out, raw


# -- leaks ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("thanks @ravi_k92 for flagging it", "ravi_k92"),
        ("[10:02] <nightowl_77> is the outage over?\n[10:03] <nightowl_77> still down here", "nightowl_77"),
        ('2025-01-04T10:00:01Z level=warn user=okoye.b msg="login failed"', "okoye.b"),
        ("My login is brightstar.84 if that helps.", "brightstar.84"),
    ],
)
def test_handles_and_usernames_by_syntax_and_position(engine, text, value):
    out, types = anonymize(engine, text)
    assert value not in out and "USERNAME" in types


@pytest.mark.parametrize(
    "name",
    ["刘洋", "김서연", "Дмитрий Соколов", "فاطمة الزهراء", "Νίκος Παπαδόπουλος", "高橋 健太", "NGUYEN Thi Lan"],
)
def test_names_in_any_script_and_family_name_first(engine, name):
    out, types = anonymize(engine, f"The parcel for {name} was returned to the depot yesterday.")
    assert name not in out and types == {"PERSON"}
    assert out.endswith("was returned to the depot yesterday.")


def test_names_in_cjk_prose_before_an_honorific(engine):
    out, _ = anonymize(engine, "本日、中村様より返品のご連絡がありました。")
    assert "中村" not in out and "返品のご連絡がありました" in out


def test_a_call_transcript_spoken_digits_letters_and_a_lower_case_name(engine):
    call = (
        "agent: can i take your name please\n"
        "caller: yeah it's marguerite oyelaran\n"
        "agent: and a phone number\n"
        "caller: oh seven nine double four one two three eight five six\n"
        "agent: postcode\n"
        "caller: l s one four d h\n"
        "agent: and the email\n"
        "caller: m oyelaran at example dot com"
    )
    out, types = anonymize(engine, call)
    for raw in ("marguerite", "oyelaran", "double four one two", "l s one four d h"):
        assert raw not in out, raw
    assert {"PERSON", "PHONE_NUMBER", "ZIP_CODE"} <= types
    assert out.startswith("agent: can i take your name please\ncaller: yeah it's ")


def test_a_table_column_says_what_an_ambiguous_value_is(engine):
    table = "client,zip,age,reg,notes\nC-20931,4051,37,WX19 KLM,ok\nC-20932,8004,52,AB61 CDE,called back\n"
    out, _ = anonymize(engine, table)
    for raw in ("C-20931", "4051", "37", "WX19 KLM", "C-20932", "8004", "52", "AB61 CDE"):
        assert raw not in out, raw
    assert out.splitlines()[0] == "client,zip,age,reg,notes" and out.endswith(",called back\n")


@pytest.mark.parametrize(
    "sentence",
    [
        "Ich bin 67 Jahre alt und brauche Hilfe.",
        "J'ai 67 ans et je ne comprends pas la facture.",
        "Tengo 67 años y no recibí el paquete.",
        "Ho 67 anni e il pacco non è arrivato.",
        "Tenho 67 anos e a encomenda não chegou.",
        "I'm 67 years old and the parcel never came.",
    ],
)
def test_ages_stated_in_prose_in_several_languages(engine, sentence):
    out, types = anonymize(engine, sentence)
    assert "67" not in out and types == {"AGE"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The van's number plate is KX68 TRW, parked outside.", "KX68 TRW"),
        ("Kennzeichen: M-QT 4471, bitte abschleppen.", "M-QT 4471"),
        ("Immatriculation GH-582-PL, véhicule en panne.", "GH-582-PL"),
    ],
)
def test_licence_plates(engine, text, value):
    out, types = anonymize(engine, text)
    assert value not in out and "LICENSE_PLATE" in types


def test_a_saas_customer_id_goes_a_charge_id_stays(engine):
    out, _ = anonymize(engine, "Refund ch_3PqL8mN2vX for customer cus_Rb71KxQ0pZ9w, please.")
    assert "cus_Rb71KxQ0pZ9w" not in out and "ch_3PqL8mN2vX" in out


def test_a_bank_branch_code_beside_an_account_number(engine):
    out, _ = anonymize(engine, "Deposit to agência 1473-2, conta 40215-8, or sort code 40-47-84, account 31926819.")
    for raw in ("1473-2", "40215-8", "40-47-84", "31926819"):
        assert raw not in out, raw


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Passport number: PA0418725, expires next year.", "PA0418725"),
        ("Mein Reisepass C01X00T47 ist abgelaufen.", "C01X00T47"),
        ("Driving licence no. OYELA751219M99TK on file.", "OYELA751219M99TK"),
        ("Numéro de permis de conduire 13AB45678 joint.", "13AB45678"),
    ],
)
def test_alphanumeric_passport_and_licence_numbers(engine, text, value):
    out, _ = anonymize(engine, text)
    assert value not in out


# -- the memorization check and everyday words ----------------------------------------------------------------------


def test_the_memorization_scan_skips_values_redacted_all_over_the_corpus():
    rows = [(f"doc-{i}", "b", "CREDIT_CARD", "common", 1) for i in range(40)]
    rows += [("doc-1", "b", "CREDIT_CARD", "rare", 1), ("doc-2", "b", "PERSON", "name", 2)]
    table = pl.DataFrame(rows, schema=["doc_id", "batch_id", "entity_type", "fingerprint", "words"], orient="row")
    assert scanned_fingerprints(table) == {"rare": "CREDIT_CARD", "name": "PERSON"}


def test_the_memorization_scan_of_one_request_keeps_all_its_values():
    own = pl.DataFrame(
        [("CREDIT_CARD", "card", 1), ("PERSON", "first", 1), ("PERSON", "full", 2)],
        schema=["entity_type", "fingerprint", "words"],
        orient="row",
    )
    assert scanned_fingerprints(own) == {"card": "CREDIT_CARD", "full": "PERSON"}


# -- keys, labels and columns say what a value is ---------------------------------------------------------------------


def test_json_keys_and_mail_header_names_are_never_redacted(engine):
    line = '{"ts": "2025-03-02T08:14:09Z", "status": "shipped", "parcel.name": "Garden Hose", "buyer": "Ines Okafor"}'
    out, _ = anonymize(engine, line)
    record = json.loads(out)  # still one valid JSON object
    assert list(record) == ["ts", "status", "parcel.name", "buyer"] and "Okafor" not in out
    header = 'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\nHi, my kettle broke.'
    out, types = anonymize(engine, header)
    assert out == header and not types


def test_a_chat_in_chinese_between_latin_handles_keeps_its_sentences(engine):
    chat = "\n".join(
        [
            "wenhui-lo (09:12:01): 我的訂單還沒到，請幫我查一下。",
            "agent_77 (09:12:40): 好的，請稍等。",
            "wenhui-lo (09:13:05): 謝謝！",
            "agent_77 (09:14:10): 您的包裹明天會到。",
            "wenhui-lo (09:14:30): 太好了!",
        ]
    )
    out, _ = anonymize(engine, chat)
    for sentence in ("我的訂單還沒到，請幫我查一下。", "好的，請稍等。", "您的包裹明天會到。"):
        assert unicodedata.normalize("NFKC", sentence) in out  # the engine reads NFKC text: "，" becomes ","
    assert "wenhui-lo" not in out


def test_a_country_and_state_column_stays_the_city_goes(engine):
    table = (
        "name,city,state,country\nMarisol Quenby,Tacoma,WA,USA\nOrrin Vdovin,Duluth,MN,USA\n"
        "Pia Lindqvist,Eugene,OR,USA\nTamsin Oyelaran,Savannah,Georgia,USA"
    )
    out, types = anonymize(engine, table)
    rows = [line.split(",") for line in out.splitlines()]
    assert rows[0] == ["name", "city", "state", "country"]
    assert [r[2:] for r in rows[1:]] == [["WA", "USA"], ["MN", "USA"], ["OR", "USA"], ["Georgia", "USA"]]
    assert not {"Tacoma", "Duluth", "Eugene", "Savannah", "Quenby", "Oyelaran"} & set(out.replace(",", " ").split())
    placeholder = AnonymizationEngine(AnonymizerSettings.for_policy(regions="placeholder"))
    out, _ = anonymize(placeholder, table)
    assert "USA" not in out and "WA" not in out


def test_a_flattened_table_keeps_products_and_airport_codes_and_loses_people(engine):
    headers = ["name", "email", "city", "order_id", "status", "items.name", "origin", "destination"]
    rows = [
        [
            "Ottilie Brannagh",
            "ottilie.b@posteo.example",
            "Limerick",
            "#R-55012",
            "shipped",
            "Camping Stove",
            "DUB",
            "LIS",
        ],
        ["Kasimir Wendt", "k.wendt@mailbox.example", "Kassel", "#R-55013", "pending", "Rain Jacket", "FRA", "OPO"],
        ["Noor Haddad", "noor.h@inbox.example", "Zarqa", "#R-55014", "delivered", "Desk Lamp", "AMM", "IST"],
    ]
    text = "\n".join(headers + [v for row in rows for v in row])  # an HTML table stripped to one cell per line
    out, _ = anonymize(engine, text)
    for kept in ("Camping Stove", "Rain Jacket", "Desk Lamp", "DUB", "LIS", "FRA", "OPO", "AMM", "IST", "shipped"):
        assert kept in out.splitlines(), kept
    for gone in ("Brannagh", "Wendt", "Haddad", "posteo", "Limerick", "Kassel", "Zarqa"):
        assert gone not in out, gone


def test_a_flattened_table_keeps_codes_alike_under_order_item_and_flight_headers_and_loses_ages_and_plates(engine):
    headers = ["name", "age", "license_plate", "order_id", "items.item_id", "flight_number", "status"]
    rows = [
        ["Ottilie Brannagh", "34", "К482ТМ 77", "#T9930177", "3047719256", "QZL214", "shipped"],
        ["Kasimir Wendt", "58", "А915ОР 99", "#T9930178", "5581020437", "QZL377", "pending"],
        ["Noor Haddad", "27", "В207КХ 50", "#T9930179", "7219984603", "QZL905", "delivered"],
        ["Ines Abarca", "61", "Е330СН 16", "#T9930180", "8102235577", "QZL118", "pending"],
    ]
    text = "\n".join(headers + [v for row in rows for v in row])  # an HTML table stripped to one cell per line
    out, types = anonymize(engine, text)
    lines = out.splitlines()
    for row in rows:
        for kept in row[3:]:  # order numbers, item numbers and flights: codes alike in their column
            assert kept in lines, kept
        for gone in row[:3]:  # the person, the age and the plate (Cyrillic letters)
            assert gone not in lines, gone
    assert "AGE" in types


def test_everyday_chinese_words_among_latin_text_stay_and_chinese_names_and_places_go(engine):
    text = (
        "Chat export, replies one per line:\n玩笑\n下午\n謝謝\n"
        "Parcel forwarded to 高雄 for 蔡淑芬.\n\nBest regards,\n溫家豪\nLumen Freight"
    )
    out, types = anonymize(engine, text)
    for kept in ("玩笑", "下午", "謝謝"):
        assert kept in out, kept
    for gone in ("高雄", "蔡淑芬", "溫家豪"):
        assert gone not in out, gone
    assert "PERSON" in types


def test_a_signature_of_a_page_flattened_with_pipes_loses_its_company(engine):
    page = (
        "order_id | #A-88123 | status | shipped | merchant | Larkspur Garden Supply | Ottilie Brannagh | Quorvex | "
        "+1-415-555-0134"
    )
    out, _ = anonymize(engine, page)
    for gone in ("Brannagh", "Quorvex", "555-0134"):
        assert gone not in out, gone
    for kept in ("#A-88123", "shipped"):
        assert kept in out, kept


def test_names_in_chinese_prose_go_everyday_words_stay(engine):
    text = (
        "您好，我是客服。請問您的訂單已經送到了嗎？\n謝謝，包裹昨天下午收到了。請幫我轉告蔡淑芬和溫家豪，明天再聯絡。"
    )
    out, types = anonymize(engine, text)
    for gone in ("蔡淑芬", "溫家豪"):
        assert gone not in out, gone
    for kept in ("您好", "客服", "訂單", "謝謝", "包裹昨天下午收到了", "明天再聯絡"):
        assert kept in out, kept
    assert "PERSON" in types


@pytest.mark.parametrize(
    "text, age",
    [
        ("Мені 34 роки, я давно ваш клієнт.", "34"),
        ("моему отцу 85 лет, он не может войти", "85"),
        ("Babam 80 yaşında ve uygulamayı kullanamıyor.", "80"),
        ("Olen 34-vuotias.", "34"),
        ("Είμαι 34 χρονών.", "34"),
        ("عمري 34 سنة.", "34"),
        ("אני בן 34.", "34"),
        ("मेरी उम्र 34 साल है।", "34"),
        ("ผมอายุ 34 ปี", "34"),
        ("Saya berumur 34 tahun.", "34"),
        ("Tôi 34 tuổi.", "34"),
        ("Am 34 de ani.", "34"),
        ("mi abuela de 88 años no puede entrar", "88"),
        ("mio padre, di 79 anni, non riesce ad accedere", "79"),
        ("Mein Vater ist 81 und kann die App nicht bedienen.", "81"),
        ("die 12-jährige Tochter hat bestellt", "12"),
        ("My son is 12 and ordered it by mistake.", "12"),
    ],
)
def test_an_age_said_in_prose_goes_in_many_languages(engine, text, age):
    out, types = anonymize(engine, text)
    assert age not in out and "AGE" in types, out


def test_an_age_said_in_a_call_after_the_question_goes_a_count_stays(engine):
    call = "\n".join(
        [
            "[00:01:02] Agent: thanks for calling",
            "[00:01:12] Agent: and may I ask your age?",
            "[00:01:15] Caller: thirty four",
            "[00:01:19] Agent: thank you, and how many parcels were missing?",
            "[00:01:22] Caller: two",
        ]
    )
    out, types = anonymize(engine, call)
    assert "thirty four" not in out and "AGE" in types
    assert out.endswith("Caller: two")
    for kept in (
        "Note: 2 years warranty.",
        "We are 2 days late.",
        "Der Preis ist 15 Euro höher als letzte Woche.",
        "Mein Paket ist 15 Tage unterwegs.",
        "Note: a 3-year contract.",
    ):
        assert anonymize(engine, kept)[0] == kept, kept


def test_a_value_found_once_goes_wherever_the_document_repeats_it(engine):
    quoted = (
        "Добрый день!\n\n> iban: RU4429745613653910BGETXTVBYPWQJDX\n> postcode: 628417\n"
        "> name: Тимофей Елфимов\n> \n> Тимофей Елфимов\n> 628417\n"
    )
    out, _ = anonymize(engine, quoted)
    assert "628417" not in out


def test_a_logs_tool_names_and_timestamps_stay_its_people_go(engine):
    log = "\n".join(
        json.dumps(row)
        for row in [
            {"ts": "2024-07-09T07:50:07+00:00", "name": "get_order_details", "arguments": {"order_id": "#W93193"}},
            {"ts": "2024-07-09T07:51:39+00:00", "name": "cancel_pending_order", "arguments": {"reason": "no"}},
            {"ts": "2024-07-09T07:52:10+00:00", "name": "mary_quenby", "arguments": {"zip": "76171"}},
        ]
    )
    out, _ = anonymize(engine, log)
    for kept in ("get_order_details", "cancel_pending_order", "2024-07-09T07:50:07", "#W93193"):
        assert kept in out, kept
    for gone in ("mary_quenby", "76171"):
        assert gone not in out, gone


def test_greetings_and_thanks_are_no_places(engine):
    for text in (
        "Order notes: customer_id: QX-77120-LP\nThanks, see ticket for QX-77120-LP",
        "Добрый день! Посылка не пришла, помогите пожалуйста.",
    ):
        out, types = anonymize(engine, text)
        assert "LOCATION" not in types, out
    out, _ = anonymize(engine, "We ship from Nice to Split on Monday.")
    assert "Nice" not in out and "Split" not in out  # towns of 100k people whose names are also words


def test_a_number_read_out_in_words_ends_at_its_line(engine):
    call = "\n".join(
        [
            "A: Dzień dobry, w czym mogę pomóc?",
            "B: mój numer to zero sześć jeden, dwa trzy cztery, pięć sześć siedem",
            "A: Dziękuję, a adres?",
            "B: ul. Lipowa 5, Kraków",
        ]
    )
    out, _ = anonymize(engine, call)
    lines = out.splitlines()
    assert len(lines) == 4 and lines[2] == "A: Dziękuję, a adres?", out
    assert "sześć" not in out


def test_a_time_stamped_chat_speaker_is_a_person_whatever_the_name_means_and_a_role_stays(engine):
    chat = "\n".join(
        [
            "Hồng (16:08): Xin chào, em là Hồng bên chăm sóc khách hàng.",
            "Lê Trí Linh (16:10): xin chào",
            "Lê Trí Linh (16:11): Mã vận đơn mấy ngày rồi không cập nhật",
            "Hồng (16:12): Dạ, em kiểm tra ngay.",
            "Agent (16:13): ok",
            "Agent (16:14): done",
        ]
    )
    out, _ = anonymize(engine, chat)
    for gone in ("Hồng", "Lê Trí Linh"):
        assert gone not in out, gone
    assert out.count("Agent (16:1") == 2 and "xin chào" in out


def test_a_speakers_label_never_joins_a_name_found_after_it(engine):
    from presidio_analyzer import RecognizerResult

    from llm_assets.core.anonymization.engine import _off_speaker_colon

    text = "Operator: Can I have your full name, please?\nCaller: Pauline Smith\nOperator: Thank you."
    start = text.index("Caller")
    found = RecognizerResult("PERSON", start, start + len("Caller: Pauline Smith"), 0.85)  # a name list's reading
    cut = _off_speaker_colon(text, found)
    assert text[cut.start : cut.end] == "Pauline Smith"
    out, _ = anonymize(engine, text)
    assert [line.split(":")[0] for line in out.splitlines()] == ["Operator", "Caller", "Operator"]
    assert "Pauline" not in out


def test_a_phone_written_against_chinese_japanese_or_korean_words_goes(engine):
    for text, phone in (
        ("我的电话是13812345678，谢谢", "13812345678"),
        ("携帯は090-1234-5678です", "090-1234-5678"),
        ("전화번호는 01012345678입니다", "01012345678"),
    ):
        out, types = anonymize(engine, text)
        assert phone not in out and "PHONE_NUMBER" in types, out
    out, _ = anonymize(engine, "订单号123456789012已发货")
    assert "123456789012" in out  # no number any of those countries dials


def test_a_chinese_family_name_before_a_title_goes_and_this_lady_stays(engine):
    out, _ = anonymize(engine, "客服：罗女士您好，这位女士的订单已经发货了。谢谢伍小姐。\n客户：好的。")
    assert "罗" not in out and "伍" not in out
    for kept in ("这位女士", "谢谢", "客户：好的。"):
        assert kept in out.replace(":", "：").replace(",", "，"), kept


def test_a_call_with_numbered_or_lettered_speakers_loses_its_answers_and_keeps_its_thanks(engine):
    korean = "\n".join(
        [
            "[00:01:48] Speaker 2: 163모 7988",
            "[00:01:53] Speaker 1: 나이가 어떻게 되세요?",
            "[00:01:56] Speaker 2: 38",
            "[00:02:01] Speaker 1: 감사합니다",
        ]
    )
    out, types = anonymize(engine, korean)
    assert "7988" not in out and "Speaker 2: 38" not in out and "AGE" in types
    assert out.endswith("Speaker 1: 감사합니다")  # labels in Latin letters make no Korean call a Latin text
    polish = "Caller: 69-005\nAgent: Ile ma Pan lat?\nCaller: 25\nAgent: Dziękuję"
    out, _ = anonymize(engine, polish)
    assert "69-005" not in out and "Caller: 25" not in out


def test_order_and_parcel_numbers_stay_in_many_languages_a_customer_number_goes(engine):
    for text, kept in (
        ("订单号 20240315001 已发货", "20240315001"),
        ("注文番号は 2024031512 です", "2024031512"),
        ("주문번호 2024031512 확인 부탁드립니다", "2024031512"),
        ("Mã vận đơn 587565765301 mấy ngày rồi không cập nhật", "587565765301"),
        ("Mój numer zamówienia to 4412309876, dziękuję.", "4412309876"),
    ):
        out, _ = anonymize(engine, text)
        assert kept in out, out
    out, _ = anonymize(engine, "Mój numer zamówienia to 4412309876, a numer klienta 77120391")
    assert "4412309876" in out and "77120391" not in out


def test_an_address_or_a_phone_given_alone_in_a_chat_turn_goes_in_any_script(engine):
    chat = "\n".join(
        [
            "10:02 rook_park: яка адреса доставки?",
            "10:03 lilac_91: Провулок Яблуневий 12, Коростишів",
            "10:04 rook_park: а телефон?",
            "10:04 lilac_91: +380 (67) 415-20-93",
            "10:05 rook_park: ส่งของไปที่ไหนคะ",
            "10:06 lilac_91: 58/3 ถนนศรีสุริยวงศ์, หาดใหญ่",
            "10:07 rook_park: I need 2 more boxes",
            "10:08 lilac_91: page 3",
        ]
    )
    out, types = anonymize(engine, chat)
    for gone in ("Яблуневий", "Коростишів", "415-20-93", "ศรีสุริยวงศ์", "หาดใหญ่"):
        assert gone not in out, gone
    for kept in ("яка адреса доставки?", "а телефон?", "ส่งของไปที่ไหนคะ", "I need 2 more boxes", "page 3"):
        assert kept in out, kept
    assert {"STREET_ADDRESS", "PHONE_NUMBER"} <= types


def test_a_bare_answer_after_a_time_stamped_label_goes_and_an_order_number_stays(engine):
    chat = "\n".join(
        [
            "quill_2210 (12:01): hi, my order #W3321 is late",
            "agent (12:03): which postcode is it going to?",
            "quill_2210 (12:05): 5013",
            "agent (12:06): thanks, and the order date?",
            "quill_2210 (12:07): 2024-05-15",
        ]
    )
    out, _ = anonymize(engine, chat)
    assert "5013" not in out and "quill_2210" not in out
    for kept in ("#W3321", "2024-05-15", "(12:05)", "agent (12:06): thanks, and the order date?"):
        assert kept in out, kept


def test_speaker_labels_that_are_common_words_of_their_language_go_roles_stay(engine):
    # names that are everyday words in their own language ("Victory", "Hope"); the roles of a support call stay
    hindi = "\n".join(f"[00:{10 + i}] {who}: {said}" for i, (who, said) in enumerate(
        [("विजय", "नमस्ते, मेरा पैकेज नहीं आया"), ("आशा", "मैं देखती हूँ"), ("विजय", "धन्यवाद"), ("आशा", "ठीक है")]
    ))  # fmt: skip
    out, _ = anonymize(engine, hindi)
    assert "विजय" not in out and "आशा" not in out
    assert "नमस्ते, मेरा पैकेज नहीं आया" in out and "मैं देखती हूँ" in out
    roles = "\n".join(f"[00:{10 + i}] {who}: {said}" for i, (who, said) in enumerate(
        [("kunde", "mein paket ist nicht angekommen"), ("agent", "ich schaue nach"), ("kunde", "danke schön"),
         ("agent", "gern geschehen")]
    ))  # fmt: skip
    out, _ = anonymize(engine, roles)
    assert out == roles


def test_bare_turns_spelled_read_out_cjk_ages_and_names_go(engine):
    call = "\n".join(
        [
            "[00:01] agent: can you spell your surname please",
            "[00:05] caller: d u v a l",
            "[00:09] agent: and the postcode",
            "[00:14] caller: fyra noll två nio",
            "[00:20] agent: your name as written on the card",
            "[00:26] caller: lena marquardt",
            "[00:31] agent: 年龄?",
            "[00:35] caller: 四十二岁",
            "[00:40] agent: and the name for the delivery",
            "[00:44] caller: 周美玲",
            "[00:50] agent: thanks, all set",
        ]
    )
    out, types = anonymize(engine, call)
    for gone in ("d u v a l", "fyra noll två nio", "marquardt", "四十二", "周美玲"):
        assert gone not in out, gone
    for kept in ("can you spell your surname please", "and the postcode", "thanks, all set", "agent:", "caller:"):
        assert kept in out, kept
    assert "PERSON" in types


def test_a_speakers_label_after_its_time_stamp_is_not_taken_for_part_of_the_time(engine):
    log = "\n".join(
        f"[0{i}:15] {who}: {said}"
        for i, (who, said) in enumerate(
            [("tamsin", "the router keeps dropping"), ("oskarw", "did you restart it"), ("tamsin", "twice, no luck"),
             ("oskarw", "ok resetting the line now"), ("tamsin", "still dropping")]
        )
    )  # fmt: skip
    out, _ = anonymize(engine, log)
    assert "tamsin" not in out and "oskarw" not in out
    assert "the router keeps dropping" in out and "[02:15]" in out


def test_a_key_equals_value_dump_is_anonymized_per_field(engine):
    dump = "\n".join(
        [
            "Full Name = Brannagh Oyelaran",
            "Age = 61",
            "Town = Kilrush",
            "Employer = Corrib Fisheries Ltd",
            "Mobile = 087 412 6630",
            "Ticket Ref = #T88120",
            "Items.Description = Steam Mop",
            "Items.Sku = 5521907733",
            "Carrier = DPD",
            "Notes = wants a call back after six",
        ]
    )
    out, types = anonymize(engine, dump)
    for gone in ("Brannagh", "Oyelaran", "= 61", "Kilrush", "Corrib", "412 6630"):
        assert gone not in out, gone
    for kept in ("Ticket Ref = #T88120", "Items.Description = Steam Mop", "Items.Sku = 5521907733", "Carrier = DPD",
                 "Notes = wants a call back after six", "Full Name = <PERSON_1>"):  # fmt: skip
        assert kept in out, kept
    assert {"PERSON", "AGE", "LOCATION"} <= types


def test_stripped_html_key_value_lines_keep_dotted_field_names_and_their_weaker_keys(engine):
    page = "\n".join(
        ["customer_name", "Ottoline Varga", "customer_phone", "+36 30 412 7788", "order_id", "#Q55120",
         "lines.product", "Cordless Drill", "lines.sku_code", "DR-4410", "shipped", "2025-03-02", "carrier", "GLS",
         "maker", "Bosch"]
    )  # fmt: skip
    out, types = anonymize(engine, page)
    assert "Ottoline" not in out and "412 7788" not in out
    kept_pairs = ("lines.product\nCordless Drill", "lines.sku_code", "shipped\n2025-03-02", "carrier\nGLS")
    for kept in (*kept_pairs, "maker\nBosch"):
        assert kept in out, kept
    assert "URL" not in types


def test_a_signature_block_goes_with_its_name_in_scripts_without_case_and_any_length_of_postcode(engine):
    # a name line over a phone, a street with its number written into the script, and a postal line whose code has
    # three digits (Taiwan) or seven (Israel); the sign-off and the message above stay
    mail_zh = "謝謝,明天見.\n\n林雅婷\n04-23581176\n中港路二段91號\n407 西屯區\n"
    mail_he = "תודה רבה!\n\nנועה ברקוביץ\nהרצל 17\n7610001 רחובות\n"
    mail_en = "Best,\n\nOrla Nyhan\n7 Quarry Lane\n3105 Ballymote\n"
    for mail, gone, kept in (
        (mail_zh, ("林雅婷", "23581176", "中港路二段91號", "407 西屯區"), "謝謝,明天見."),
        (mail_he, ("נועה ברקוביץ", "הרצל 17", "7610001"), "תודה רבה!"),
        (mail_en, ("Orla", "Nyhan", "Quarry", "3105", "Ballymote"), "Best,"),
    ):
        out, types = anonymize(engine, mail)
        for value in gone:
            assert value not in out, (value, out)
        assert out.startswith(kept + "\n"), out
        assert "PERSON" in types and "STREET_ADDRESS" in types


def test_numbered_lines_that_are_not_an_address_stay(engine):
    text = "Stock check\n2024 Annual Report\n12 Items\nWe shipped 2 boxes\n300 Units left"
    out, types = anonymize(engine, text)
    assert out == text, out


def test_the_word_after_a_greeting_on_the_next_line_is_not_a_name(engine):
    out, _ = anonymize(engine, "Hi,\nYou are right, the parcel came today.")
    assert out == "Hi,\nYou are right, the parcel came today.", out
    out, types = anonymize(engine, "Hi Mirela, the parcel came today.")
    assert "Mirela" not in out and "PERSON" in types


def test_a_stripped_form_alternating_field_names_and_values_types_each_value_by_its_name(engine):
    page = (
        "Your details\nname\nMirela Oancea\ncompany\nVantbrook Joinery\npostcode\n41127\ncity\nDrumcliff\n"
        "status\nshipped"
    )
    out, types = anonymize(engine, page)
    for gone in ("Mirela", "Oancea", "41127", "Drumcliff"):
        assert gone not in out, out
    for kept in ("Your details", "\nname\n", "\ncompany\n", "\npostcode\n", "\ncity\n", "shipped"):
        assert kept in out, (kept, out)
    assert "PERSON" in types


def test_answers_given_alone_in_a_chat_a_plate_a_street_with_its_town_a_birth_date_in_words(engine):
    chat = "\n".join(
        [
            "[09:01] <desk.sofia> γεια σας, πώς μπορώ να βοηθήσω;",
            "[09:02] <kos_m> Ερμού 27, Λιβαδειά",
            "[09:02] <kos_m> KZH 4410",
            "[09:03] <desk.sofia> вкажіть адресу, будь ласка",
            "[09:04] <kos_m> вул. Кленова 8, Бердичів",
            "[09:05] <desk.sofia> data de nascimento?",
            "[09:05] <kos_m> 9 de março de 1974",
            "[09:06] <desk.sofia> Page 3, Chapter two",
            "[09:07] <kos_m> Terminal 2, Gate B",
        ]
    )
    out, types = anonymize(engine, chat)
    for gone in ("Ερμού", "Λιβαδειά", "KZH 4410", "Кленова", "Бердичів", "1974"):
        assert gone not in out, (gone, out)
    for kept in (
        "γεια σας, πώς μπορώ να βοηθήσω;",
        "вкажіть адресу, будь ласка",
        "Page 3, Chapter two",
        "Terminal 2, Gate B",
    ):
        assert kept in out, (kept, out)
    assert {"STREET_ADDRESS", "DATE_OF_BIRTH"} <= types


def test_dates_on_lines_of_their_own_are_no_address_block(engine):
    text = "A: hi\nB: hello\nA: 18 de mayo de 1957\nB: ok\nA: 4. März 1960"
    out, types = anonymize(engine, text)
    assert "STREET_ADDRESS" not in types and "ZIP_CODE" not in types, out
    assert "B: ok" in out and "B: hello" in out


def test_a_full_name_given_alone_in_a_turn_in_any_script(engine):
    chat = "\n".join(
        [
            "[00:05] राहुल: नमस्ते, कैसे हैं",
            "[00:09] सीमा: ठीक हूँ",
            "[00:14] राहुल: राहुल मेहरोत्रा",
            "[00:20] Maria: Maria here",
            "[00:25] סיוון: מה שלומך?",
            "[00:31] סיוון: נועה ברקוביץ",
        ]
    )
    out, types = anonymize(engine, chat)
    for gone in ("मेहरोत्रा", "ברקוביץ"):
        assert gone not in out, (gone, out)
    for kept in ("नमस्ते, कैसे हैं", "ठीक हूँ", "here", "מה שלומך?"):
        assert kept in out, (kept, out)
    assert "PERSON" in types


def test_a_town_or_a_capitalized_full_name_given_alone_in_a_turn(engine):
    call = "\n".join(
        [
            "[00:02] agent: dzień dobry, w czym mogę pomóc?",
            "[00:06] klient: paczka nie dotarła",
            "[00:10] agent: jak się pan nazywa?",
            "[00:13] klient: Tomasz Zając",
            "[00:17] agent: skąd pan dzwoni?",
            "[00:20] klient: Bydgoszcz",
            "[00:36] klient: Nice",
        ]
    )
    out, types = anonymize(engine, call)
    for gone in ("Zając", "Bydgoszcz"):
        assert gone not in out, (gone, out)
    for kept in ("paczka nie dotarła", "Nice"):
        assert kept in out, (kept, out)
    assert {"PERSON", "LOCATION"} <= types
    call = "\n".join(
        [
            "[00:20] 상담원: 안녕하세요, 무엇을 도와드릴까요?",
            "[00:24] 상담원: 어디에 사세요?",
            "[00:27] 고객: 춘천시",
            "[00:30] 고객: 다시",
            "[00:33] 고객: 친구",
        ]
    )
    out, types = anonymize(engine, call)
    assert "춘천시" not in out and "LOCATION" in types, out
    assert "고객: 다시" in out and "고객: 친구" in out, out


def test_names_in_scripts_the_name_lists_barely_know_go_in_an_english_chat(engine):
    chat = "\n".join(
        [
            "10:01 fox_meadow: hi, the parcel went to the wrong person",
            "10:02 support: sorry! whose name was on the label?",
            "10:03 fox_meadow: it was for ნინო ბერიძე but it says தமிழ்செல்வி ராமலிங்கம்",
            "10:04 support: thanks, and the city?",
            "10:05 fox_meadow: Thanks. We are in Kutaisi",
            "10:06 fox_meadow: สวัสดีครับ",
        ]
    )
    out, types = anonymize(engine, chat)
    for gone in ("ნინო", "ბერიძე", "தமிழ்செல்வி", "ராமலிங்கம்"):
        assert gone not in out, (gone, out)
    for kept in ("the parcel went to the wrong person", "whose name was on the label?", "สวัสดีครับ"):
        assert kept in out, (kept, out)
    assert "PERSON" in types


def test_a_number_marked_with_a_number_sign_is_a_transaction_reference_unless_a_person_is_named_before_it(engine):
    out, _ = anonymize(
        engine, "user_id status order_id item\nfern_77 shipped #K4410921 lamp\nrook_12 pending #K5530017 mug"
    )
    assert "#K4410921" in out and "#K5530017" in out, out
    out, _ = anonymize(engine, "The member #QX99812 asked for a refund of ticket #T55120.")
    assert "QX99812" not in out and "#T55120" in out, out


def test_a_customer_key_of_letters_alone_goes_a_code_identifier_stays(engine):
    chat = "\n".join(
        [
            "ana_77 (10:01): hi, my refund never came",
            "support (10:02): which customer id is on the order?",
            "ana_77 (10:03): cus_QWpLmZtRbXvYkE",
            "support (10:04): thanks, calling get_UserDetailsById now",
        ]
    )
    out, types = anonymize(engine, chat)
    assert "cus_QWpLmZtRbXvYkE" not in out and "REFERENCE_NUMBER" in types, out
    assert "get_UserDetailsById" in out and "my refund never came" in out, out


def test_a_korean_phone_read_out_in_digit_syllables_grouped_without_spaces(engine):
    call = "\n".join(
        [
            "[00:01] 상담원: 안녕하세요",
            "[00:05] 고객: 네 안녕하세요",
            "[00:09] 상담원: 연락처를 알려주세요",
            "[00:12] 고객: 공일공 구팔칠육 오사삼이",
            "[00:15] 고객: 사이 오일",
        ]
    )
    out, types = anonymize(engine, call)
    assert "구팔칠육" not in out and "PHONE_NUMBER" in types, out
    assert "사이 오일" in out, out


def test_an_email_address_spelled_out_in_a_call_in_its_own_language(engine):
    calls = [
        "[00:01] agent: proszę podać e-mail\n[00:05] klient: ewa kropka nowak małpa onet kropka pl\n[00:09] agent: ok",
        "[00:01] agent: votre e-mail ?\n[00:05] client: luc point moreau arobase free point fr\n[00:09] agent: ok",
        "[00:01] agent: your email?\n[00:05] caller: t o m dot reyes at fastmail dot com\n[00:09] agent: ok",
    ]
    for call in calls:
        out, types = anonymize(engine, call)
        assert "EMAIL_ADDRESS" in types, out
        assert not any(w in out for w in ("nowak", "onet", "moreau", "free point", "t o m", "reyes")), out
    text = "Pay at the point of sale. We met at noon point blank."
    out, types = anonymize(engine, text)
    assert out == text, out


def test_a_phone_number_read_out_in_groups_of_number_words(engine):
    calls = [
        "[00:01] agent: votre numéro ?\n"
        "[00:05] client: zéro six, douze, trente-quatre, cinquante-six, quatre-vingt-un\n[00:09] agent: merci",
        "[00:01] agent: Ihre Nummer?\n[00:05] kunde: null eins sieben sechs, einundvierzig, dreiundsechzig, neunzehn\n"
        "[00:09] agent: danke",
    ]
    for call in calls:
        out, types = anonymize(engine, call)
        # the digits read one by one may claim the span as a reference first: either way the number is gone
        assert types & {"PHONE_NUMBER", "REFERENCE_NUMBER"}, out
        assert "trente-quatre" not in out and "dreiundsechzig" not in out and "neunzehn" not in out, out
    chat = "[00:01] agent: how many?\n[00:05] client: two or three\n[00:09] agent: ok\n[00:12] client: one hundred"
    out, _ = anonymize(engine, chat)
    assert out == chat, out


def test_field_names_and_values_run_together_on_one_line_type_each_value_by_its_name(engine):
    # a profile page stripped to one line: what each value is, only its field name says
    page = (
        "Thanks for the update, see my profile. vehicle_reg KD-471-PX login_name wrenfield9 birth_date 1962-03-14 "
        "order_no #A55120 status shipped item.title Garden Hose given_name Oswin Tallack\n"
    )
    out, types = anonymize(engine, page)
    for gone in ("KD-471-PX", "wrenfield9", "1962-03-14", "Oswin"):
        assert gone not in out, out
    for kept in ("Thanks for the update, see my profile.", "vehicle_reg", "login_name", "#A55120 status shipped",
                 "item.title Garden Hose", "given_name"):  # fmt: skip
        assert kept in out, (kept, out)
    assert {"LICENSE_PLATE", "USERNAME"} <= types


def test_an_address_written_without_spaces_in_chinese_japanese_or_korean_goes(engine):
    cases = {
        "请把包裹寄到成都市人民南路四段27号，谢谢": "人民南路四段27号",
        "我住在和平路3段118號5樓": "和平路3段118號",
        "お届け先は大阪市北区梅田2丁目4番9号です": "梅田2丁目4番9号",
        "배송지는 부산 해운대로 570 입니다": "해운대로 570",
    }
    for text, street in cases.items():
        out, types = anonymize(engine, text)
        assert street not in out and "STREET_ADDRESS" in types, out
    out, _ = anonymize(engine, "我住在和平路3段118號5樓")
    assert out.startswith("我住在<"), out  # the sentence's own words stay
    out, types = anonymize(engine, "这条路很长，街上人很多，我们路上见")
    assert "STREET_ADDRESS" not in types, out


def test_a_company_by_its_legal_form_in_other_scripts_goes_when_it_employs_someone(engine):
    cases = [
        ("我在瑞丰精工有限公司工作三年了", "瑞丰精工有限公司", "我在"),
        ("Кирилл Лебедев, ООО «Северный ветер»", "Северный ветер", ", <"),
        ("대성물류 주식회사 박지훈 과장", "대성물류", "과장"),
    ]
    for text, company, kept in cases:
        out, types = anonymize(engine, text)
        assert company not in out and "ORGANIZATION" in types, out
        assert kept in out, out
    # a company nobody works for stays: the policy replaces employers only
    out, types = anonymize(engine, "我们用顺丰速运有限公司寄的包裹昨天到了")
    assert "ORGANIZATION" not in types, out


def test_a_street_its_number_postcode_and_town_on_one_line_without_commas_goes_in_any_cased_script(engine):
    out, types = anonymize(engine, "Στείλτε το δέμα: Αιγιαλείας 27 15125 Μαρούσι, ευχαριστώ")
    for gone in ("Αιγιαλείας", "15125", "Μαρούσι"):
        assert gone not in out, out
    assert out.startswith("Στείλτε το δέμα:") and out.endswith("ευχαριστώ"), out
    out, types = anonymize(engine, "I bought the Model 3 2024 Edition and the Room 12 10000 Euros deal.")
    assert "Edition" in out and "Euros" in out and "STREET_ADDRESS" not in types, out


def test_a_name_given_in_an_introduction_goes_in_many_languages_and_the_greeting_stays(engine):
    cases = {
        "Agent: Dobrý den, u telefonu Radmila, jak vám mohu pomoci?": "Radmila",
        "Agent: Buenas tardes, le atiende Rosaura, ¿en qué puedo ayudarle?": "Rosaura",
        "Оператор: Добрый вечер, меня зовут Евдокия, слушаю вас.": "Евдокия",
        "Agente: Boa tarde, você está falando com Iolanda, em que posso ajudar?": "Iolanda",
        "الموظف: مساء الخير، معك هالة، كيف أقدر أساعدك؟": "هالة",
        "נציג: ערב טוב, קוראים לי נועה, איך אפשר לעזור?": "נועה",
        "Πράκτορας: Καλησπέρα, είμαι η Ευανθία, πώς μπορώ να βοηθήσω;": "Ευανθία",
        "Nhân viên: Chào anh, em là Thảo, em hỗ trợ được gì ạ?": "Thảo",
        "客服：晚上好，客服晓雯为您服务": "晓雯",
        "担当：お電話ありがとうございます。担当の美咲です。": "美咲",
        "상담원: 안녕하세요, 상담사 민지입니다.": "민지",
        "Ügyintéző: Jó estét, Zsófia vagyok, miben segíthetek?": "Zsófia",
    }
    for text, name in cases.items():
        out, types = anonymize(engine, text)
        assert name not in out and "PERSON" in types, out
    for kept in ("Buenas tardes", "меня зовут", "em hỗ trợ được gì ạ"):
        assert any(kept in anonymize(engine, t)[0] for t in cases), kept
    # a speaker's label with a colon introduces no one, and "I ordered" is no "I am"
    for text in ("Operator: Can I have your order number, please?", "Zákazník: Objednal jsem Dyson V15 včera"):
        out, types = anonymize(engine, text)
        assert "PERSON" not in types, out


def test_a_login_or_a_plate_announced_in_other_scripts_goes(engine):
    cases = {
        "お客様: ログインIDはtakeru_m77です": "takeru_m77",
        "客户：我的账号是liwenjie2020，谢谢": "liwenjie2020",
        "고객: 제 아이디는 sunny0412입니다": "sunny0412",
        "Клиент: мой логин pavel.k84, спасибо": "pavel.k84",
        "Πελάτης: το όνομα χρήστη είναι nikos_v": "nikos_v",
        "客戶：車牌是BKR-5521，謝謝": "BKR-5521",
        "고객: 차량 번호는 58나 1294예요": "58나 1294",
        "Клієнт: номер машини АА7342КВ, дякую": "АА7342КВ",
        "العميل: لوحة السيارة ر ق م ٤٤١٢": "ر ق م ٤٤١٢",
    }
    for text, value in cases.items():
        out, types = anonymize(engine, text)
        assert value not in out and types & {"USERNAME", "LICENSE_PLATE"}, out
    out, _ = anonymize(engine, "고객: 차량 번호는 58나 1294예요")
    assert out.endswith("예요"), out
    out, _ = anonymize(engine, "お客様: ログインIDはtakeru_m77です")
    assert out.endswith("です"), out


def test_turns_of_a_party_labelled_customer_or_client_are_speech_not_a_name_field(engine):
    calls = [
        "Agent: Morning, how can I help?\nCustomer: Hi there, my parcel went to the wrong depot last week.\n"
        "Agent: Sorry to hear it.\nCustomer: Yes, and nobody called me back about it.",
        "Agente: Hola, ¿en qué le ayudo?\nCliente: Buenas, mi paquete se quedó en la oficina equivocada.\n"
        "Agente: Lo reviso.\nCliente: Gracias, llevo una semana esperando la respuesta.",
        "Agent: Guten Tag, was kann ich tun?\nKunde: Hallo, mein Paket liegt seit Montag im falschen Lager.",
    ]
    for call in calls:
        out, types = anonymize(engine, call)
        assert out == call and not types, out
    # a form's field of the same name still holds a person
    out, types = anonymize(engine, "Customer: Ottoline Pridham\nOrder: #7781\nStatus: shipped")
    assert "Ottoline" not in out and "Pridham" not in out and "#7781" in out, out


def test_an_age_said_in_words_goes_in_the_languages_numbers_are_read_in(engine):
    cases = {
        "Caller: Yes, I'm fifty-three years old, if that matters.": "fifty-three",
        "Cliente: Sí, tengo setenta y cuatro años.": "setenta y cuatro",
        "Kunde: Ich bin einundsechzig Jahre alt.": "einundsechzig",
        "Client : oui, j'ai quarante-huit ans.": "quarante-huit",
        "Клиент: да, мне шестьдесят два года.": "шестьдесят два",
        "Caller: my father is eighty-seven and can't travel.": "eighty-seven",
    }
    for text, age in cases.items():
        out, types = anonymize(engine, text)
        assert age not in out and "AGE" in types, out
    out, types = anonymize(engine, "The box is twenty five kilos and came five days late, two years after the order.")
    assert "AGE" not in types and "twenty five kilos" in out, out


def test_an_address_a_postcode_or_a_login_announced_in_other_languages_goes_and_the_sentence_around_it_stays(engine):
    cases = {
        "Клиент: я живу по адресу Тверь, ул. Озёрная, д. 14, кв. 3 / спасибо": ("Озёрная", "/ спасибо"),
        "Klant: ik woon op Berkenhage 17, 5611XK Eindhoven, mijn klantnummer volgt": ("Berkenhage", "mijn klantnummer"),
        "Zákazník: bydlím na adrese Lipová 212, 530 02 Pardubice, jmenuji se Marek": ("Lipová", "jmenuji se"),
        "客户：邮编 518031，谢谢": ("518031", "谢谢"),
        "Kund: mitt användarnamn är torvald_77, tack": ("torvald_77", "tack"),
    }
    for text, (gone, kept) in cases.items():
        out, _ = anonymize(engine, text)
        assert gone not in out and kept in out, out


def test_an_email_address_said_with_the_local_words_for_at_and_dot_goes(engine):
    cases = [
        "Абонент: vasyl.k88 равлик ukr крапка net",
        "客様: haruto55 アットマーク gmail ドット com",
        "לקוח: dana.levi שטרודל walla נקודה co נקודה il",
        "ลูกค้า: somsak77 แอท hotmail ดอท com",
        "Khách: lan.pham a còng gmail chấm com",
        "Müşteri: emre.kaya et yandex nokta com",
    ]
    for text in cases:
        out, types = anonymize(engine, text)
        assert (
            "EMAIL_ADDRESS" in types
            and ("@" not in out)
            and not any(part in out for part in ("vasyl", "haruto55", "dana.levi", "somsak77", "lan.pham", "emre.kaya"))
        ), out
    out, types = anonymize(engine, "Client : Jean et Marie point final, merci.")
    assert "EMAIL_ADDRESS" not in types, out


def test_a_street_written_with_the_designators_of_other_scripts_goes(engine):
    cases = {
        "Абонент: ул. Садовая, д. 17, кв. 42": "Садовая",
        "Абонент: вул. Шевченка, буд. 8": "Шевченка",
        "العميل: شارع التحلية 214": "التحلية",
        "לקוח: רחוב ויצמן 33": "ויצמן",
        "ลูกค้า: 88 หมู่ 4 ถ.มิตรภาพ ค่ะ": "มิตรภาพ",
        "Khách: 12 Ngõ 5 Đường Trần Phú": "Trần Phú",
        "Müşteri: Bağdat Cad. No: 214": "Bağdat",
        "Pelanggan: Jl. Kebon Jeruk Raya No. 27": "Kebon Jeruk",
    }
    found = set()
    for text, street in cases.items():
        out, types = anonymize(engine, text)
        assert street not in out and types, out
        found |= types
    assert "STREET_ADDRESS" in found
    out, types = anonymize(engine, "Клиент: я живу на улице уже пять лет, дом 3 года назад купил")
    assert "STREET_ADDRESS" not in types, out


def test_a_town_in_its_own_script_or_a_spaced_postcode_given_alone_in_a_call_goes(engine):
    calls = {
        "Агент: Добрый день!\nАбонент: Здравствуйте, посылка не пришла.\nАгент: Ваш город?\nАбонент: Новосибирск\n"
        "Агент: Спасибо.": "Новосибирск",
        "[00:01:10] Speaker 1: 请问您在哪个城市？\n[00:01:15] Speaker 2: 广州市\n"
        "[00:01:20] Speaker 1: 好的，谢谢。": "广州市",
        "Operátor: Jaké je vaše PSČ?\nVolající: 602 00\nOperátor: Děkuji.\nVolající: Prosím.": "602 00",
        "الموظف: في أي مدينة أنت؟\nالعميل: القاهرة\nالموظف: شكراً\nالعميل: العفو": "القاهرة",
    }
    for call, value in calls.items():
        out, types = anonymize(engine, call)
        assert value not in out and types & {"LOCATION", "ZIP_CODE"}, out
    out, _ = anonymize(engine, "Агент: Как дела?\nАбонент: Хорошо\nАгент: Отлично.\nАбонент: Спасибо")
    assert "Хорошо" in out and "Спасибо" in out, out


def test_a_name_after_a_title_or_after_thanks_goes_in_many_languages_thanks_a_lot_stays(engine):
    cases = {
        "Konsultant: Dziękuję, Panie Wróblewski, chwileczkę.": "Wróblewski",
        "الموظف: شكراً أستاذ الزهراني، لحظة من فضلك.": "الزهراني",
        "Оператор: Дякую, Мирославо! Замовлення знайшла.": "Мирославо",
        "एजेंट: धन्यवाद सुनीता जी! ऑर्डर मिल गया।": "सुनीता",
        "Nhân viên: Cảm ơn chị Hằng, chờ em một chút ạ.": "Hằng",
        "کارشناس: ممنون آقای رضایی، لطفاً صبر کنید.": "رضایی",
    }
    for text, name in cases.items():
        out, types = anonymize(engine, text)
        assert name not in out and "PERSON" in types, out
    for text in ("الموظف: شكراً جزيلاً! لحظة من فضلك.", "الموظف: شكراً لصبرك، يومك سعيد!"):
        out, types = anonymize(engine, text)
        assert "PERSON" not in types, out


def test_a_birth_date_said_in_other_languages_goes_a_delivery_date_stays(engine):
    cases = {
        "לקוח: נולדתי ב-22/09/1983": "22/09/1983",
        "Ügyfél: 1981. 04. 17. születtem": "1981. 04. 17.",
        "Клієнт: я народилася 03.02.1990": "03.02.1990",
        "Khách: tôi sinh ngày 19/08/1976": "19/08/1976",
        "Müşteri: 05.06.1968 tarihinde doğdum": "05.06.1968",
    }
    for text, date in cases.items():
        out, types = anonymize(engine, text)
        assert date not in out and "DATE_OF_BIRTH" in types, out
    out, types = anonymize(engine, "Ügyfél: a csomag 2025. 03. 14. érkezett")
    assert "2025. 03. 14." in out, out


def test_an_age_given_alone_after_the_question_in_more_languages_goes(engine):
    calls = [
        "Temsilci: Kaç yaşındasınız?\nArayan: 37\nTemsilci: Teşekkürler.\nArayan: Rica ederim.",
        "Operátorka: Kolik je vám let?\nVolající: 64\nOperátorka: Děkuji.\nVolající: Prosím.",
        "Ügyintéző: Hány éves?\nHívó: 68\nÜgyintéző: Köszönöm.\nHívó: Szívesen.",
    ]
    for call in calls:
        out, types = anonymize(engine, call)
        assert "AGE" in types, out


def test_a_chinese_family_name_given_or_addressed_alone_and_a_japanese_agent_goes(engine):
    cases = {
        "客户： 我姓郑，想问下快递的事": "郑",
        "[00:02:33] Speaker 1: 薛女士，请稍等。": "薛",
        "オペレーター: お問い合わせありがとうございます。担当の蓮です。": "蓮",
    }
    for text, name in cases.items():
        out, types = anonymize(engine, text)
        assert name not in out and "PERSON" in types, out
    out, types = anonymize(engine, "客服: 您好，我是学生，谢谢")
    assert "PERSON" not in types, out


def test_a_one_character_chinese_or_japanese_speaker_label_is_a_name_and_a_pronoun_label_stays(engine):
    out, types = anonymize(
        engine,
        "[17:35] 蓮: お問い合わせありがとうございます。\n[17:36] 藤井: 注文の件です\n[17:37] 蓮: 確認いたします。",
    )
    assert "蓮" not in out and "藤井" not in out, out
    out, types = anonymize(engine, "<楠> 您好\n<丽华> 我的订单还没到\n<楠> 好的，我帮您查一下")
    assert "楠" not in out and "丽华" not in out and "我帮您查一下" in out, out
    out, types = anonymize(engine, "[10:01] 客服: 您好\n[10:02] 我: 订单没到\n[10:03] 客服: 好的")
    assert out == "[10:01] 客服: 您好\n[10:02] 我: 订单没到\n[10:03] 客服: 好的", out


# -- eighth session: neighbours complete a finding; answers inside a longer turn ---------------------------------------


def test_a_name_goes_on_across_the_capitalized_names_beside_it(engine):
    out, _ = anonymize(engine, "Bună ziua, aici Octavian Mirea, vă sun pentru comanda 55120.")
    assert "Octavian" not in out and "Mirea" not in out and "55120" in out
    out, _ = anonymize(engine, "Chào em, chị tên là Lương Thị Ngọc Ánh, chị gọi về đơn hàng 778201.")
    assert all(w not in out for w in ("Lương", "Ngọc", "Ánh")) and "778201" in out


def test_a_role_label_with_the_agents_name_in_brackets_and_a_first_name_label_go(engine):
    chat = (
        "Consulente (Marco): Come posso aiutarla?\n"
        "Laura: Il mio ordine 88120 non è arrivato.\n"
        "Consulente (Marco): Controllo subito.\n"
        "Laura: Grazie."
    )
    out, _ = anonymize(engine, chat)
    assert "Marco" not in out and "Laura" not in out
    assert out.count("Consulente (") == 2 and "88120" in out


def test_form_words_said_aloud_a_title_written_small_and_a_title_after_the_name_go(engine):
    cases = [
        ("Cliente: Nombre Eustaquio, apellido Barrantes.", ("Eustaquio", "Barrantes")),
        ("Kund: Förnamn Ingegerd, efternamn Lindqvist.", ("Ingegerd", "Lindqvist")),
        ("Muchas gracias, señor Castro, hasta luego.", ("Castro",)),
        ("Köszönöm, Nagy úr, viszonthallásra.", ("Nagy",)),
        ("Utente: Nome Giulia, cognome Russo.", ("Giulia", "Russo")),
    ]
    for text, names in cases:
        out, _ = anonymize(engine, text)
        assert all(n not in out for n in names), out
    out, _ = anonymize(engine, "Escriba el Nombre Completo en el formulario.")
    assert "Nombre Completo" in out


def test_answers_inside_a_longer_turn_after_the_question_go(engine):
    call = (
        "Operator: Who am I speaking to? And how old are you?\n"
        "Caller: Rosalind Ashcombe, yes. 47.\n"
        "Operator: What is the registration of the car?\n"
        "Caller: Sure, it's KX 418 PT. Thanks."
    )
    out, types = anonymize(engine, call)
    for value in ("Rosalind", "Ashcombe", "47", "KX 418 PT"):
        assert value not in out, out
    assert {"PERSON", "AGE", "LICENSE_PLATE"} <= types and "Thanks." in out


def test_a_postcode_between_a_street_and_its_town_goes(engine):
    out, types = anonymize(engine, "Wie immer: Birkenweg 12 in 04109 Leipzig.")
    assert "04109" not in out and "ZIP_CODE" in types
    out, _ = anonymize(engine, "Das Lager in Leipzig hat 2024 eröffnet.")
    assert "2024" in out


def test_products_beside_model_numbers_camel_cased_brands_and_carriers_stay(engine):
    text = (
        "I bought the Sony WH-1000XM5 and a Roomba i5. The parcel is with PostNL, tracking 3SABCD1234567. "
        "Otra caja va con la transportadora Jadlog, código de rastreio 551200. Kargo Aras Kargo firmasında."
    )
    out, _ = anonymize(engine, text)
    for kept in ("Sony", "Roomba i5", "PostNL", "Jadlog", "Aras Kargo", "3SABCD1234567", "551200"):
        assert kept in out, out
    out, _ = anonymize(engine, "Please call Maria 12 times if needed, or Maria Ostrowska.")
    assert "Ostrowska" not in out and "Maria 12" not in out


def test_a_tracking_number_in_other_languages_and_a_number_before_its_order_word_stay(engine):
    cases = [
        "Paketet skickas med PostNord, spårningsnummer LK118302945SE.",
        "A csomag úton van, nyomkövetési szám 90718826310452.",
        "Merhaba, 4412098812 numaralı sipariş hasarlı geldi.",
    ]
    for text in cases:
        out, _ = anonymize(engine, text)
        assert out == text, out


def test_a_conversation_with_one_comma_per_line_is_no_table_and_a_user_label_speaks(engine):
    chat = (
        "Usuario: Hola, quiero devolver el Kindle del pedido 44120.\n"
        "Agente: Claro, ¿a nombre de quién está la cuenta?\n"
        "Usuario: Nombre Fulgencio, apellido Zabaleta.\n"
        "Agente: Perfecto, ya está.\n"
        "Usuario: Vale, gracias."
    )
    out, _ = anonymize(engine, chat)
    assert "Fulgencio" not in out and "Zabaleta" not in out
    for kept in ("Hola, quiero devolver el Kindle del pedido 44120.", "Perfecto, ya está.", "Vale, gracias."):
        assert kept in out, out


def test_an_age_said_in_words_in_languages_text2num_does_not_read_goes(engine):
    cases = [
        ("Klient: Mam czterdzieści dwa lata i mieszkam sam.", "czterdzieści dwa"),
        ("Klant: Ik ben achtendertig jaar oud.", "achtendertig"),
        ("Ügyfél: Negyvenkilenc éves vagyok.", "Negyvenkilenc"),
        ("Müşteri: Otuz beş yaşındayım.", "Otuz beş"),
        ("Client: Am șaizeci și doi de ani.", "șaizeci și doi"),
    ]
    for text, age in cases:
        out, types = anonymize(engine, text)
        assert age not in out and "AGE" in types, out
    call = "Agent: Hur gammal är du?\nKund: Fyrtiotre.\nAgent: Tack.\nKund: Varsågod."
    out, _ = anonymize(engine, call)
    assert "Fyrtiotre" not in out and "Tack." in out
    out, _ = anonymize(engine, "Klient: Gwarancja trwa dwa lata, a paczka waży dwa kilo.")
    assert "dwa lata" in out


def test_a_name_in_small_letters_after_a_sure_cue_and_a_spelled_name_with_words_go(engine):
    call = (
        "A: thanks for calling the store my name is veronica how can i help\n"
        "B: hi yeah my name is dominik kowalczyk and my order 4410 is late\n"
        "A: could you spell the last name\n"
        "B: k as in kilo o as in oscar w as in whiskey a as in alpha l as in lima"
    )
    out, _ = anonymize(engine, call)
    for value in ("veronica", "dominik", "kowalczyk", "k as in kilo o as in oscar"):
        assert value not in out, out
    assert "my order 4410 is late" in out and "how can i help" in out
    out, _ = anonymize(engine, "my name is not important and my name is on the card")
    assert out == "my name is not important and my name is on the card"


def test_a_display_name_in_any_script_before_an_email_address_goes(engine):
    for text, name in (
        ("Від: Оксана Мельничук <o.melnychuk@example.ua>", "Оксана"),
        ("كتب سلمان آل راشد <salman.r@example.sa>:", "سلمان"),
        ("寄件者: 林美玲 <ml.lin@example.tw>", "林美玲"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out


def test_a_plate_after_the_vehicle_a_customer_number_and_a_login_after_a_few_words_go(engine):
    cases = [
        ("Pickup note: vehicle KPL-4471, paid in store.", "KPL-4471"),
        ("Zabiorę paczkę autem WX 93311 jutro.", "WX 93311"),
        ("Номер клієнта К-4471209, дякую.", "К-4471209"),
        ("Min login i appen är lindgren_77.", "lindgren_77"),
    ]
    for text, value in cases:
        out, _ = anonymize(engine, text)
        assert value not in out, out
    out, _ = anonymize(engine, "The car 2024 model is great, the login page is slow and the parcel 55120 left.")
    assert out == "The car 2024 model is great, the login page is slow and the parcel 55120 left."


def test_name_and_customer_fields_in_more_languages_a_vocative_and_a_name_spelled_with_towns_go(engine):
    for text, value in (
        ("Ονοματεπώνυμο = Ευανθία Κορωναίου\nΚωδ. πελάτη = ΚΛ-220418", "Ευανθία"),
        ("Ονοματεπώνυμο = Ευανθία Κορωναίου\nΚωδ. πελάτη = ΚΛ-220418", "ΚΛ-220418"),
        ("Ad Soyad:\tHülya Kocabaş\nNot:\tkargo gecikti", "Hülya"),
        ("Ahmet, aşağıdaki notu okuyabilir misin? Kargo gecikti.", "Ahmet"),
        ("Müşteri: y yozgat ı ısparta l lüleburgaz d denizli ı ısparta z zonguldak", "y yozgat"),
    ):
        out, _ = anonymize(engine, text)
        assert value not in out, out
    out, _ = anonymize(engine, "Anyway, the parcel left. Sure, thanks.\nNot:\tkargo gecikti")
    assert out == "Anyway, the parcel left. Sure, thanks.\nNot:\tkargo gecikti"


def test_a_signature_after_a_valediction_in_any_script_goes_the_shops_support_desk_stays(engine):
    for text, name, desk in (
        ("Saygılarımla,\nSelin Arslan\nKargola Müşteri Hizmetleri", "Selin Arslan", "Kargola Müşteri Hizmetleri"),
        ("З повагою,\nОксана Дорош\nСлужба підтримки Кошик", "Оксана Дорош", "Служба підтримки Кошик"),
        ("בברכה,\nנועה ברק\nשירות הלקוחות של בייתי", "נועה ברק", "שירות הלקוחות של בייתי"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out and desk in out, out
    out, _ = anonymize(engine, "Best regards,\nAnna Lindqvist\nQuillfeather Analytics")
    assert "Quillfeather" not in out


def test_a_sentence_with_a_dotted_login_is_no_flattened_table(engine):
    out, types = anonymize(engine, "My login on the portal is jana.koval today.\n")
    assert out == "My login on the portal is <USERNAME_1> today.\n" and types == {"USERNAME"}


def test_korean_names_open_their_word_and_everyday_words_stay_ages_in_korean_numerals_go(engine):
    call = "상담원: 안녕하세요 고객님\n고객: 배송이 늦어요. 택배가 아직 안 왔어요.\n"
    out, _ = anonymize(engine, call + "상담원: 주문하신 상품 확인할게요.\n")
    assert "안녕하세요 고객님" in out and "배송이 늦어요" in out and "안 왔어요" in out and "주문하신" in out, out
    for text, value in (
        ("상담원: 안녕하세요.\n고객: 배송 문의요.\n상담원: 성함이 어떻게 되세요?\n고객: 네, 윤하람입니다.\n", "윤하람"),
        ("고객: 택배는 남편 강태오가 받을 거예요.", "강태오"),
        ("저는 서른여덟 살이에요. 배송 문의드립니다.", "서른여덟"),
        ("제 나이는 사십칠 세입니다.", "사십칠"),
    ):
        out, _ = anonymize(engine, text)
        assert value not in out, out
    out, _ = anonymize(engine, "문을 열세요. 상자 세 개를 주문했어요.")
    assert out == "문을 열세요. 상자 세 개를 주문했어요."


def test_a_plate_after_its_korean_word_and_a_spoken_digit_glued_to_the_copula_go_an_order_number_stays(engine):
    out, _ = anonymize(engine, "차량번호 57러 2281으로 찾으러 갈게요. 주문번호 2031-55170 확인 부탁드려요.")
    assert "57러 2281" not in out and out.startswith("차량번호 ") and "주문번호 2031-55170" in out, out
    out, _ = anonymize(engine, "고객: 연락처는 공 일 공 칠 칠 삼 팔 구 사 육 이입니다\n")
    assert "이입니다" not in out and "입니다" in out, out
    out, _ = anonymize(engine, "Order number 2031-55170 is late; call me on 0612 345 678.")
    assert "2031-55170" in out and "0612 345 678" not in out, out


def test_a_labelled_address_or_date_ends_with_its_sentence_an_abbreviations_point_does_not_end_it(engine):
    out, _ = anonymize(engine, "Adres dostawy: ul. Kwiatowa 15/3, 02-495 Warszawa. Mój numer klienta to K-88120.")
    assert "Kwiatowa" not in out and "Warszawa" not in out and "K-88120" not in out, out
    assert out.startswith("Adres dostawy: <STREET_ADDRESS_1>. Mój numer klienta to <"), out
    out, _ = anonymize(engine, "Lieferadresse: Rosenweg 12, 80331 München. Meine Frage ist einfach.")
    assert "München" not in out and out.endswith(". Meine Frage ist einfach."), out
    out, _ = anonymize(engine, "DOB: 02/11/1979. Bought the headset on 06/01/2025.")
    assert out == "DOB: <DATE_OF_BIRTH_1>. Bought the headset on 06/01/2025.", out


def test_answers_in_subtitle_and_meeting_exports_go_like_answers_in_labelled_turns(engine):
    vtt = (
        "WEBVTT\n\n1\n00:00:00.500 --> 00:00:04.200\n<v Agent>Hi, you're through to Quillmart, how can I help?</v>\n\n"
        "2\n00:00:04.900 --> 00:00:08.100\n<v Caller>Hi, I scraped a van in your car park.</v>\n\n"
        "3\n00:00:08.600 --> 00:00:11.000\n<v Agent>Sorry. What's the registration of your vehicle?</v>\n\n"
        "4\n00:00:11.500 --> 00:00:12.400\n<v Caller>It's 7KTR519.</v>\n"
    )
    srt = (
        "1\n00:00:00,767 --> 00:00:05,584\n- Good afternoon, how can I help?\n\n"
        "2\n00:00:06,100 --> 00:00:09,000\n- I want to add my son to the policy.\n\n"
        "3\n00:00:09,500 --> 00:00:12,000\n- Of course. And the registration\nof the car?\n\n"
        "4\n00:00:12,500 --> 00:00:13,900\n- KJB 417 HF.\n"
    )
    meeting = (
        "Meeting - Transcript\n\nAgent  0:01\nGood morning, what's the registration please?\n\n"
        "Caller  0:05\nWR 704CZ. It's a blue one.\n\nAgent  0:09\nThanks, that's updated.\n"
    )
    for text, value in ((vtt, "7KTR519"), (srt, "KJB 417 HF"), (meeting, "WR 704CZ")):
        out, _ = anonymize(engine, text)
        assert value not in out and "registration" in out, out
        assert ("00:00:" in text) == ("00:00:" in out) and ("0:05" in text) == ("0:05" in out), out


def test_a_call_header_a_claim_reference_and_the_answering_business_stay_can_is_no_name(engine):
    text = (
        "Call ID: CL-20240505-88471\nQueue: Claims\nDirection: Inbound\nDuration: 00:01:32\n----\n"
        "Agent: Thank you for calling Brightsmile Dental, this is Harriet, how can I help?\n"
        "Customer: Hi, my name's Dana Whitlow.\n"
        "Agent: Thanks. Can you confirm your postcode?\n"
        "Customer: Yes.\n"
        "Agent: I've logged it, your claim reference is 54176888.\n"
    )
    out, _ = anonymize(engine, text)
    for kept in ("CL-20240505-88471", "Direction: Inbound", "Brightsmile Dental", "how can I help", "Can you confirm",
                 "Customer: Yes.", "54176888"):  # fmt: skip
        assert kept in out, (kept, out)
    assert "Dana" not in out and "Harriet" not in out
    out, _ = anonymize(engine, "ID llamada: 690989-4471\nNúmero de cliente: 8812094\n")
    assert "690989-4471" in out and "8812094" not in out, out


def test_a_diarized_call_in_small_letters_answers_names_ages_and_plates_and_its_voice_labels_stay(engine):
    call = (
        "[00:00:20.100 --> 00:00:22.000] SPEAKER_00: can i take your name first\n"
        "[00:00:25.825 --> 00:00:27.198] SPEAKER_01: sipho mabaso\n"
        "[00:00:28.479 --> 00:00:30.000] SPEAKER_00: and the registration of the car\n"
        "[00:00:31.000 --> 00:00:33.000] SPEAKER_01: it's a mazda 3 the reg is kp19 xwd\n"
        "[00:00:34.000 --> 00:00:35.000] SPEAKER_00: and your mum's date of birth\n"
        "[00:00:36.000 --> 00:00:38.000] SPEAKER_01: she's eighty-three and i'm not sure of the date\n"
    )
    out, _ = anonymize(engine, call)
    for value in ("sipho", "mabaso", "kp19 xwd", "eighty-three"):
        assert value not in out, (value, out)
    assert out.count("SPEAKER_0") == 6 and "mazda 3" in out and "i'm not sure of the date" in out, out
    out, _ = anonymize(engine, "Agent: Your name?\nCustomer: Priya, that's N-A-I-R.\nAgent: Thanks.\n")
    assert "N-A-I-R" not in out, out
    out, _ = anonymize(engine, "I'm fine, I'm one of the owners and you're two days late. So you're forty, right?")
    assert "I'm one of the owners" in out and "you're two days" in out and "forty" not in out, out


def test_a_birth_date_a_postcode_and_a_login_given_as_answers_in_a_call_go(engine):
    call = (
        "[00:00:34.000 --> 00:00:35.000] SPEAKER_00: and can i take your date of birth\n"
        "[00:00:36.000 --> 00:00:38.000] SPEAKER_01: yeah yeah the fourth of june nineteen seventy-eight\n"
        "[00:00:39.000 --> 00:00:40.000] SPEAKER_00: and the postcode\n"
        "[00:00:41.000 --> 00:00:42.000] SPEAKER_01: it's 4410.\n"
        "[00:00:43.000 --> 00:00:44.000] SPEAKER_00: what's your username on the app\n"
        "[00:00:45.000 --> 00:00:46.000] SPEAKER_01: it's greenfield1982, all one word\n"
        "[00:00:47.000 --> 00:00:48.000] SPEAKER_00: and your date of birth again\n"
        "[00:00:49.000 --> 00:00:50.000] SPEAKER_01: hang on a second\n"
    )
    out, types = anonymize(engine, call)
    for value in ("nineteen seventy-eight", "4410", "greenfield1982"):
        assert value not in out, (value, out)
    assert "hang on a second" in out and "all one word" in out and {"DATE_OF_BIRTH", "ZIP_CODE", "USERNAME"} <= types
    out, _ = anonymize(
        engine, "Agent: Und Ihr Geburtsdatum, bitte?\nKunde: dreizehnten Mai achtundsiebzig.\nAgent: Danke.\n"
    )
    assert "achtundsiebzig" not in out and "Danke." in out, out


def test_phone_numbers_read_in_groups_of_words_go_quantities_and_amounts_stay(engine):
    calls = [
        (
            "Conseillère : Vous avez un portable ?\nCliente : Oui, zéro sept, quarante et un, vingt-deux, "
            "quatre-vingt-dix-neuf, treize.",
            "quarante et un",
        ),
        (
            "Doradca: A numer komórki?\nKlient: Sześćset dwa, trzysta osiemdziesiąt jeden, siedemset czternaście.",
            "trzysta osiemdziesiąt",
        ),
        (
            "Agent: Which number should the driver ring?\nCaller: Oh two nine, seventy-four, sixty-one, "
            "eighty-eight, twelve.",
            "seventy-four",
        ),
        (
            "Müşteri temsilcisi: Cep numaranız?\nArayan: Beş yüz elli üç, altı yüz yirmi, on sekiz, doksan bir.",
            "altı yüz yirmi",
        ),
    ]
    for text, spoken in calls:
        out, types = anonymize(engine, text)
        assert spoken not in out and types == {"PHONE_NUMBER"}, out
    kept = (
        "Customer: The boxes hold twelve, twenty-four, thirty-six and forty-eight cups, and the refund was one "
        "hundred and sixty pounds."
    )
    assert anonymize(engine, kept)[0] == kept


def test_addresses_ips_and_sort_codes_read_out_with_their_spoken_signs_go(engine):
    calls = [
        ("Operatrice: Un indirizzo email?\nCliente: giulia punto marchi chiocciola tiscali punto it", "marchi"),
        ("Agente: ¿Un correo?\nCliente: pablo guion bajo ortega arroba yahoo punto es", "ortega"),
        ("Tech: What does the status page show?\nUser: ten dot twenty dot four dot one ninety-two", "ninety-two"),
        ("Agent: Thanks, and the sort code?\nCaller: forty, eleven, seventy-three.", "seventy-three"),
    ]
    for text, spoken in calls:
        out, _ = anonymize(engine, text)
        assert spoken not in out, out
        assert out.split("\n")[0] == text.split("\n")[0]


def test_a_value_the_quote_wrapped_across_lines_goes_and_the_quote_markers_stay(engine):
    thread = (
        "Any news on this?\n\n"
        "On Fri, 6 Mar 2026 at 16:02, Support <help@kettleshop.example> wrote:\n"
        "> > Please send the refund to the card I paid with, number 4916 3385\n"
        "> > 0627 1898, not to the gift card. My bank is FNB, IBAN DE44 5001\n"
        "> > 0517 5407 3249 31 if a card refund fails.\n"
        "> We will refund order 77314 today."
    )
    out, types = anonymize(engine, thread)
    for part in ("3385", "0627 1898", "5001", "5407 3249 31"):
        assert part not in out
    assert [line[:4] for line in out.split("\n")[3:6]] == ["> > "] * 3
    assert "order 77314" in out and "> We will refund" in out
    assert {"CREDIT_CARD", "IBAN_CODE"} <= types


def test_a_signature_phone_with_a_slashed_area_code_and_a_grouped_national_account_go(engine):
    out, _ = anonymize(engine, "Telefon: 089 / 21 43 65-0\nBitte auf Konto 83 1020 4900 0000 5402 1378 9051 zahlen.")
    for part in ("089", "21 43 65", "1020 4900", "1378 9051"):
        assert part not in out
    assert out.startswith("Telefon: ") and out.endswith(" zahlen.")


def test_agents_introducing_themselves_in_small_letters_go_and_a_plate_in_the_spelling_alphabet_goes(engine):
    call = (
        "SPEAKER_00: morning harbourside water this is lorna how can i help\n"
        "SPEAKER_01: hi um i'm ringing for my mum her name's agnieszka\n"
        "SPEAKER_00: of course and the van's registration\n"
        "SPEAKER_01: sierra kilo seven one, victor romeo mike\n"
        "spk_0: buonasera sono ginevra in cosa posso esserle utile\n"
        "spk_1: bonjour gaëlle à votre écoute"
    )
    out, _ = anonymize(engine, call)
    for name in ("lorna", "agnieszka", "ginevra", "gaëlle", "sierra kilo"):
        assert name not in out, out
    for kept in ("harbourside water", "how can i help", "my mum", "registration", "in cosa posso"):
        assert kept in out


def test_lines_that_open_a_turn_are_never_joined_to_the_line_before():
    from llm_assets.core.anonymization.rewrap import joined

    chat = "B: Proszę o zwrot na konto PL11230846571909636357193689\nB: dziękuję"
    assert joined(chat) is None
    wrapped = "> Please refund my card, the long number is 4916 3385\n> 0627 1898 thanks"
    flat, index = joined(wrapped)
    assert "3385 0627" in flat and len(index) == len(flat)


def test_identity_and_bank_numbers_after_their_words_in_more_languages_go(engine):
    lines = [
        ("Meine Reisepassnummer lautet KT4R82PL9, bitte prüfen.", "KT4R82PL9"),
        ("Číslo řidičského průkazu: EK 518204, děkuji.", "518204"),
        ("Ehliyet numarası: 448201 olarak kayıtlı.", "448201"),
        ("Numer rachunku: 27 1140 2004 0000 3102 7918 4452 (mBank).", "7918 4452"),
    ]
    for text, value in lines:
        out, _ = anonymize(engine, text)
        assert value not in out, out
        assert out.split()[0] == text.split()[0]


def test_spoken_ips_endings_and_spellings_in_more_languages_go(engine):
    calls = [
        (
            "Konsultant: Jaki adres IP widać?\nKlient: osiemdziesiąt jeden kropka dwieście dwa kropka trzynaście "
            "kropka siedem",
            "trzynaście",
        ),
        (
            "Agente: ¿Le devolvemos la llamada a este número?\nCliente: sí, al seis setenta y uno, cuatro treinta, "
            "dos dieciocho",
            "setenta y uno",
        ),
        ("Operatore: la sua mail?\nCliente: è marta punto lodi chiocciola alice punto i t", "lodi"),
        (
            "Atendente: Pode soletrar o sobrenome?\nCliente: B de bola, A de abelha, R de rato, R de rato, O de ovo, "
            "S de sapo",
            "B de bola",
        ),
        ("Atendente: Boa tarde, Seguradora Atlântida, Tiago falando.", "Tiago"),
    ]
    for text, spoken in calls:
        out, _ = anonymize(engine, text)
        assert spoken not in out, out
        assert out.split("\n")[0].split(":")[0] == text.split("\n")[0].split(":")[0]


def test_an_answer_to_a_question_about_an_account_for_a_refund_goes_an_order_number_stays(engine):
    out, _ = anonymize(
        engine, "Agent: Which account number should we use for the refund?\nCaller: It's 57203318846120."
    )
    assert "57203318846120" not in out
    kept = "Thanks for your order 6623091, it ships on Monday."
    assert anonymize(engine, kept)[0] == kept


def test_spoken_addresses_with_numbers_in_words_and_ids_spelled_with_words_and_digits_go(engine):
    calls = [
        ("Client : oui alors c'est margaux soixante-douze arobase f r e e point f r", "margaux"),
        ("Customer: sure it's devon k fifty-one at proton dot me", "devon k"),
        (
            "Operatore: Quindi M come Milano T come Torino quattro due S come Savona uno nove R come Roma, giusto?",
            "quattro due",
        ),
    ]
    for text, spoken in calls:
        out, _ = anonymize(engine, text)
        assert spoken not in out, out
        assert out.split(":")[0] == text.split(":")[0]


def test_the_answering_business_stays_whole_its_agent_and_the_caller_go(engine):
    text = (
        "Agent: Good morning, thank you for calling Whitby & Carlisle, Priyanka speaking, how can I help?\n"
        "Caller: Hi, it's Graham Pettifer, about my glasses."
    )
    out, _ = anonymize(engine, text)
    assert "Whitby & Carlisle" in out
    for name in ("Priyanka", "Graham", "Pettifer"):
        assert name not in out


def test_a_birth_date_with_spaced_points_and_a_doctors_and_an_agents_name_in_more_languages_go(engine):
    lines = [
        ("Zákazník: Datum narození 23. 6. 1979, prosím ověřte.", "1979"),
        ("Atendente: Temos vaga na quinta às 10h com a doutora Figueiredo, pode ser?", "Figueiredo"),
        ("[Konsultantka] Dzień dobry, Bank Wiślany, Bożena przy telefonie.", "Bożena"),
    ]
    for text, value in lines:
        out, _ = anonymize(engine, text)
        assert value not in out, out
    kept = "Zamówienie wysłano 3. 2. 2025, kurier DPD."
    assert anonymize(engine, kept)[0] == kept


def test_a_name_after_her_name_was_and_the_first_name_is_goes_in_small_letters(engine):
    out, _ = anonymize(engine, "spk_1: yeah her name was imogen hartigan and the first name is on the policy")
    assert "imogen" not in out and "on the policy" in out
    out, _ = anonymize(engine, "spk_1: the surname is on the card and the first name is tyler")
    assert "tyler" not in out and "the surname is on the card" in out


def test_a_polish_title_in_its_other_cases_and_a_postcode_read_in_words_go(engine):
    call = (
        "Konsultantka: Rozmawiałam już z panią Haliną Jabłońską i z panem Witoldem Jabłońskim.\n"
        "Konsultantka: Kod pocztowy?\n"
        "Klient: Sześćdziesiąt dwa, sto czterdzieści."
    )
    out, _ = anonymize(engine, call)
    for value in ("Haliną", "Witoldem", "Sześćdziesiąt dwa"):
        assert value not in out, out
    assert "Kod pocztowy?" in out and "Rozmawiałam już z panią" in out


def test_a_birth_date_said_in_polish_or_czech_ordinals_goes(engine):
    for text, said in (
        (
            "Konsultant: A data urodzenia?\nKlient: Dwudziestego czwartego lipca sześćdziesiątego ósmego.\n"
            "Konsultant: Dziękuję, a adres?",
            "czwartego lipca",
        ),
        ("Operátor: Datum narození?\nZákazník: Dvacátého druhého května.\nOperátor: Děkuji.", "druhého května"),
    ):
        out, types = anonymize(engine, text)
        assert "DATE_OF_BIRTH" in types and said not in out, out
        assert out.split("\n")[0] == text.split("\n")[0]


def test_a_run_of_spoken_numbers_that_ends_on_a_spoken_dot_is_read_not_failed(engine):
    text = "Tech: the address was one dot two dot three dot and then the page froze."
    (res,) = engine.anonymize_serial([{"text": text}])
    assert res.ok and "the page froze" in res.fields["text"]


def test_an_agents_name_right_after_the_answering_business_goes_the_business_stays(engine):
    text = (
        "Agent: Thank you for calling Larchmere Optics Delphine Arkwright speaking how can I help\n"
        "Caller: hi yes the frames I ordered are scratched\n"
        "Agent: sorry to hear that"
    )
    out, _ = anonymize(engine, text)
    assert "Delphine" not in out and "Arkwright" not in out, out
    assert "Thank you for calling Larchmere Optics" in out and "the frames I ordered are scratched" in out
    kept = "Thank you for calling Morgan Stanley, how can I help?"
    assert anonymize(engine, kept)[0] == kept


def test_an_answer_in_a_two_turn_exchange_goes_a_two_line_header_stays(engine):
    for text, said in (
        ("IVR: Vilket är ditt födelsedatum?\nKund: sex juli nittonhundrasextioett", "nittonhundrasextioett"),
        ("Bot: What's your date of birth please\nCaller: the ninth of october nineteen seventy", "october"),
    ):
        out, types = anonymize(engine, text)
        assert "DATE_OF_BIRTH" in types and said not in out, out
        assert out.split("\n")[0] == text.split("\n")[0]
    kept = "Status: shipped\nCarrier: Royal Mail"
    assert anonymize(engine, kept)[0] == kept


def test_answers_in_diarized_lines_bracketed_labels_and_json_segments_go(engine):
    spk = (
        "spk_0 0:02  Morning, Halden Water, how can I help?\n"
        "spk_1 0:05  my meter reading looks wrong\n"
        "spk_0 0:09  Sure, may I take your full name?\n"
        "spk_1 0:12  Corwin Ashdale\n"
        "spk_0 0:15  thanks, checking the reading now"
    )
    srt = (
        "1\n00:00:01,100 --> 00:00:03,900\n[Agent] Could I have your postcode please?\n\n"
        "2\n00:00:04,200 --> 00:00:05,000\n[Caller] it's 30417\n\n"
        "3\n00:00:05,300 --> 00:00:07,000\n[Agent] lovely, the courier is DHL"
    )
    segments = (
        '{"segments": [\n'
        '  {"start": 0.5, "end": 2.1, "speaker": "A", "text": "Which username is on the account?"},\n'
        '  {"start": 2.4, "end": 3.0, "speaker": "B", "text": "it is quillfeather_82"},\n'
        '  {"start": 3.2, "end": 5.0, "speaker": "A", "text": "Thanks, the refund goes out Monday."}\n]}'
    )
    for text, value in ((spk, "Corwin Ashdale"), (srt, "30417"), (segments, "quillfeather_82")):
        out, _ = anonymize(engine, text)
        assert value not in out, out
    assert "the courier is DHL" in anonymize(engine, srt)[0]
    assert "the refund goes out Monday" in anonymize(engine, segments)[0]


def test_a_name_or_login_after_the_words_an_answer_opens_with_goes(engine):
    cases = [
        ("Agent: Z kim rozmawiam?\nKlient: no więc, bartłomiej zawadzki\nAgent: dziękuję", "zawadzki"),
        ("Agent: Hej och välkommen, vem talar jag med?\nKund: jaha, Signe Lindroth\nAgent: tack", "Lindroth"),
        ("Agent: Who's calling?\nCaller: oh right, Marisol Quintero\nAgent: thanks", "Quintero"),
        ("Agent: Qual é o seu nome de utilizador?\nCliente: olhe, zebrinhalunar\nAgent: obrigado", "zebrinhalunar"),
    ]
    for text, value in cases:
        out, _ = anonymize(engine, text)
        assert value not in out, out
        assert out.split("\n")[0] == text.split("\n")[0]
    kept = "Agent: Who am I speaking with?\nCaller: sorry, one moment please\nAgent: no problem"
    assert anonymize(engine, kept)[0] == kept


def test_a_value_after_the_words_an_answer_opens_with_goes_a_sentence_with_numbers_stays(engine):
    cases = [
        ("Agent: And the long number on the card?\nCaller: right, so, 4000 1234 5678 9010\nAgent: thanks", "9010"),
        ("オペレーター: お電話番号をお願いします。\nお客様: えっと、03 5412 7789です\nオペレーター: はい", "7789"),
        ("Agent: Which street?\nCaller: hmm, Vinohradská 112, Praha\nAgent: děkuji", "Vinohradská 112"),
    ]
    for text, value in cases:
        out, _ = anonymize(engine, text)
        assert value not in out, out
    kept = "A: what do you need?\nB: lots of things like all the pages from 2 to 9\nA: fine, and the rest"
    assert anonymize(engine, kept)[0] == kept


def test_japanese_answers_an_ip_glued_to_words_and_a_forwarding_note_go_the_customer_label_stays(engine):
    call = (
        "オペレーター: お電話ありがとうございます、さくら電機の翔太でございます。\n"
        "お客様: 引っ越したので、郵便番号を変えたいです。\n"
        "オペレーター: 新しい郵便番号をお願いします。\n"
        "お客様: はい、460-0008です\n"
        "オペレーター: ルーターのIPアドレスは88.214.7.190ですね。本日の営業でございます。"
    )
    out, _ = anonymize(engine, call)
    for value in ("翔太", "460-0008", "88.214.7.190"):
        assert value not in out, out
    assert "お客様: " in out and "本日の営業でございます" in out and "さくら電機の" in out
    out, _ = anonymize(engine, "路由器ip地址是10.48.213.77吗")
    assert "10.48.213.77" not in out
    kept = "Build v2.4.1.9-rc passed; see release 3.1.0.2 notes."
    assert "v2.4.1.9-rc" in anonymize(engine, kept)[0]
    note = "Radoslava -> can you check this one?\n\n-------- Forwarded message --------\nOrder 5512"
    out, _ = anonymize(engine, note)
    assert "Radoslava" not in out and "can you check this one?" in out
    assert anonymize(engine, "Status -> shipped")[0] == "Status -> shipped"


def test_a_camel_case_product_a_numbered_order_and_a_carriers_parcel_stay_a_signatures_phone_line_is_no_address(
    engine,
):
    text = (
        "Customer: the order number's #837250, a SmartMeter Hub, and Royal Mail has it as JJD0021457781 (Royal Mail).\n"
        "Customer: my manager Deirdre FitzGerald said to call. Call me on 0161 496 0777."
    )
    out, _ = anonymize(engine, text)
    for kept in ("#837250", "SmartMeter Hub", "JJD0021457781 (Royal Mail)"):
        assert kept in out, out
    for gone in ("Deirdre", "FitzGerald", "496 0777"):
        assert gone not in out, out
    signature = "Thanks,\n\nImogen Okafor\nBrightwater Energy\nTel: 01202 054806"
    out, types = anonymize(engine, signature)
    assert "STREET_ADDRESS" not in types and "Okafor" not in out and "054806" not in out, (out, types)


def test_a_mails_subject_line_is_no_turn_and_an_order_number_named_once_stays_wherever_it_repeats(engine):
    thread = (
        "Subject: Dubbel debitering faktura FAC-55120\n\n"
        "Den 2024-05-20 09:31 skrev Ingrid Halvorsen:\n"
        "> Hej,\n> pengarna är tillbaka.\n>\n> [FAC-55120] kaffebryggare — 89 kr\n>\n"
        "> Vänliga hälsningar\n> Ingrid Halvorsen\n"
        "From: Oskar Lindqvist <oskar.l@example.se>\nTo: Kundtjänst <support@example.se>"
    )
    out, types = anonymize(engine, thread)
    assert out.startswith("Subject: Dubbel debitering faktura FAC-55120\n"), out
    assert "[FAC-55120] kaffebryggare" in out and "STREET_ADDRESS" not in types
    for name in ("Ingrid", "Halvorsen", "Oskar", "oskar.l@example.se"):
        assert name not in out, out


def test_the_business_its_shared_mailbox_writes_from_stays_a_customers_employer_goes(engine):
    thread = (
        "From: Priya Raman <priya.raman@example.net>\n"
        "To: Larkspur Telecom <support@larkspurtelecom.com>\n"
        "Subject: Router refund\n\n"
        "Hello, I work at Halvorsen Logistics and need the refund for order 55120.\n\n"
        "Hi Priya,\nthe refund is on its way.\n\nBest,\nOwen Tregarthen\nLarkspur Telecom\n"
        "o.tregarthen@larkspurtelecom.com"
    )
    out, _ = anonymize(engine, thread)
    assert out.count("Larkspur Telecom") == 2, out
    for gone in ("Priya", "Raman", "Owen", "Tregarthen", "Halvorsen Logistics", "o.tregarthen@"):
        assert gone not in out, out


def test_an_agent_named_between_the_business_and_listening_goes_in_more_scripts(engine):
    for text, name in (
        ("Оператор: Служба підтримки Зелена Лінія, Оксана, слухаю вас.", "Оксана"),
        ("Agente: Linha de apoio Águas do Norte, Beatriz, diga por favor.", "Beatriz"),
        ("एजेंट: नमस्ते, मैं सुनीता बोल रही हूँ, बताइए क्या मदद करूँ?", "सुनीता"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out
    kept = "Yes, sure, please, how can I help?"
    assert anonymize(engine, kept)[0] == kept


def test_a_birth_date_after_the_words_an_answer_opens_with_goes_a_refusal_stays(engine):
    for text, said in (
        (
            "Agent: Can you confirm your date of birth?\nCaller: haan, the second of March nineteen eighty\nAgent: ok",
            "March",
        ),
        ("Agent: Wann sind Sie geboren?\nKunde: moment, am vierten Mai neunzehnhundertachtzig\nAgent: danke", "Mai"),
    ):
        out, types = anonymize(engine, text)
        assert "DATE_OF_BIRTH" in types and said not in out, out
    kept = "Agent: What's your date of birth?\nCaller: sorry, I don't remember\nAgent: ok"
    assert anonymize(engine, kept)[0] == kept


def test_a_town_right_after_an_address_goes_in_any_script_and_in_small_letters(engine):
    for text, town, kept in (
        ("배송지: 세종대로 110, 04524 부산광역시 으로 보내 주세요. 롯데택배입니다.", "부산광역시", "롯데택배"),
        ("si claro es avenida de la constitución 8 valencia y mi teléfono ya lo tiene", "valencia", "mi teléfono"),
        ("Paczka ZAM-7781 do:\n> ul. Piotrkowska 104\n>> 90-926 Łódź\n", "Łódź", "ZAM-7781"),
    ):
        out, _ = anonymize(engine, text)
        assert town not in out and kept in out, out
    # an everyday word after the address is no town ("como", Spanish "as")
    out, _ = anonymize(engine, "Vivo en Calle Mayor 5, como le dije antes.")
    assert "como le dije antes" in out, out


def test_form_labels_in_korean_hindi_and_polish_say_what_their_values_are(engine):
    form = (
        "고객명: 박서연\n휴대폰번호: 010-4821-7733\n우편번호: 48058\n주문번호: KR-55120-B\n"
        "पूरा नाम: कविता जोशी\nउम्र: 41 साल\n"
        "Numer rejestracyjny: KR 7H412\nNr zamówienia: 2026/7731\n"
    )
    out, types = anonymize(engine, form)
    for gone in ("박서연", "4821", "48058", "कविता", "41", "7H412"):
        assert gone not in out, out
    for kept in ("KR-55120-B", "2026/7731", "साल", "고객명:", "पूरा नाम:", "Numer rejestracyjny:"):
        assert kept in out, out
    assert {"PERSON", "PHONE_NUMBER", "ZIP_CODE", "AGE", "LICENSE_PLATE"} <= types


def test_korean_particles_glued_to_a_value_do_not_hide_it(engine):
    call = (
        "상담원: 우편번호 불러 주시겠어요?\n고객: 음 61452요.\n상담원: 영문 성함도 부탁드려요.\n"
        "고객: 영문으로는 Jiwoo Park이고요.\n상담원: 연락처는요?\n고객: 010-2894-3176입니다.\n"
        "상담원: 접수번호 RT-4471-22로 반품 등록했습니다. 2월 3일 회수 예정이에요."
    )
    out, types = anonymize(engine, call)
    for gone in ("61452", "Jiwoo", "2894"):
        assert gone not in out, out
    for kept in ("요.", "이고요.", "입니다.", "RT-4471-22로", "2월 3일"):
        assert kept in out, out


def test_where_a_caller_lives_goes_inflected_or_in_korean(engine):
    for text, place in (
        ("고객: 아 저 망원동 사는데요, 배송이 너무 늦어서요.", "망원동"),
        ("Klientka: u nas w Tarnowie kurier nigdy nie dzwoni.", "Tarnowie"),
        ("klient: no więc mieszkam w gdyni i paczka dalej stoi w sortowni", "gdyni"),
    ):
        out, _ = anonymize(engine, text)
        assert place not in out, out
    for kept in ("Klient: Tak, jestem w szoku, paczka przyszła pusta.", "고객: 저 혼자 사는데요, 괜찮아요."):
        assert anonymize(engine, kept)[0] == kept


def test_a_polish_name_after_an_inflected_honorific_goes(engine):
    out, _ = anonymize(engine, "Konsultant: Czy rozmawiam z Panią Bożeną Sławińską? Konto jest na Pana Żaka.")
    for gone in ("Bożeną", "Sławińską", "Żaka"):
        assert gone not in out, out
    assert out.startswith("Konsultant: Czy rozmawiam z ")


def test_what_an_agent_asked_is_no_answer_to_their_own_question(engine):
    call = "상담원: 성함 부탁드립니다.\n고객: 윤서진이요.\n상담원: 고객번호 아시면 불러 주세요.\n고객: 잠시만요."
    out, _ = anonymize(engine, call)
    assert "윤서진" not in out and "상담원: 고객번호 아시면 불러 주세요." in out, out


def test_a_korean_name_spelled_syllable_by_syllable_and_an_agents_sign_off_go(engine):
    call = (
        "상담원: 성함을 한 글자씩 불러 주시겠어요?\n고객: 허, 윤, 아. 윤은 맏 윤 자예요.\n"
        "상담원: 생일이 어떻게 되세요?\n고객: 88년 11월 2일이요.\n"
        "상담원: 네, 확인됐습니다. 지금까지 상담원 표지훈이었습니다.\n고객: 네, 네."
    )
    out, types = anonymize(engine, call)
    for gone in ("허, 윤, 아", "11월", "표지훈"):
        assert gone not in out, out
    assert "고객: 네, 네." in out and "DATE_OF_BIRTH" in types, out


def test_a_relative_named_after_a_comma_and_an_agent_before_the_business_go(engine):
    for text, name in (
        ("Klientka: Nie, dzwonię w imieniu syna, Jędrzeja Wróbla.", "Wróbla"),
        ("18:01 - Sklep: dziękujemy za cierpliwość. Zdzisław, słucham.", "Zdzisław"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out
    kept = "Agent: Hello, thanks for calling, how can I help?"
    assert anonymize(engine, kept)[0] == kept


def test_an_everyday_word_that_names_a_region_stays_and_spoken_numbers_keep_their_own_placeholders(engine):
    kept = "Klient: Tak. Proszę o fakturę."
    assert anonymize(engine, kept)[0] == kept
    call = (
        "Agent: Your phone number?\nCaller: four one seven two two nine eight\n"
        "Agent: And the other one?\nCaller: six six three oh five one two"
    )
    out, _ = anonymize(engine, call)
    placeholders = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Caller")]
    assert len(set(placeholders)) == 2 and all(p.startswith("<") for p in placeholders), out


def test_a_domestic_card_number_goes_where_a_card_is_named_and_a_korean_answer_after_a_hesitation(engine):
    call = (
        "[00:00:20] 상담원: 성함 말씀해 주세요.\n[00:00:24] 고객: 음... 표하람이요.\n"
        "[00:01:03] 상담원: 결제하신 카드 번호 불러 주시겠어요?\n"
        "[00:01:07] 고객: 국민카드고요, 9445 2210 0381 7729요.\n"
        "[00:01:12] 상담원: 사랑합니다 고객님, 확인됐습니다."
    )
    out, types = anonymize(engine, call)
    assert "표하람" not in out and "7729" not in out and "CREDIT_CARD" in types, out
    kept = "Order 9445 2210 0381 7729 shipped today."  # no card named: a reference, not a card
    assert "CREDIT_CARD" not in anonymize(engine, kept)[1]


def test_a_romanized_name_introduced_in_korean_goes_and_the_word_for_name_stays(engine):
    out, _ = anonymize(engine, "고객: 안녕하세요 저는 Moon Garam입니다. 주문 확인 부탁드려요")
    assert "Moon" not in out and "Garam" not in out and "주문 확인 부탁드려요" in out, out
    out, _ = anonymize(engine, "[10:01] 상담사: 성함이 어떻게 되세요?\n[10:02] 고객: 제 이름은 Kim Minjun이에요")
    assert "Minjun" not in out and "제 이름은 <PERSON_1>이에요" in out, out


def test_a_lower_case_name_with_a_particle_and_a_family_name_no_list_holds_goes(engine):
    chat = (
        "14:02 support: hoi, waarmee kan ik helpen?\n14:03 klant: mijn pakket is niet aangekomen\n"
        "14:03 support: op welke naam staat de bestelling?\n14:04 klant: femke van der zwietering\n"
        "14:05 support: dank je, ik kijk het na\n"
    )
    out, _ = anonymize(engine, chat)
    assert "zwietering" not in out and "mijn pakket is niet aangekomen" in out, out
    kept = "14:02 a: hoi\n14:03 b: mark as read\n14:04 a: ok\n14:05 b: done\n"
    assert anonymize(engine, kept)[0] == kept


def test_a_chat_speakers_full_name_in_a_script_without_capitals_goes_a_role_label_stays(engine):
    chat = (
        "[09:14] अनुराधा कुलकर्णी: नमस्ते, मेरा रिफंड अभी तक नहीं आया\n"
        "[09:15] ग्राहक सेवा: कृपया ऑर्डर नंबर बताइए\n"
        "[09:16] अनुराधा कुलकर्णी: ORD-88217\n"
    )
    out, _ = anonymize(engine, chat)
    assert "कुलकर्णी" not in out and "ग्राहक सेवा: कृपया ऑर्डर नंबर बताइए" in out, out


def test_an_email_read_out_word_by_word_goes_whatever_its_local_part_holds(engine):
    """Letters' names, numbers in words and a name before the word for "@", a domain of one to three words, an
    ending spelled by its letters' names or glued to Korean's word for the dot."""
    for text, kept in (
        ("고객: 씨 오 에이치 점 제이 아이 엠 아이 엔 골뱅이 지메일 닷컴이요. 상담원: 네 확인했습니다.", "상담원: 네"),
        ("Klient: lukasz kropka zajac sześć siedem małpa o dwa kropka pe el, wszystko małymi.", "wszystko małymi."),
        ("Klientka: adres e-mail azalewski czterdzieści pięć małpa o dwa kropka pe el, dziękuję.", "adres e-mail"),
        ("Клієнт: моя пошта olena крапка bondar собачка ukr крапка net, дякую.", "моя пошта"),
    ):
        out, types = anonymize(engine, text)
        assert "EMAIL_ADDRESS" in types and kept in out, out
        for gone in ("제이 아이", "zajac", "azalewski", "czterdzieści", "bondar", "o dwa", "pe el", "ukr"):
            assert gone not in out, out
    prose = "Kurier przyjedzie o dwunastej, proszę czekać przy bramie."
    assert anonymize(engine, prose)[0] == prose


def test_a_messenger_exports_handle_and_its_header_party_go_the_business_stays(engine):
    telegram = (
        "ElektroMarket, [13.04.2024 18:01]\nDzień dobry, tu sklep ElektroMarket. Jak mogę pomóc?\n"
        "beata_c86, [13.04.2024 18:02]\nWitam, paczka nie doszła\n"
    )
    out, types = anonymize(engine, telegram)
    assert "beata_c86" not in out and "USERNAME" in types
    assert out.startswith("ElektroMarket, [13.04.2024 18:01]\nDzień dobry, tu sklep ElektroMarket.")
    kakao = (
        "달빛소나타 님과 카카오톡 대화\n저장한 날짜 : 2024-08-20 14:38:28\n"
        "[달빛소나타] [오후 2:31] 주문한 물건이 안 왔어요\n[온누리마켓] [오후 2:32] 주문번호 알려주세요"
    )
    out, _ = anonymize(engine, kakao)
    assert "달빛소나타" not in out and "[온누리마켓] [오후 2:32] 주문번호 알려주세요" in out, out


def test_a_number_read_out_in_three_groups_or_more_goes_without_a_cue_before_it(engine):
    for text, gone in (
        ("Klient: Tak, siedemdziesiąt pięć, dwanaście, dwanaście, sześćdziesiąt trzy siedemdziesiąt.", "dwanaście"),
        ("Абонент: шістнадцять три, п'ятдесят два вісім, сорок дев'ять тридцять чотири.", "сорок"),
    ):
        out, _ = anonymize(engine, text)
        assert gone not in out and out.startswith(text.split(":")[0] + ":"), out
    amount = "Klient: zapłaciłam dwieście czterdzieści dziewięć złotych i nic nie przyszło."
    assert anonymize(engine, amount)[0] == amount


def test_a_street_address_with_its_numbers_said_in_words_goes(engine):
    for text, kept in (
        (
            "Klient: mieszkam ulica grunwaldzka sto trzydzieści dwa kod czterdzieści cztery trzysta pięćdziesiąt pięć",
            "Klient",
        ),
        ("Müşteri: Zambak Sokak seksen dokuz numara, daire on bir. Posta kodu 34710.", "Posta kodu"),
        (
            "Клієнт: вулиця Миру, будинок сто сорок три, квартира дев'яносто шість, індекс десять нуль двадцять шість.",
            "Клієнт",
        ),
        ("Клієнт: Соборна сорок п'ять, квартира тридцять сім.", "Клієнт"),
        ("고객: 주소는 매영로 십이길 오십 백팔동 천오백삼호이고요, 우편번호 일육일구칠.", "주소는"),
    ):
        out, _ = anonymize(engine, text)
        assert kept in out, out
        for gone in ("grunwaldzka", "pięćdziesiąt", "Zambak", "on bir", "34710", "Миру", "сорок", "десять", "Соборна",
                     "тридцять", "매영로", "천오백삼호", "일육일구칠"):  # fmt: skip
            assert gone not in out, out
    for everyday in (
        "Klient: na ulicy był korek, dwa razy dzwoniłem.",
        "상담원: 금액 87,500원으로 이메일 발송해 드리겠습니다.",
        "Konsultant: kurier dostarczy ją jutro między dziesiątą a dwunastą, zamówienie numer sto dwadzieścia.",
    ):
        assert anonymize(engine, everyday)[0] == everyday


def test_an_east_slavic_full_name_goes_by_its_patronymic_in_any_case_and_order(engine):
    for text, kept, gone in (
        ("Клієнт: Бондаренко Софія Петрівна\nЛінія: СвітлоЕнерго", "Лінія: СвітлоЕнерго", "Софія"),
        ("власник рахунку ковальчук людмила миколаївна а я просто допомагаю", "власник рахунку", "людмила"),
        ("Клієнт: мене звати Олег Іванович, я телефоную щодо рахунку.", "мене звати", "Іванович"),
    ):
        out, types = anonymize(engine, text)
        assert kept in out and gone not in out and "PERSON" in types, out
    plain = "Оператор: Доброго дня, сервіс працює цілодобово, ремонт по вулиці триває."
    assert anonymize(engine, plain)[0] == plain


def test_the_town_before_a_street_and_the_district_and_city_after_it_go(engine):
    out, _ = anonymize(engine, "Клієнт: Е-е, Житомир, вулиця Миру, будинок сто сорок три, квартира дев'яносто шість.")
    assert "Житомир" not in out and out.startswith("Клієнт: Е-е, "), out
    out, _ = anonymize(
        engine, "Arayan: Gazi Bulvarı, numara otuz dokuz, daire on dokuz, Keçiören, Ankara, teşekkürler."
    )
    assert "Keçiören" not in out and "Ankara" not in out and out.endswith(", teşekkürler."), out
    out, _ = anonymize(engine, "Mia Kovacs\n214 Broadway, Suite 926\nNew York")
    assert "Suite 926" not in out


def test_a_town_in_small_letters_after_living_words_goes_in_a_capitalized_text(engine):
    out, _ = anonymize(engine, "Klient: mieszkam w gdyni, ul. krótka 35/36, kod 32-020.")
    for gone in ("gdyni", "krótka", "/36", "32-020"):
        assert gone not in out, out
    assert out.startswith("Klient: mieszkam w ")
    for kept in ("Klient: Tak, jestem w domu, paczka nie przyszła.", "Klient: mieszkam w bloku na trzecim piętrze."):
        assert anonymize(engine, kept)[0] == kept


def test_a_name_or_plate_spelled_with_the_letters_names_goes(engine):
    for text, kept, gone in (
        ("Temsilci: Soyadınız? Arayan: Tabii, ka, a, ye, a. Temsilci: Teşekkürler.", "Temsilci: Teşekkürler.", "ka, a"),
        ("Клієнт: По літерах: ем, а, ел, и, ен, а. Оператор: Дякую.", "Оператор: Дякую.", "ем, а, ел"),
        ("Numer rejestracyjny? Klient: de be, trzysta dwanaście ef ka. Konsultant: Dobrze.", "Dobrze", "ef ka"),
        ("고객: 나비 할 때 나, 우유 할 때 우, 리본 할 때 리요. 상담원: 네.", "상담원: 네.", "나비 할 때"),
    ):
        out, types = anonymize(engine, text)
        assert kept in out and gone not in out, out
    # the same short words in sentences stay
    for plain in (
        "Klient: a te dwieście złotych to za co? Konsultant: to opłata, a i o tym pisaliśmy.",
        "Müşteri: iki yüz elli ve üç yüz de ödedim, ne oldu? Temsilci: bakıyorum.",
    ):
        assert anonymize(engine, plain)[0] == plain


def test_a_birth_date_said_in_words_goes_wherever_its_answer_stands(engine):
    for text, gone in (
        (
            "петренко ігор\nдля перевірки назвіть будь ласка дату народження\n"
            "двадцять третього травня тисяча дев'ятсот вісімдесят другого року\nдякую",
            "травня",
        ),
        (
            '[{"id": 3, "start": 12.5, "text": "Назвіть, будь ласка, дату народження."}, '
            '{"id": 4, "start": 15.0, "text": "Так, сьомого липня дев\'яносто першого."}]',
            "липня",
        ),
    ):
        out, types = anonymize(engine, text)
        assert gone not in out and "DATE_OF_BIRTH" in types, out
    plain = "Klient: urodziny mamy są dwudziestego maja, a zamówienie przyjdzie trzeciego czerwca."
    assert anonymize(engine, plain)[0] == plain


def test_a_pretty_printed_json_transcript_is_read_as_turns(engine):
    segments = [
        (0, "Як до вас звертатися?"),
        (1, "Петро Гнатюк."),
        (0, "Дякую. Скільки вам років?"),
        (1, "Сорок два."),
    ]
    text = json.dumps(
        [{"id": k, "channel": ch, "start": 2.5 * k, "text": said} for k, (ch, said) in enumerate(segments)],
        ensure_ascii=False,
        indent=2,
    )
    out, types = anonymize(engine, text)
    assert "Петро" not in out and "Сорок два" not in out and "AGE" in types, out
    assert json.loads(out)[2]["text"] == "Дякую. Скільки вам років?"


def test_a_turkish_surname_and_the_town_before_its_case_ending_go(engine):
    out, _ = anonymize(engine, "Müşteri: Adım Elif, soyadım Yıldız. Temsilci: Teşekkürler.")
    assert "Yıldız" not in out and out.endswith("Temsilci: Teşekkürler."), out
    out, types = anonymize(engine, "Müşteri: Çengelköy'de oturuyoruz, kargo hâlâ gelmedi.")
    assert "Çengelköy" not in out and "'de oturuyoruz" in out and "LOCATION" in types, out
    plain = "Müşteri: Trendyol'dan aldım, kargo hâlâ gelmedi."
    assert anonymize(engine, plain)[0] == plain


def test_an_agents_first_name_after_their_title_goes_however_common_the_word(engine):
    call = (
        "[00:00:01] Консультант: Добрий день, Кошик, оператор Володимир, слухаю вас.\n"
        "[00:00:04] Абонент: Мені не прийшло замовлення, оплачене вчора.\n"
        "[00:00:08] Консультант: Зараз перевірю, хвилинку."
    )
    out, _ = anonymize(engine, call)
    assert "Володимир" not in out and "оператор <PERSON_1>, слухаю вас" in out, out
    plain = "Клієнт: мій оператор Київстар не працює вже два дні."
    assert anonymize(engine, plain)[0] == plain


def test_a_full_name_answering_a_request_for_it_goes_however_common_its_words(engine):
    call = (
        "Консультант: Добрий день, чим можу допомогти?\n"
        "Клієнт: Хочу змінити тариф.\n"
        "Консультант: Як до вас звертатися? Прізвище та ім'я, будь ласка.\n"
        "Клієнт: Андрій Савченко.\n"
        "Консультант: Дякую, зараз перевірю."
    )
    out, types = anonymize(engine, call)
    assert "Андрій" not in out and "Савченко" not in out and "Консультант: Дякую, зараз перевірю." in out, out


def test_a_number_glued_to_a_chinese_or_japanese_particle_goes_a_labelled_reference_stays(engine):
    out, _ = anonymize(engine, "另外，我的证件号码是110105195008026375。谢谢！")
    assert "110105195008026375" not in out and out.startswith("另外,我的证件号码是<") and out.endswith("。谢谢!"), out
    out, _ = anonymize(engine, "免許証の番号は412099887766です。よろしくお願いします。")
    assert "412099887766" not in out and out.endswith("です。よろしくお願いします。"), out
    kept = "发票95123950已审批，将于月底付款。"
    assert anonymize(engine, kept)[0] == unicodedata.normalize("NFKC", kept)


def test_an_age_after_a_turning_verb_or_in_chinese_numerals_goes(engine):
    cases = {
        "Honestly I've just turned sixty-four, so go slowly with me.": "sixty-four",
        "Je vais avoir quarante-deux ans en mars, c'est pour l'assurance.": "quarante-deux",
        "La settimana prossima compio settantuno anni, quindi ho diritto allo sconto?": "settantuno",
        "Mein Mann wird nächsten Monat 83, deshalb rufe ich an.": "83",
        "客户说她明年就满七十二岁了，想换个套餐。": "七十二",
    }
    for text, age in cases.items():
        out, types = anonymize(engine, text)
        assert age not in out and "AGE" in types, out
    plain = "We turned 2 orders around today; the courier turned up 3 days late. Ich werde 5 Minuten warten."
    assert anonymize(engine, plain)[0] == plain


def test_a_companys_register_number_in_its_footer_stays_a_sole_traders_tax_number_goes(engine):
    footers = [
        "Vriendelijke groet, Klantenservice\nHavenlicht B.V. - KvK 61234570 - Dit bericht is vertrouwelijk.",
        "Cordialement,\nService clients\nMaisonVerte SAS - RCS Nantes 812 345 671",
        "Registered in England and Wales, company number 09876543.",
        "Saludos,\nAtención al cliente\nCasaluz S.L. - CIF B12345674",
        "Pozdrawiamy,\nDział obsługi klienta\nZielony Dom Sp. z o.o., KRS 0000123456",
    ]
    numbers = ("61234570", "812 345 671", "09876543", "B12345674", "0000123456")
    for footer, number in zip(footers, numbers, strict=True):
        out, _ = anonymize(engine, footer)
        assert number in out, out
    out, _ = anonymize(engine, "Rachunek wystawił: Jan Kowal, NIP 7251801126, tel. 501 222 333")
    assert "501 222 333" not in out
    out, _ = anonymize(engine, "Enskild firma Anna Berg, org.nr 850312-4455")
    assert "850312-4455" not in out


def test_a_business_mailboxs_display_name_stays_a_persons_goes(engine):
    header = (
        "Von: Jonas Weber <jonas.weber@gmx.de>\nAn: Lumora <kundenservice@lumora.de>\nBetreff: Rücksendung\n\n"
        "Op zo 7 sep 2025 om 09:31 schreef Fietsplein <klantenservice@fietsplein.nl>:"
    )
    out, _ = anonymize(engine, header)
    assert "Jonas Weber" not in out and "An: Lumora <" in out and "schreef Fietsplein <" in out, out
    out, _ = anonymize(engine, "From: Maria Lopez <support@shopline.com>\nTo: Carey <carey@carey.net>")
    assert "Maria Lopez" not in out and "Carey" not in out, out


def test_a_table_a_reply_quotes_is_read_by_its_header(engine):
    quoted = (
        "> > Hier die Daten der Reisenden:\n"
        "> >\n"
        "> > | Namn | Födelsedatum | Passnr | Giltigt t.o.m. |\n"
        "> > |------|--------------|--------|----------------|\n"
        "> > | Karin Lund | 1961-04-12 | 58213904 | 11/10/2031 |\n"
        "> > | Ola Lund | 3 mars 1959 | 77120458 | 02/07/2030 |\n"
        "> >\n"
        "> > Hälsningar"
    )
    out, types = anonymize(engine, quoted)
    assert "58213904" not in out and "77120458" not in out and "Karin" not in out, out
    assert "> > | Namn | Födelsedatum | Passnr | Giltigt t.o.m. |\n> > |------|" in out and "| 11/10/2031 |" in out, out


def test_a_polish_account_number_in_its_domestic_form_goes_without_a_cue(engine):
    out, types = anonymize(engine, "Klient: dla pewności 61 1090 1014 0000 0712 1981 2874, dobrze?")
    assert "1981 2874" not in out and "BANK_ACCOUNT" in types, out
    plain = "Numer zamówienia 12 3456 7890 1234 5678 9012 3456 potwierdzony."
    assert anonymize(engine, plain)[0] == plain


def test_an_email_read_out_in_japanese_katakana_or_with_a_handle_in_korean_goes(engine):
    out, _ = anonymize(engine, "はい、sato ドット hiro55 アットマーク ヤフードットシーオードットジェーピーです。")
    assert "hiro55" not in out and "ヤフー" not in out and out.endswith("です。"), out
    out, _ = anonymize(engine, "えーと、tanaka88アットマークgmailドットコムでお願いします。")
    assert "tanaka88" not in out and out.endswith("でお願いします。"), out
    out, _ = anonymize(engine, "고객: 이메일은 minsu82 골뱅이 네이버 닷컴이에요.")
    assert "minsu82" not in out, out


def test_a_service_desks_ticket_number_stays(engine):
    text = "Ich habe den Widerspruch SR-48120977 angelegt; Ihr Antrag hat die Nummer inc7730461, Schaden CLM-2025-0412."
    assert anonymize(engine, text)[0] == text


def test_a_support_desk_signing_a_dotted_number_label_and_a_chinese_compound_noun_stay(engine):
    out, _ = anonymize(engine, "Mit freundlichen Grüßen\nKundenservice\nLeuchtwerk Handels GmbH")
    assert "\nKundenservice\n" in out, out
    out, _ = anonymize(engine, "Vänliga hälsningar\nKundtjänst, Fjällbo AB, org.nr 556677-8899")
    assert "org.nr 556677-8899" in out, out
    out, _ = anonymize(engine, "Please quote the ref.no: 4411 on the invoice.")
    assert "ref.no: 4411" in out, out
    text = "请提供您的银行卡号后四位，以便我们核实身份。"
    assert anonymize(engine, text)[0] == text.replace("，", ",")  # the engine's NFKC normalization
    # a person after a valediction, a URL, and a Chinese name still go
    out, _ = anonymize(engine, "Mit freundlichen Grüßen\nAnnelie Brandstätter\nKundenservice")
    assert "Brandstätter" not in out and "Kundenservice" in out, out
    out, _ = anonymize(engine, "我的银行卡被冻结了，我叫王建华，电话在订单里。")
    assert "王建华" not in out and "银行卡" in out, out


def test_a_business_registers_court_and_town_in_a_legal_footer_stay(engine):
    for footer in (
        "Lumenhaus GmbH · Sitz der Gesellschaft: Bonn · Registergericht: Amtsgericht Bonn, HRB 22187",
        "Mit freundlichen Grüßen\nRegistergericht: Amtsgericht Köln, HRB 55123",
        "Kloppers B.V., KvK Utrecht 30123456, BTW NL001234567B01",
        "Verdalis, capital 10 000 €, RCS Lyon 812 345 678",
    ):
        out, _ = anonymize(engine, footer)
        assert footer.split("\n")[-1].split(", capital")[-1] in out, out
    # a town beside no register's number or legal form, and a sole trader's seat that is a street address, go
    out, _ = anonymize(engine, "I moved to Lyon last year; my RCS Lyon contact said hi.")
    assert "Lyon" not in out, out
    out, _ = anonymize(engine, "Hans Köhler e.K., Inhaber Hans Köhler, Sitz: Gartenweg 4, Bonn")
    assert "Gartenweg" not in out and "Köhler" not in out, out


# -- numbers read out in calls: over a cue's line break, over two turns, in Han and katakana digits -------------------


def test_a_number_read_out_over_a_subtitle_line_break_goes_whole(engine):
    cue = "00:01:04.200 --> 00:01:09.900\n<v Caller>sure, it's four four one, seven zero, two six eight\nthree."
    out, _ = anonymize(engine, cue)
    assert "<v Caller>" in out and "three." not in out and "two six eight" not in out, out
    srt = (
        "17\n00:00:31,000 --> 00:00:36,500\n- Pode ligar no oito trinta e dois quarenta e um\nsessenta e sete noventa."
    )
    out, _ = anonymize(engine, srt)
    assert "sessenta" not in out and "quarenta" not in out, out
    # a line that opens with other words after a number is not the number's
    out, _ = anonymize(engine, "We ordered two\nOne of them came broken.")
    assert out == "We ordered two\nOne of them came broken.", out


def test_a_number_split_over_two_turns_around_a_backchannel_goes_whole(engine):
    calls = {
        "Sprecher A [12.40 - 15.10]: Meine Handynummer ist null eins sieben.\n"
        "Sprecher B [15.30 - 16.00]: Ja?\n"
        "Sprecher A [16.20 - 19.80]: und dann sechs zwei acht vier vier null neun.\n"
        "Sprecher B [20.00 - 21.10]: Danke schön.": "null eins sieben",
        "agent: which number can we call you back on\n"
        "caller: it's 0207\n"
        "agent: mhm\n"
        "caller: then nine four six one three eight two\n"
        "agent: thanks": "0207",
        "[02:10] votre numéro de client s'il vous plaît\n"
        "[02:14] c'est 584201\n"
        "[02:17] oui\n"
        "[02:18] sept sept trois neuf deux un\n"
        "[02:22] merci": "584201",
    }
    for call, half in calls.items():
        out, _ = anonymize(engine, call)
        assert half not in out, out
    # a quantity that ends a sentence before a number is read out is no half of it
    call = (
        "agent: hold the power button for 10 seconds\n"
        "caller: ok\n"
        "agent: now your phone number please\n"
        "caller: oh seven seven one two three four five six seven eight"
    )
    out, _ = anonymize(engine, call)
    assert "for 10 seconds" in out and "seven eight" not in out, out


def test_digits_read_out_in_figures_and_words_mixed(engine):
    out, _ = anonymize(engine, "caller: mijn mobiel is nul zes 43 acht een 19 twee vijf\nagent: dank u")
    assert "43 acht" not in out and "19 twee" not in out, out


def test_han_and_katakana_digits_read_out_one_by_one(engine):
    for text, value in (
        ("担当: 口座番号をお願いします。\n顧客: 口座番号は三八一七七〇二です。", "三八一七七〇二"),
        ("客服: 请报一下您的手机号\n用户: 幺三九 二八零幺 七七四六", "二八零幺"),
        ("顧客: えっと、六二八四の五五〇一の三九七二です。", "六二八四の五五〇一"),
        ("顧客: 電話番号はゼロキューサンニーハチハチナナです。", "ゼロキューサンニーハチハチナナ"),
    ):
        out, _ = anonymize(engine, text)
        assert value not in out, out
    # a year, a quantity and an amount written with Han digits stay
    for text in ("二〇二四年に注文しました。", "三百五十元を払いました。", "一二三四五六円の請求です。"):
        assert anonymize(engine, text)[0] == text, text


def test_a_card_number_read_back_in_the_speakers_own_groups(engine):
    out, types = anonymize(engine, "AGENT: Also 45 3201 667 5021 872, richtig?")
    assert "5021" not in out and "CREDIT_CARD" in types, out
    # a dashed number is written, not read out: an order's, whatever its check digit says
    text = "The refund for order 407-1938205-5166201 has been approved."
    assert anonymize(engine, text)[0] == text


def test_a_callers_role_in_a_voice_tag_or_in_another_language_stays(engine):
    call = (
        "00:00:01.000 --> 00:00:03.000\n<v Caller>hi, I'm calling about my bill\n\n"
        "00:00:03.500 --> 00:00:05.000\n<v Agent>sure, how can I help\n\n"
        "00:00:05.500 --> 00:00:07.000\n<v Caller>it looks too high"
    )
    out, _ = anonymize(engine, call)
    assert out.count("<v Caller>") == 2, out
    call = "[00:01] Chiamante: buongiorno\n[00:03] Agente: mi dica\n[00:05] Chiamante: ho un problema"
    out, _ = anonymize(engine, call)
    assert out.count("Chiamante:") == 2, out


def test_japanese_speaker_labels_and_grammar_are_no_names(engine):
    call = "[00:01] 担当者: お電話ありがとうございます。\n[00:04] 顧客: はい、注文の件です。\n[00:07] 担当者: はい。"
    assert anonymize(engine, call)[0] == call
    text = "それは私の名前です。"
    assert anonymize(engine, text)[0] == text
    # a field that names the person in charge still goes
    out, _ = anonymize(engine, "担当者: 佐藤\n部署: 営業部")
    assert "佐藤" not in out and "営業部" in out, out


def test_names_introduced_in_cjk_calls(engine):
    for text, name in (
        ("担当: お電話ありがとうございます、ABCマートの佐藤と申します。", "佐藤"),
        ("用户: 我叫刘洋。", "刘洋"),
        ("顧客: えっと、ヤマダ タロウです。", "ヤマダ タロウ"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out
    for text in ("我叫外卖了。", "担当: カスタマー サポートです。"):
        assert anonymize(engine, text)[0] == text, text
    vtt = (
        "00:00:01.000 --> 00:00:03.000\n<v 서준>네, 한빛보험입니다.\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v 고객>사고 접수하려고요.\n\n"
        "00:00:07.000 --> 00:00:09.000\n<v 서준>네, 말씀하세요."
    )
    out, _ = anonymize(engine, vtt)
    assert "서준" not in out and "<v 고객>" in out, out


def test_a_given_name_signing_a_cjk_mail_goes_a_chats_reply_stays(engine):
    for text, name in (
        (
            "配送状況を確認しました。\n\n何卒よろしくお願いいたします。\n\n美咲\n\n2025年3月2日 田中 <t@example.jp>",
            "美咲",
        ),
        ("배송 조사를 요청했습니다.\n\n잘 부탁드립니다.\n\n민호\n", "민호"),
        ("> > 取り急ぎご連絡まで。\n> >\n> > -- \n> > 美咲\n", "美咲"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out
    for text in ("谢谢\n好的", "감사합니다.\n네", "よろしくお願いいたします。\n以上"):
        assert anonymize(engine, text)[0] == text, text


def test_a_name_with_a_capitalized_particle_inside(engine):
    for text, name in (
        ("Ho parlato con Giulia Di Stefano ieri.", "Di Stefano"),
        ("[00:01:57] Cliente: Paolo De Santis", "De Santis"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out


def test_an_agent_naming_themselves_and_the_business_in_a_greeting(engine):
    for text, name in (
        ("Agent: Hej, tack för att du ringde, Göran på Comviq, vad gäller det?", "Göran"),
        ("Agent: Hej och välkommen, Bo på Tele2, vad gäller det?", "Bo på"),
    ):
        out, _ = anonymize(engine, text)
        assert name not in out, out
    out, _ = anonymize(engine, "Agent: Bonjour, Camille de chez Orange, que puis-je faire pour vous ?")
    assert out.startswith("Agent: Bonjour, ") and "Camille" not in out, out


def test_an_age_with_to_be_and_a_number_alone_and_an_age_to_come(engine):
    for text in (
        "Ich bin 47 und wohne seit Jahren allein, deshalb frage ich nach dem Tarif.",
        "Ik ben 47 en ik woon alleen, daarom heb ik een vraag over het abonnement.",
        "she will be 88 in June and needs the large-print bill",
    ):
        out, types = anonymize(engine, text)
        assert "AGE" in types and ("47" not in out and "88" not in out), out
        assert "June" in out or "88" not in text, out
    for text in ("Ich bin 2. in der Schlange und warte.", "Wir sind 4 und kommen morgen.", "The refund lands in May."):
        assert anonymize(engine, text)[0] == text, text


def test_a_chats_short_replies_under_role_labels_stay(engine):
    chat = (
        "agent: can I have your email\ncustomer: sure\nagent: go on\n"
        "customer: dana.k@example.com\nagent: thanks\ncustomer: ok"
    )
    out, _ = anonymize(engine, chat)
    assert out == chat.replace("dana.k@example.com", "<EMAIL_ADDRESS_1>"), out
    # a form's field still names its value
    out, _ = anonymize(engine, "Customer: Dana Kowalski\nCity: Leeds\nPhone: 0113 496 0000")
    assert "Kowalski" not in out, out


def test_a_login_said_with_an_underscore_or_its_word(engine):
    for call, login in (
        ("spk_0: cuál es su usuario\nspk_1: este marta_vidal eso es\nspk_0: gracias", "marta_vidal"),
        ("agente: il suo nome utente?\ncliente: allora piero underscore galli\nagente: grazie", "galli"),
    ):
        out, _ = anonymize(engine, call)
        assert login not in out, out


def test_a_birth_date_in_words_with_ordinal_endings_glued_years_and_little_words(engine):
    for call, rest in (
        ("A: och när är du född\nB: den tjugonde april nittonhundraåttiofyra\nA: tack", "åttiofyra"),
        ("A: ¿Su fecha de nacimiento?\nB: el once de marzo de mil novecientos setenta y seis\nA: gracias", "seis"),
    ):
        out, types = anonymize(engine, call)
        assert rest not in out and "DATE_OF_BIRTH" in types, out


def test_digits_of_other_scripts_spoken_dots_long_vowels_and_repeats(engine):
    for text, value in (
        ("اكتب عندك رقم الهوية: ٢٨٤٠٣١٩٥٧٦.", "٢٨٤٠٣١٩٥٧٦"),
        ('고객: "그러니까, 81점77점203점14이에요."', "81점77점203"),
        ("発信者: プラスハチイチーキューゼローサンゴーヨンイチーナナニー", "キューゼロー"),
        (
            "受付: お電話番号をお願いします。\n発信者: 携帯はゼロキューサンヨンイチーナナハチです。\n受付: はい。",
            "サンヨン",
        ),
        ("Het is zeven drie één dubbel vijf dubbel twee nul.", "dubbel vijf"),
        ("Caller: mera number hai nau aath saat chhah paanch chaar teen do", "saat chhah"),
    ):
        out, _ = anonymize(engine, text)
        assert value not in out, out
    text = "I do one thing every day and two on Sunday."
    assert anonymize(engine, text)[0] == text


def test_a_number_neither_half_of_which_was_found_alone(engine):
    call = (
        "OP: Mi lascia un numero di cellulare?\nCliente: Allora, tre quarantadue, diciotto...\nOP: Prego.\n"
        "Cliente: ... ventisei sette cinquantuno.\nOP: Grazie."
    )
    out, types = anonymize(engine, call)
    assert "quarantadue" not in out and "cinquantuno" not in out and "PHONE_NUMBER" in types, out
    call = (
        "Operator: And your social security number?\nCaller: uh, 6613, four nine... [laughs]\n"
        "Operator: (overlap) um, mhm.\nCaller: and then two eight, 7720. [inaudible]\nOperator: Thanks."
    )
    out, _ = anonymize(engine, call)
    assert "6613" not in out and "7720" not in out, out
    # quantities given over two turns stay
    call = (
        "Agent: how many items?\nCaller: three hundred twenty\nAgent: ok\nCaller: and forty five boxes\nAgent: thanks"
    )
    assert anonymize(engine, call)[0] == call


def test_an_email_read_out_with_at_sign_or_at_the_rate(engine):
    for call in (
        "Agent: and your email?\nCaller: rmokoena12 at sign outlook dot com, all lower case.\nAgent: thanks",
        "Caller: my email is anil dot v at the rate yahoo dot co dot in",
    ):
        out, types = anonymize(engine, call)
        assert "EMAIL_ADDRESS" in types and "outlook dot" not in out and "yahoo dot" not in out, out


def test_an_age_said_in_english_words_or_typed_without_apostrophes(engine):
    for text, age in (
        ("Agent: and your father?\nCaller: He's sixty-three now.", "sixty-three"),
        ("[09:08] jo: shes eighty now isnt she, crazy", "eighty"),
        ("im thirty one and still renting", "thirty one"),
    ):
        out, types = anonymize(engine, text)
        assert age not in out and "AGE" in types, out
    for text in (
        "It is five now, we close at six.",
        "I am one of the owners.",
        "There are two of us and we are ten now.",
    ):
        assert anonymize(engine, text)[0] == text, text


def test_a_street_address_with_its_number_said_in_words_before_or_after_the_name(engine):
    for text, value in (
        (
            "Rep: And the first line of your address?\nCustomer: forty-one twelve Birch Hollow Lane, the new place.",
            "Birch",
        ),
        ("Kunde: Ich wohne in der Lindenstraße dreiundvierzig, in Köln.", "dreiundvierzig"),
    ):
        out, types = anonymize(engine, text)
        assert value not in out and "STREET_ADDRESS" in types, out
    for text in (
        "We waited two hours on the road to the coast.",
        "Die Lieferung kam in die Hauptstraße zwei Tage später.",
    ):
        assert anonymize(engine, text)[0] == text, text


def test_a_name_far_into_a_long_lower_case_line_and_the_everyday_words_around_it(engine):
    # an ASR export that writes a whole call as one line: the name comes long after the line's sixth word
    call = (
        "dzień dobry tu infolinia sklepu w czym mogę pomóc chciałem zapytać o przesyłkę bo nie dotarła "
        "proszę podać na kogo było zamówienie na mnie tomasz wróblewski a numer zamówienia to 552190 "
        "zablokowało mi konto w aplikacji więc dzwonię trzy razy już próbowałem"
    )
    out, types = anonymize(engine, call)
    assert "tomasz" not in out and "wróblewski" not in out and types == {"PERSON"}, out
    assert "mi konto w aplikacji" in out and "trzy razy" in out and "552190" in out, out
    for line in (
        "[10:02] lena_k: hi, wie geht es dir? ich hoffe alles ist gut bei euch",
        "marco (18:40): rien de nouveau ici, et de ton coté? tout va bien chez vous",
        "[11:15] sam: tried the parcel with dpd again but nobody was home, will try with seur next time",
    ):
        message = line.split(": ", 1)[1]  # the speaker's handle goes, what they wrote stays
        assert anonymize(engine, line)[0].endswith(": " + message), line


def test_a_short_date_keeps_its_month_and_a_clock_time_is_no_number_read_out(engine):
    for text in (
        "Agent: We moved your visit to 17 Mar, 10:00–12:00.\nCaller: Great, thanks for that.",
        "The courier comes on 8 Jun between 9:00 and 13:00; the refund follows on Jun 12.",
        "Date: Mon, 30 Sep 2024 05:14:00 +0000",
        "W dniu 3 gru 2024 o 13:52 obsługa klienta napisała:",
    ):
        out, types = anonymize(engine, text)
        assert "17 Mar" in out or "8 Jun" in out or "Mon, 30 Sep" in out or "2024 o 13:52" in out, out
        assert "Jun 12" in out or "Jun" not in text, out
        assert "PHONE_NUMBER" not in types, out


def test_an_email_address_read_out_over_two_turns(engine):
    for call, parts in (
        (
            "Agent: And your e-mail, please?\nCustomer: it's marta underscore lind snabel-a ...\nAgent: Mm.\n"
            "Customer: ... telia punkt se\nAgent: Thank you.",
            ("marta underscore lind", "telia punkt se"),
        ),
        (
            "SPEAKER_01: Cho em xin email ạ?\nSPEAKER_00: hoanganh a còng ...\nSPEAKER_01: Dạ.\n"
            "SPEAKER_00: ... yahoo chấm com\nSPEAKER_01: Em cảm ơn.",
            ("hoanganh", "yahoo chấm com"),
        ),
    ):
        out, types = anonymize(engine, call)
        assert types == {"EMAIL_ADDRESS"} and not any(p in out for p in parts), out


def test_vietnamese_digits_and_names_and_family_name_first_in_hungarian(engine):
    out, types = anonymize(
        engine,
        "SPEAKER_01: Anh cho em xin họ tên đầy đủ và số điện thoại ạ?\n"
        "SPEAKER_00: Ừ, Trần Minh Khoa, số của tôi là không chín một, ba bốn năm, sáu bảy tám chín.\n"
        "SPEAKER_01: Dạ, em cảm ơn.",
    )
    assert "Trần" not in out and "sáu bảy tám chín" not in out and types == {"PERSON", "PHONE_NUMBER"}, out
    # a name whose words are everyday ones in its language ("kiss" is "small"), family name first; a Czech first
    # name as frequent as a common word; a Hungarian age after the relative it is about
    out, types = anonymize(engine, "Ügyfél: A lányomról van szó, Kiss Gábor, 16 éves, ő használja a számlát.")
    assert "Kiss" not in out and "16" not in out and types == {"PERSON", "AGE"}, out
    out, types = anonymize(engine, "Zákazník: Objednávku dělal můj syn Tomáš Svoboda, ne já.")
    assert "Tomáš" not in out and types == {"PERSON"}, out
    out, types = anonymize(engine, "נציג: אפשר את השם המלא שלך?\nלקוח: כן, דנה לוי.\nנציג: תודה רבה.")
    assert "דנה" not in out and types == {"PERSON"}, out


def test_a_town_after_a_postcode_read_out_and_labels_of_plates_and_ids_in_more_languages(engine):
    out, types = anonymize(
        engine,
        "Operátor: A adresa trvalého bydliště?\nZákazník: Ano, je to Na Výsluní 48, šest dva nula, nula nula Brno.\n"
        "Operátor: Děkuji.",
    )
    assert "Brno" not in out and "Výsluní" not in out and "LOCATION" in types, out
    assert "> <LOCATION_1>." in out, out  # the space after the postcode read out stays
    out, types = anonymize(engine, "Som aftalt:\nNummerplade: CX 48 211\nMed venlig hilsen")
    assert "48 211" not in out and types == {"LICENSE_PLATE"}, out
    out, types = anonymize(engine, "Az adataim:\nTAJ-szám: 126 449 873\nKöszönöm")
    assert "449" not in out and types == {"NATIONAL_ID"}, out
    # a number read out keeps the space after it ("... eight four two commercial at ...")
    call = "Agent: Your mobile?\nCaller: oh seven seven one two, three four five six seven eight then"
    out, _ = anonymize(engine, call)
    assert "> then" in out, out


def test_chat_senders_on_header_lines(engine):
    for chat, names in (
        (
            "[03/02/2025 09:12] Henrike\nkannst du kurz auf das Ticket schauen?\n"
            "[03/02/2025 09:14] Mats Okafor\nklar, welche Bestellung?\n[03/02/2025 09:15] Henrike\ndie vom Montag",
            ("Henrike", "Mats Okafor"),
        ),
        (
            "Joris, [12.05.2024 18:02]\nwie betaalt de taart?\n\nFemke, [12.05.2024 18:05]\nik doe het wel",
            ("Joris", "Femke"),
        ),
        ("지민  10:02\n환불 건 확인 부탁드려요\n\n도윤  10:05\n네 확인할게요", ("지민", "도윤")),
    ):
        out, types = anonymize(engine, chat)
        assert types == {"PERSON"} and not any(n in out for n in names), out
    # a tracking log's status lines are no senders
    log = "[03/02/2025 09:12] Delivered\n[02/02/2025 18:40] Out for delivery\n[01/02/2025 07:05] Shipped"
    assert anonymize(engine, log)[0] == log


def test_a_child_turning_an_age_on_a_day(engine):
    out, types = anonymize(engine, "Hi all! Our Mila is turning six next Sunday, cake at four.")
    assert "six" not in out and "AGE" in types, out
    for text in ("The dial turned 2 and stopped.", "We turned 3 pages on Monday."):
        assert anonymize(engine, text)[0] == text, text


def test_a_lower_case_asr_export_one_turn_a_line_without_labels(engine):
    call = (
        "hej du har kommit till kundtjänst\n"
        "hej jag ringer om min faktura\n"
        "vad är ditt födelsedatum\n"
        "öh det är sextiotvå noll fyra elva\n"
        "och ett nummer att nå dig på\n"
        "mitt mobilnummer är noll sjuttiotre fyrtioett\n"
        "okej\n"
        "och sen två åtta fem noll sex\n"
        "tack då ringer vi upp"
    )
    out, types = anonymize(engine, call)
    assert "sextiotvå" not in out and "sjuttiotre" not in out and "två åtta fem" not in out, out
    assert "hej jag ringer om min faktura" in out and "tack då ringer vi upp" in out, out
    # the first half of the mobile number is a number's, whole ("noll" too), not covered by chance readings as places
    assert "noll sjuttiotre" not in out and "är noll" not in out, out
    assert types <= {"REFERENCE_NUMBER", "PHONE_NUMBER", "DATE_OF_BIRTH"}, types


def test_digits_read_in_the_language_the_call_says_them_in_whatever_language_was_guessed():
    # a short transcript's language is easily guessed wrong (Swedish names and English labels read as Danish)
    from llm_assets.core.anonymization.gazetteers import language_scope
    from llm_assets.core.anonymization.recognizers.spoken import SpokenSequenceRecognizer

    line = "frida: sju två noll ett ett fyra, fyra fem noll sex"
    with language_scope("da"):
        found = [line[r.start : r.end] for r in SpokenSequenceRecognizer().find(line)]
    assert any("noll ett ett fyra" in f and "fyra fem noll sex" in f for f in found), found


# -- held-out splits of the generator's own sources, and probe 12 (nineteenth session) ---------------------------------


def test_a_phone_with_its_area_code_in_brackets_then_a_hyphen(engine):
    out, types = anonymize(engine, "Groeten,\nEls Wouters\n(0513)-772091\n\nOrder 4471 shipped in 2023-2024.")
    assert "772091" not in out and "PHONE_NUMBER" in types, out
    assert "Order 4471 shipped in 2023-2024." in out, out
    out, _ = anonymize(engine, "Bel me op (06)-48213377 of +31(0)104412290.")
    assert "48213377" not in out and "104412290" not in out, out


def test_speakers_named_in_small_letters_after_time_stamps(engine):
    call = (
        "[00:03] rosa blanco: buenas tardes\n"
        "[00:09] agente: dígame\n"
        "[00:15] rosa blanco: quería cambiar la tarifa\n"
        "[00:21] agente: claro\n"
        "[00:30] rosa blanco: gracias"
    )
    out, _ = anonymize(engine, call)
    assert "rosa blanco" not in out and "agente: dígame" in out and "quería cambiar la tarifa" in out, out
    chat = "[10:01] baker: is it shipped\n[10:02] sales: yes today\n[10:04] baker: great\n[10:05] sales: anything else"
    out, _ = anonymize(engine, chat)
    assert "baker" not in out and "sales: yes today" in out, out


def test_a_chinese_or_japanese_full_name_alone_in_a_turn(engine):
    call = (
        "[00:01] A: お名前をどうぞ\n[00:04] B: 五十嵐 颯太\n[00:06] A: はい\n[00:09] B: 宇野真琴\n[00:12] A: 東京 大学"
    )
    out, types = anonymize(engine, call)
    assert "五十嵐" not in out and "颯太" not in out and "宇野" not in out, out
    assert "東京 大学" in out and types == {"PERSON"}, (out, types)


def test_a_speaker_whose_label_is_a_mail_header_word_and_ages_read_out(engine):
    call = (
        "[00:02] von: hi there\n[00:05] kim: hello\n[00:09] von: thirty-one years\n"
        "[00:12] kim: ok\n[00:15] von: bye\n===\n"
    ).split("===")[0]
    out, _ = anonymize(engine, call)
    assert "thirty-one" not in out, out
    greek = "[00:01] Α: γεια\n[00:03] Β: εβδομήντα τρία έτη\n[00:05] Α: ευχαριστώ\n[00:07] Β: τίποτα"
    out, types = anonymize(engine, greek)
    assert "εβδομήντα τρία" not in out and "AGE" in types and "ευχαριστώ" in out, out
    label = (
        "[00:01] ol'ga: привіт\n[00:03] оператор: слухаю\n[00:05] ol'ga: шістдесят два роки\n[00:07] оператор: дякую"
    )
    out, _ = anonymize(engine, label)
    assert "шістдесят два" not in out and "оператор: дякую" in out, out


def test_greeting_lines_a_mail_quotes_in_another_language_stay(engine):
    mail = (
        "Sounds good to me.\n\nTom Lindqvist\n\n> Hej\n> Hallå där\n> Salut, ça va ?\n>\n> Best regards,\n> Lisa Berg\n"
    )
    out, _ = anonymize(engine, mail)
    for kept in ("> Hej", "> Hallå där", "> Salut, ça va ?"):
        assert kept in out, out
    assert "Lindqvist" not in out and "Lisa Berg" not in out, out


def test_the_postcode_and_town_of_an_address_block_below_a_name(engine):
    mail = "谢谢\n\n> 周晓燕\n> 云帆科技有限公司\n> 715200 黎川\n"
    out, _ = anonymize(engine, mail)
    assert "715200" not in out and "黎川" not in out and "周晓燕" not in out, out
    hebrew = "תודה\n\nנועה שרעבי\n050-6618823\nרחוב הגפן 14\n7761103 אשדוד\n"
    out, _ = anonymize(engine, hebrew)
    assert "7761103" not in out and "אשדוד" not in out, out
    notes = "Thanks,\n\nJohn Miller\n2 items left in stock\n14 pcs\n2024 Annual report\n"
    assert anonymize(engine, notes)[0].endswith("2 items left in stock\n14 pcs\n2024 Annual report\n")


def test_a_postcode_after_the_town_and_its_country(engine):
    out, types = anonymize(engine, "You are a customer living in Tacoma, USA, 98402. You want a refund.")
    assert "98402" not in out and "ZIP_CODE" in types and "You want a refund." in out, out


def test_a_street_given_alone_with_its_designator_first(engine):
    call = (
        "[00:01] atendente: qual o endereço\n[00:04] cliente: travessa do carmo, s/n\n[00:06] atendente: e o outro\n"
        "[00:09] cliente: r. dos andradas, 1120\n[00:12] atendente: certo\n[00:14] cliente: via email"
    )
    out, types = anonymize(engine, call)
    assert "carmo" not in out and "andradas" not in out and "via email" in out, out
    assert types == {"STREET_ADDRESS"}, types


def test_a_birth_date_with_a_month_of_two_letters(engine):
    call = "[00:01] A: नमस्ते\n[00:03] B: 9 मई 1976\n[00:05] A: धन्यवाद\n[00:07] B: ठीक है"
    out, types = anonymize(engine, call)
    assert "1976" not in out and types == {"DATE_OF_BIRTH"}, (out, types)


def test_chinese_keys_with_their_values_right_after_the_colon(engine):
    form = (
        "申请人信息：\n姓名：邵文静\n身份证：110105198807214423\n驾驶证档案编号：110100552361\n"
        "信用卡：4929 1863 0052 7718\n订单号：DD20250611\n"
    )
    out, types = anonymize(engine, form)
    for gone in ("邵文静", "110105198807214423", "110100552361", "4929 1863 0052 7718"):
        assert gone not in out, out
    assert "订单号:DD20250611" in out and "CREDIT_CARD" in types, out


def test_logins_after_a_service_name_or_an_account_word(engine):
    for text, value in (
        ("Inlognaam Mijn Zorgportaal: fvanleeuwen_nl", "fvanleeuwen_nl"),
        ("제 계정은 jmpark_studio입니다.", "jmpark_studio"),
        ("マイページID:tanabe_office07", "tanabe_office07"),
    ):
        out, types = anonymize(engine, text)
        assert value not in out and "USERNAME" in types, out
        assert "マイページID" in out or "マイページ" not in text, out
    text = "The login for the portal: see the attached guide."
    assert anonymize(engine, text)[0] == text


def test_an_agent_signing_below_a_valediction_or_a_desk(engine):
    for mail, name in (
        ("Le confirmamos el reembolso.\n\nUn cordial saludo,\nNerea\nAtención al cliente", "Nerea"),
        ("ご連絡ありがとうございます。\n\nサポートセンター\n森下", "森下"),
        ("처리되었습니다.\n\n고객지원팀\n한유진 매니저", "한유진"),
        ("祝好!\n林小满(客服)\n清河电器旗舰店", "林小满"),
    ):
        out, _ = anonymize(engine, mail)
        assert name not in out, out
    text = "Hola Marta,\n\nLe confirmamos el reembolso.\n\nUn cordial saludo,\nNerea\nAtención al cliente"
    assert "Atención al cliente" in anonymize(engine, text)[0]


def test_a_street_alone_after_an_abbreviated_or_everyday_designator(engine):
    call = (
        "[00:01] agente: dirección\n[00:04] cliente: av. corrientes n° 1380\n[00:06] agente: y la otra\n"
        "[00:09] cliente: diagonal norte n° 95\n[00:12] agente: gracias\n[00:14] cliente: diagonal"
    )
    out, types = anonymize(engine, call)
    assert "corrientes" not in out and "norte n° 95" not in out and "cliente: diagonal" in out, out
    assert types == {"STREET_ADDRESS"}, types


def test_a_street_closing_a_signature_block(engine):
    out, _ = anonymize(engine, "Klopt.\n\n> Ana Ruiz\n> 612 345 678\n> Popular 812\n")
    assert "Popular 812" not in out, out
    text = "Thanks,\n\nJohn Miller\nSales\nRoom 2024\n"
    assert anonymize(engine, text)[0].endswith("Sales\nRoom 2024\n")


def test_a_raw_mails_multipart_boundaries_and_its_greetings_stay(engine):
    mail = (
        'Content-Type: multipart/mixed; boundary="===============4417206338815529031=="\n\n'
        "--===============4417206338815529031==\nSubject: Fwd: Guten Morgen!\n\nGuten Morgen!\n\n"
        "> Hallo\n> Hallo\n\nAnke Vogelsang\n--===============4417206338815529031==--\n"
    )
    out, _ = anonymize(engine, mail)
    assert out.count("4417206338815529031") == 3 and "Vogelsang" not in out, out
    assert "Subject: Fwd: Guten Morgen!" in out and "> Hallo\n> Hallo" in out, out


def test_short_chinese_clauses_in_a_mostly_latin_mail_are_no_names(engine):
    mail = (
        "From: support@example.com\nSubject: Re: order 5521\n\nThanks for your message, we will check it.\n\n"
        "你不相信我\n那可能是吧\n\n> order_id: 5521\n> status: shipped\n\n祝好\n邵文静\n"
    )
    out, _ = anonymize(engine, mail)
    assert "你不相信我\n那可能是吧" in out and "邵文静" not in out, out


def test_digits_read_in_kana_or_in_spoken_arabic_with_their_commas(engine):
    call = (
        "[00:00:10] 話者1:お電話番号をお願いします。\n[00:00:14] 話者2:ぜろきゅうぜろ、よんよんにいろく、"
        "さんはちごういちです。\n[00:00:20] 話者1:ありがとうございます。"
    )
    out, types = anonymize(engine, call)
    assert "きゅうぜろ" not in out and "PHONE_NUMBER" in types and "ありがとうございます" in out, out
    arabic = "الموظف: رقم جوالك؟\nالعميل: صفر خمسة اتنين، سبعة سبعة تسعة، اثنين ستة، واحد صفر\nالموظف: شكرا"
    out, types = anonymize(engine, arabic)
    assert "سبعة سبعة تسعة" not in out and "PHONE_NUMBER" in types, out
    assert anonymize(engine, "いちにちに三回、にさんにち")[0] == "いちにちに三回、にさんにち"


def test_the_other_party_of_a_two_speaker_log_whatever_its_name_means(engine):
    log = "[09:05] olivia: are you there\n[09:06] harmony: yes\n[09:08] olivia: ok\n[09:09] harmony: bye"
    out, _ = anonymize(engine, log)
    assert "harmony" not in out and "olivia" not in out and "are you there" in out, out
    desk = "[09:01] fisher: is it shipped\n[09:02] sales: yes today\n[09:04] fisher: great\n[09:05] sales: ok"
    assert "sales: yes today" in anonymize(engine, desk)[0]


def test_a_postcode_in_brackets_after_its_town(engine):
    out, types = anonymize(engine, "You just moved from Tampa (33602) to Boise (83702). Since 2019 (5 years).")
    assert "33602" not in out and "83702" not in out and "Since 2019 (5 years)." in out, out
    assert "ZIP_CODE" in types


def test_streets_alone_in_a_turn_in_more_scripts_and_a_turns_stamp_kept(engine):
    call = (
        "[00:01] A: адрес\n[00:02] B: ул. Садовая, д. 14 корп. 2\n[00:03] A: спасибо\n[00:04] B: 41/2207 शर्मा\n"
        "[00:05] A: ठीक\n[00:06] B: 松江路5号\n[00:07] A: 一路顺风\n[00:08] B: 2 किलो"
    )
    out, types = anonymize(engine, call)
    for gone in ("Садовая", "41/2207", "松江路5号"):
        assert gone not in out, out
    assert "[00:07] A: 一路顺风\n[00:08] B: 2 किलो" in out and "STREET_ADDRESS" in types, out


def test_a_postcode_and_town_after_a_street_in_a_flattened_page(engine):
    page = "merchant | Rozetka | +380 44 765 2210 | вул. Франка, 8 | 79012 Винники"
    out, _ = anonymize(engine, page)
    assert "79012" not in out and "Винники" not in out and "merchant | Rozetka" in out, out


def test_korean_and_japanese_licence_plates_by_their_shape(engine):
    out, types = anonymize(engine, "사고 차량은 47머 2291이고 2024년 1234원 결제했어요.")
    assert "47머 2291" not in out and "2024년 1234원" in out and "LICENSE_PLATE" in types, out
    out, types = anonymize(engine, "お車は 横浜 330 ね 45-07 です。2024 年 3月 12日に受け取りました。")
    assert "45-07" not in out and "2024 年 3月 12日" in out and "LICENSE_PLATE" in types, out


def test_a_full_name_in_small_letters_with_a_family_name_no_list_holds():
    from llm_assets.core.anonymization import gazetteers
    from llm_assets.core.anonymization.recognizers.turns import BareTurnRecognizer

    turns = BareTurnRecognizer(gazetteers.load())
    assert turns._lower_case_name("dario vezzolini") and turns._lower_case_name("faith macdwyer")
    assert not turns._lower_case_name("rose garden") and not turns._lower_case_name("mark unread")


def test_a_settlement_after_a_street_by_its_designator(engine):
    out, _ = anonymize(engine, "Доставка на ул. Садовая, д. 3, с. Зоряне, пожалуйста.")
    assert "Зоряне" not in out and "Доставка на" in out, out


def test_a_large_town_in_small_letters_right_after_its_postcode(engine):
    out, _ = anonymize(engine, "adres to mickiewicza osiem kod zero jeden pięć dwa trzy warszawa dziękuję")
    assert "warszawa" not in out and "dziękuję" in out, out


def test_a_name_after_the_arabic_words_for_registered_in_the_name_of(engine):
    out, types = anonymize(engine, "الموظف: الحساب مسجل باسم خالد العتيبي. كيف أساعدك؟")
    assert "خالد" not in out and "كيف أساعدك" in out and "PERSON" in types, out


def test_an_employer_in_brackets_and_plates_after_a_few_words_or_by_their_russian_shape(engine):
    out, types = anonymize(engine, "Mein Arbeitgeber (Dachdeckerei Wolanski GmbH) braucht die Bescheinigung.")
    assert "Wolanski" not in out and "ORGANIZATION" in types, out
    out, _ = anonymize(engine, "Kennzeichen meines Wagens für die Tiefgarage: KA-RM 2047\n\nDanke")
    assert "KA-RM 2047" not in out and "Danke" in out, out
    out, _ = anonymize(engine, "Царапина на двери машины (Е735ВН178), которую я арендовал.")
    assert "Е735ВН178" not in out and "которую я арендовал" in out, out


def test_a_postcode_block_then_a_town_block_in_a_flattened_row(engine):
    row = "pending | Desk Lamp | Eleni Vlachou | eleni.v@example.gr | +30 694 551 2093 | 651 10 | Καβάλα | 02/11/1979"
    out, _ = anonymize(engine, row)
    assert "651 10" not in out and "Καβάλα" not in out and out.startswith("pending | Desk Lamp"), out
    assert (
        anonymize(engine, "Order | 2024 | 10 | Items | 12345 | Total")[0] == "Order | 2024 | 10 | Items | 12345 | Total"
    )


# -- ordinary text under words that usually announce a value ----------------------------------------------------------


def test_a_group_greeted_stays_a_person_greeted_goes(engine):
    text = "Hallo Team,\ndie Palette geht morgen raus, bitte den Eingang bestätigen."
    assert anonymize(engine, text) == (text, set())
    text = "Dear Customer, your parcel left the depot this morning."
    assert anonymize(engine, text) == (text, set())
    out, types = anonymize(engine, "Hello Ottilie,\nyour parcel is on its way.")
    assert "Ottilie" not in out and types == {"PERSON"}


def test_a_plate_key_over_a_word_or_a_date_keeps_the_value(engine):
    text = "Kennzeichen der Woche: Zuversicht.\nRegistration date: 2023-11-30\nPlate expiry: 2026-05-31"
    out, types = anonymize(engine, text)
    assert out == text and not types
    out, types = anonymize(engine, "Kennzeichen der Woche: KA-RT 715")
    assert "715" not in out and types == {"LICENSE_PLATE"}


def test_a_year_opening_the_line_below_a_street_is_no_postcode(engine):
    out, _ = anonymize(engine, "Dispatched from Calle Mayor 8\n2023 Budget figures follow in the appendix.")
    assert "Calle Mayor" not in out and "2023 Budget figures follow" in out
    out, _ = anonymize(engine, "Dispatched from Calle Mayor 8\n2000 Antwerpen")
    assert "Antwerpen" not in out and "2000" not in out


def test_a_valediction_of_another_language_is_no_name(engine):
    out, _ = anonymize(engine, "Got the invoice, will pay on Monday.\nGroeten,\nTel 0612345678")
    assert "\nGroeten,\n" in out and "0612345678" not in out
    out, _ = anonymize(engine, "Thanks for the quick fix.\nHälsningar,\nmobile 0701234567")
    assert "\nHälsningar,\n" in out and "0701234567" not in out


def test_an_address_under_a_key_keeps_its_postcode_and_town_lines(engine):
    out, _ = anonymize(engine, "Please send it here.\nAddress: Lindenallee 23\n50667 Köln\nThank you")
    assert "Lindenallee" not in out and "50667" not in out and "Köln" not in out
    assert out.startswith("Please send it here.\nAddress: ") and out.endswith("\nThank you")


def test_airport_codes_on_a_route_or_beside_air_travel_words_stay(engine):
    text = (
        "Rebooked: outbound SEA to BOS on the 14th, return BOS–SEA. The JFK terminal moved, and the flight from DEN "
        "left late."
    )
    out, types = anonymize(engine, text)
    assert out == text and not types
    out, types = anonymize(engine, "My colleague Ottilie KIM will call you about the invoice.")
    assert "Ottilie" not in out and "KIM" not in out


def test_lines_of_another_language_in_an_english_text_are_no_names(engine):
    text = (
        "Hi all, quick update on the pallet for Ottilie Brandt.\n"
        "Die Lieferung kommt morgen früh.\n"
        "Estoy esperando la factura."
    )
    out, types = anonymize(engine, text)
    assert "Ottilie" not in out and "Brandt" not in out and types == {"PERSON"}
    assert out.endswith("\nDie Lieferung kommt morgen früh.\nEstoy esperando la factura.")


def test_phones_without_separators_after_their_label_or_in_international_form_are_phones(engine):
    out, types = anonymize(engine, "Paid the invoice today.\nTel 0612345678\nor call +4915112345678 after five.")
    assert "0612345678" not in out and "4915112345678" not in out and "+<" not in out
    assert types == {"PHONE_NUMBER"} and out.startswith("Paid the invoice today.\nTel <PHONE_NUMBER_1>")
    text = "Invoice 2024001234 is paid; order 1234567890 ships Monday."
    assert anonymize(engine, text) == (text, set())
