"""Readings: meter readings (показания), their validation and history."""
