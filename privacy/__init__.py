"""A member's rights over their own data: what we hold (the export) and erasure, across every
app that keeps something of theirs."""
