"""Accounts: users (citizens, businesses, staff), roles, register/login/profile."""
