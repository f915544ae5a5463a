"""Lets a request reach the OneClickMlflow server only with a valid IAP signed header; see guard.py."""
