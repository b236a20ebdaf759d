-- One database per service (docs/runtime.md). Runs once, on an empty data volume.
CREATE DATABASE kabinet_auth;
CREATE DATABASE kabinet_accounts;
CREATE DATABASE kabinet_readings;
CREATE DATABASE kabinet_payments;
CREATE DATABASE kabinet_notify;
