"""Deployment and compliance hardening: where traces may go and what stays on disk.

`transport` parses and checks destination URLs (once: the checked URL is the one used),
`envcheck` reports environment variables capture ignores, `keys` keeps secrets in the OS
keychain or a 0600 file, `crypto` encrypts the store's content columns (AES-GCM),
`retention` ages local content out and `purge` erases it locally and in Langfuse.
"""
