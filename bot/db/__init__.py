"""Database: engine and sessions, declarative base, models."""

from bot.db.base import Base
from bot.db.engine import Database, create_database_engine

__all__ = ["Base", "Database", "create_database_engine"]
