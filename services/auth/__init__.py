"""Auth: users, credentials, contact verification, sessions and signing keys."""
