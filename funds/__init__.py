"""Funds: organisations, agreements, allocation, follow-up and repayment of the stimulus money."""
