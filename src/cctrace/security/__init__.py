"""Deployment and compliance hardening: where traces may go and what stays on disk.

`trust` decides which export destinations and keys are the user's own (and refuses those a
project planted), `transport` holds the https/loopback rules, `keys` keeps secrets in the OS
keychain or a 0600 file, `crypto` encrypts the store's content columns (AES-GCM),
`retention` ages local content out and `purge` erases it locally and in Langfuse.
"""
