"""A corpus of ledgers made the way offices make them, each with its expected parse."""
