from tests.clinic.conftest import harbour, northside

__all__ = ["harbour", "northside"]
