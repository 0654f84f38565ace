"""The care record's tables. Models move here from `clinic` and `practice` (issue 16), keeping
their tables; new record models (visits, outcomes, clinic API keys, webhooks) start here.
"""
