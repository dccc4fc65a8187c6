"""The GraphQL schema of the Security page: types, inputs, result unions and the root operations."""

from schema.root import schema

__all__ = ["schema"]
