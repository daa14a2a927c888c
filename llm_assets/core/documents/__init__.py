"""Reading what lands: the landing folder walked safely (inventory), files decoded and parsed into documents
(parsing), names and values made valid text (text). Used by ingestion, the landing resource and every command line
that reads documents."""
