"""Chinese-language rules for ledgers: deadlines, numerals, statuses and names.

Pure Python on purpose (no Django import) so the rules can be tested and reused on their own.
"""
