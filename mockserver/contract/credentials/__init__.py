"""Credentials that last a long run: a bearer token renewed before it expires, or when the target refuses it."""
