"""Shared machinery that every app may use; it imports no app of the project."""
