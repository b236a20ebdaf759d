"""An SMS provider simulator speaking SMSC.ru's HTTP API (`/sys/send.php`)."""
