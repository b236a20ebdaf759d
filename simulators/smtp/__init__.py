"""An SMTP server simulator (aiosmtpd) that keeps the mail it receives."""
