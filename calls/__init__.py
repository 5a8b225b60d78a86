"""Calls for applications (utlysningar): calls, applications, assessment and decisions."""
