"""Local stand-ins for the outside world, run as processes in dev and in the tests.

`python -m simulators.smtp`: an SMTP server that keeps the mail it receives.
`python -m simulators.sms`: an HTTP server speaking SMSC.ru's send.php protocol.
Each lists what it received at `GET /_sim/messages` (notify's dev outbox shows it) and can be
told to fail (`POST /_sim/fail`).
`python -m simulators.oidc`: an OpenID Connect provider (social sign-in).
`python -m simulators.yookassa`: YooKassa's API v3, its hosted payment page with test cards and its HTTP
notifications, with a technical-break window (`/_sim/…` routes control it). Dev and test only: they accept anything from anyone on
127.0.0.1 and keep messages, codes included, in plain text.
"""
