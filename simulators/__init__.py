"""Local stand-ins for the outside world, run as processes in dev and in the tests.

`python -m simulators.smtp`: an SMTP server that keeps the mail it receives.
`python -m simulators.sms`: an HTTP server speaking SMSC.ru's send.php protocol.
Each lists what it received at `GET /_sim/messages` (notify's dev outbox shows it) and can be
told to fail (`POST /_sim/fail`). Dev and test only: they accept anything from anyone on
127.0.0.1 and keep messages, codes included, in plain text.
"""
