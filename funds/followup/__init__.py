"""Follow-up (redovisning): reports and their review, repayments, reminders."""
