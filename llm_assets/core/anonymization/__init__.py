"""The anonymization engine: Presidio with the project's recognizers, the context policy (dates, organizations,
transaction references), the structure layer (tables, JSON, key-value text cell by cell), the second look and the
word lists. Used by the privacy stage (``anonymize_documents``), the served model's request path, ``llm-anonymize``
and the ``anonymizer`` resource; it imports nothing above core."""
