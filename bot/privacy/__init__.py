"""Data rights: export everything about a user, forget them everywhere."""
